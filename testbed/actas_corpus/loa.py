"""Loa Emprende (Antofagasta): an "ACTA N° 12" of the Consejo Público-Privado
in prose, and an acta of the Secretaría Técnica with a free-form table of
compromisos (and a table of earlier ones that must not be read as new)."""

from __future__ import annotations

from datetime import date

from testbed.actas_corpus.spec import Acta, Gold, Grid, Heading, PageBreak, Para

LETTERHEAD = "Programa Chile Emprende · Territorio Loa Emprende · Región de Antofagasta"

CONSEJO_12 = Acta(
    slug="loa_consejo_12",
    region="Antofagasta",
    territory="Loa Emprende",
    held_on=date(2026, 9, 10),
    kind="acta",
    letterhead=LETTERHEAD,
    footer="Acta N° 12 · Consejo Público-Privado Loa Emprende",
    scanned=True,
    blocks=(
        Heading("ACTA N° 12", 0),
        Heading("SESIÓN ORDINARIA DEL CONSEJO PÚBLICO-PRIVADO LOA EMPRENDE"),
        Para(
            "En Calama, a 10 de septiembre de 2026, siendo las 10:30 horas, en el salón de la "
            "Delegación Presidencial Provincial de El Loa, se reúne el Consejo Público-Privado "
            "del territorio Loa Emprende, presidido por su Gerente Territorial, con la asistencia "
            "de los consejeros que se indican."
        ),
        Heading("Asistentes", 2),
        Para(
            "Marcela Jara, Directora Regional de FOSIS Antofagasta; Rodrigo Araya, SERCOTEC; "
            "Juana Anza, presidenta de la Comunidad Atacameña de Lasana; Tomás Cruz, Cosmo "
            "Andino; Luis Gálvez, PROLOA; Eliana Colque, ADI Alto El Loa; Paula Órdenes, "
            "SERNATUR; Héctor Mamani, encargado de fomento de la Municipalidad de Calama; "
            "Ricardo Flores, INDAP."
        ),
        Heading("Tabla", 2),
        Para(
            "1. Lectura y aprobación del acta N° 11. 2. Cuenta de la ejecución 2026. "
            "3. Acuerdos para el fondo de turismo de Lasana. 4. Varios."
        ),
        Heading("Desarrollo de la sesión", 2),
        Para(
            "Se aprueba sin observaciones el acta N° 11, de fecha 13 de agosto de 2026.",
            dates=("2026-08-13",),
        ),
        Para(
            "Se informa que FOSIS transfirió $12.000.000 al fondo de emprendimiento el 3 de mayo "
            "de 2026, y que esos recursos fueron asignados a la región el 3 de julio.",
            amounts=(12_000_000,),
            dates=("2026-05-03", "2026-07-03"),
        ),
        Para(
            "La Directora Regional de FOSIS da cuenta de que el programa Yo Emprendo Semilla "
            "ejecutó $21.678.603 en la provincia, por sobre los $20.000.000 comprometidos en el "
            "acta N° 9; el proceso fue licitado y adjudicado en abril.",
            amounts=(21_678_603, 20_000_000),
        ),
        Para(
            "El representante de SERCOTEC señala que la convocatoria Capital Semilla cerró con "
            "143 postulaciones, de las cuales 25 corresponden a emprendedores de Calama."
        ),
        Heading("Acuerdos", 2),
        Para(
            "FOSIS se compromete a transferir $15.000.000 al convenio con la Comunidad "
            "Atacameña de Lasana antes del 21 de septiembre.",
            (
                Gold(
                    "FOSIS",
                    "transferir $15.000.000 al convenio con la Comunidad Atacameña de Lasana",
                    15_000_000,
                    "2026-09-21",
                    "antes del 21 de septiembre",
                ),
            ),
        ),
        Para(
            "SERCOTEC aportará M$ 8.500 para el fortalecimiento de la Asociación de Artesanos "
            "de Calama, a más tardar el 30 de octubre.",
            (
                Gold(
                    "SERCOTEC",
                    "aportar M$ 8.500 para el fortalecimiento de la Asociación de Artesanos de "
                    "Calama",
                    8_500_000,
                    "2026-10-30",
                    "a más tardar el 30 de octubre",
                ),
            ),
        ),
        Para(
            "La Municipalidad de Calama facilitará la sede de la Oficina de Fomento Productivo "
            "para las capacitaciones del programa en un plazo de 10 días hábiles.",
            (
                Gold(
                    "Municipalidad de Calama",
                    "facilitar la sede de la Oficina de Fomento Productivo para las "
                    "capacitaciones del programa",
                    None,
                    "10 días hábiles",
                    "en un plazo de 10 días hábiles",
                ),
            ),
        ),
        PageBreak(),
        Para(
            "Por su parte, la Comunidad Atacameña de Lasana se compromete a aportar el terreno "
            "y la mano de obra para habilitar el centro de interpretación, a fines de noviembre.",
            (
                Gold(
                    "Comunidad Atacameña de Lasana",
                    "aportar el terreno y la mano de obra para habilitar el centro de "
                    "interpretación",
                    None,
                    "2026-11-30",
                    "a fines de noviembre",
                ),
            ),
        ),
        Para(
            "Cosmo Andino financiará 4,5 millones de pesos para el diseño del circuito de "
            "turismo astronómico con guías locales durante octubre.",
            (
                Gold(
                    "Cosmo Andino",
                    "financiar el diseño del circuito de turismo astronómico con guías locales",
                    4_500_000,
                    "2026-10-30",
                    "durante octubre",
                ),
            ),
        ),
        Para(
            "La ADI Alto El Loa será responsable de convocar a las comunidades de Caspana, "
            "Ayquina y Toconce a los talleres de validación del circuito.",
            (
                Gold(
                    "ADI Alto El Loa",
                    "convocar a las comunidades de Caspana, Ayquina y Toconce a los talleres de "
                    "validación del circuito",
                    None,
                    None,
                ),
            ),
        ),
        Para(
            "SERNATUR incluirá el circuito Alto El Loa en la campaña regional de verano, antes "
            "del 30 de noviembre de 2026.",
            (
                Gold(
                    "SERNATUR",
                    "incluir el circuito Alto El Loa en la campaña regional de verano",
                    None,
                    "2026-11-30",
                    "antes del 30 de noviembre de 2026",
                ),
            ),
        ),
        Para(
            "INDAP se compromete a financiar $ 6.200.000 para riego tecnificado de los "
            "agricultores de Chiu Chiu, con plazo el 15/12/2026.",
            (
                Gold(
                    "INDAP",
                    "financiar riego tecnificado de los agricultores de Chiu Chiu",
                    6_200_000,
                    "2026-12-15",
                    "15/12/2026",
                ),
            ),
        ),
        Para(
            "Finalmente, PROLOA presentará al Consejo la cartera de proyectos 2027 de las "
            "organizaciones de Alto El Loa.",
            (
                Gold(
                    "PROLOA",
                    "presentar al Consejo la cartera de proyectos 2027 de las organizaciones de "
                    "Alto El Loa",
                    None,
                    None,
                ),
            ),
        ),
        Para(
            "La próxima sesión se realizará el jueves 8 de octubre de 2026 en San Pedro de "
            "Atacama. Siendo las 13:15 horas se levanta la sesión.",
            dates=("2026-10-08",),
        ),
        Para("Gerente Territorial Loa Emprende — Ministro de fe"),
    ),
)

_EARLIER = Grid(
    header=("Institución", "Compromiso", "Estado"),
    rows=(
        (
            "FOSIS",
            "Transferencia de $15.000.000 al convenio Lasana",
            "Cumplido el 18 de septiembre",
        ),
        ("SERCOTEC", "Fortalecimiento de la Asociación de Artesanos de Calama", "En ejecución"),
        ("Municipalidad de Calama", "Sede para las capacitaciones", "Cumplido"),
    ),
    commitments=(None, None, None),
    amounts=(15_000_000,),
    dates=("2026-09-18",),
)

_NEW = Grid(
    header=("Institución", "Compromiso", "Monto", "Plazo"),
    rows=(
        (
            "FOSIS",
            "Transferir la segunda cuota del fondo de emprendimiento turístico de Lasana",
            "M$ 8.500",
            "a fines de noviembre",
        ),
        ("SERCOTEC", "Asesoría a 12 almacenes de barrio de Calama", "15 millones", "21/12/2026"),
        (
            "Cosmo Andino",
            "Capacitar a 10 guías locales en turismo astronómico",
            "$ 4,5 millones",
            "durante noviembre",
        ),
        (
            "Comunidad Atacameña de Lasana",
            "Abrir el centro de interpretación los fines de semana",
            "—",
            "en 15 días hábiles",
        ),
        (
            "Municipalidad de San Pedro de Atacama",
            "Habilitar baños públicos en el sector del Pukará de Quitor",
            "$ 22.300.000",
            "primer semestre de 2027",
        ),
        (
            "ADI Atacama La Grande",
            "Convocar a las comunidades al taller de validación de la ruta",
            "sin monto",
            "6 de noviembre",
        ),
        ("PROLOA", "Presentar la cartera de proyectos 2027", "", "30 de octubre de 2026"),
        ("INDAP", "Financiar obras de riego en Chiu Chiu y Lasana", "MM$ 1,2", "10/12/2026"),
        (
            "SERNATUR",
            "Difundir la ruta en la feria de turismo de Santiago",
            "sin presupuesto explícito",
            "a fines de enero",
        ),
    ),
    commitments=(
        Gold(
            "FOSIS",
            "Transferir la segunda cuota del fondo de emprendimiento turístico de Lasana",
            8_500_000,
            "2026-11-30",
            "a fines de noviembre",
        ),
        Gold(
            "SERCOTEC",
            "Asesoría a 12 almacenes de barrio de Calama",
            15_000_000,
            "2026-12-21",
            "21/12/2026",
        ),
        Gold(
            "Cosmo Andino",
            "Capacitar a 10 guías locales en turismo astronómico",
            4_500_000,
            "2026-11-30",
            "durante noviembre",
        ),
        Gold(
            "Comunidad Atacameña de Lasana",
            "Abrir el centro de interpretación los fines de semana",
            None,
            "15 días hábiles",
            "en 15 días hábiles",
        ),
        Gold(
            "Municipalidad de San Pedro de Atacama",
            "Habilitar baños públicos en el sector del Pukará de Quitor",
            22_300_000,
            "2027-06-30",
            "primer semestre de 2027",
        ),
        Gold(
            "ADI Atacama La Grande",
            "Convocar a las comunidades al taller de validación de la ruta",
            None,
            "2026-11-06",
            "6 de noviembre",
        ),
        Gold(
            "PROLOA",
            "Presentar la cartera de proyectos 2027",
            None,
            "2026-10-30",
            "30 de octubre de 2026",
        ),
        Gold(
            "INDAP",
            "Financiar obras de riego en Chiu Chiu y Lasana",
            1_200_000,
            "2026-12-10",
            "10/12/2026",
        ),
        Gold(
            "SERNATUR",
            "Difundir la ruta en la feria de turismo de Santiago",
            None,
            "2027-01-29",
            "a fines de enero",
        ),
    ),
)

SECRETARIA_31 = Acta(
    slug="loa_secretaria_31",
    region="Antofagasta",
    territory="Loa Emprende",
    held_on=date(2026, 10, 15),
    kind="acta",
    letterhead=LETTERHEAD,
    footer="Acta Nº 31 · Secretaría Técnica Loa Emprende",
    blocks=(
        Heading("ACTA Nº 31", 0),
        Heading("SECRETARÍA TÉCNICA TERRITORIO LOA EMPRENDE"),
        Para(
            "San Pedro de Atacama, 15 de octubre de 2026. Sesión mensual de la Secretaría "
            "Técnica, realizada en la sede de la ADI Atacama La Grande."
        ),
        Para(
            "Participan: Marcela Jara (FOSIS), Rodrigo Araya (SERCOTEC), Tomás Cruz (Cosmo "
            "Andino), Juana Anza (Comunidad Atacameña de Lasana), Luis Gálvez (PROLOA), Ricardo "
            "Flores (INDAP), Paula Órdenes (SERNATUR), Sandra Cruz (Municipalidad de San Pedro "
            "de Atacama) y el Gerente Territorial."
        ),
        Heading("1. Seguimiento de compromisos anteriores", 2),
        Para("La Secretaría revisa el estado de los compromisos del acta N° 12 del Consejo:"),
        _EARLIER,
        Para(
            "Se deja constancia de que la ejecución acumulada del territorio alcanza a "
            "$63.400.000 al 30 de septiembre.",
            amounts=(63_400_000,),
            dates=("2026-09-30",),
        ),
        Heading("2. Compromisos de la sesión", 2),
        Para("Las instituciones asumen los siguientes compromisos:"),
        _NEW,
        Para(
            "La próxima sesión de la Secretaría Técnica será el 12 de noviembre de 2026.",
            dates=("2026-11-12",),
        ),
    ),
)
