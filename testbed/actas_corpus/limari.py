"""Limarí Emprende (Coquimbo): an acta of the Directorio Ejecutivo with
numbered acuerdos ("Acuerdo N° 3:"), and an acta of the Concejo Municipal of
Punitaqui, long, with correspondence, the mayor's report and acuerdos
numbered "ACUERDO N° 112/2026"."""

from __future__ import annotations

from datetime import date

from testbed.actas_corpus.spec import Acta, Gold, Heading, PageBreak, Para

DIRECTORIO_7 = Acta(
    slug="limari_directorio_7",
    region="Coquimbo",
    territory="Limarí Emprende",
    held_on=date(2026, 8, 19),
    kind="acta",
    letterhead="Limarí Emprende · Ovalle, Punitaqui, Monte Patria, Río Hurtado, Combarbalá",
    blocks=(
        Heading("ACTA SESIÓN ORDINARIA Nº 7", 0),
        Heading("DIRECTORIO EJECUTIVO LIMARÍ EMPRENDE"),
        Para(
            "**Lugar y fecha:** Ovalle, 19 de agosto de 2026, sala de reuniones de la "
            "Delegación Presidencial Provincial de Limarí."
        ),
        Para(
            "**Asisten:** Andrés Castillo (Municipalidad de Ovalle), Ignacio Olivares "
            "(Municipalidad de Punitaqui), Gloria Araya (Municipalidad de Monte Patria), "
            "Claudia Miranda (SENCE), Verónica Pizarro (CORFO), Rosa Cortés (Emprendedores "
            "Turísticos de Monte Patria), Carlos Tapia (INDAP), Mónica Rivera (FOSIS) y "
            "Fernanda Ríos (Servicio País)."
        ),
        Para(
            "Se informa que el Fondo Territorial de Turismo Rural cuenta a la fecha con "
            "$30.000.000, aportados en tercios iguales según el convenio de marzo.",
            amounts=(30_000_000,),
        ),
        Heading("ACUERDOS"),
        Para("**Acuerdo N° 1:** Se aprueba el acta de la sesión N° 6 sin observaciones."),
        Para(
            "**Acuerdo N° 2:** La Municipalidad de Ovalle facilitará el Teatro Municipal para la "
            "Feria del Limarí en un plazo de 10 días hábiles.",
            (
                Gold(
                    "Municipalidad de Ovalle",
                    "facilitar el Teatro Municipal para la Feria del Limarí",
                    None,
                    "10 días hábiles",
                    "en un plazo de 10 días hábiles",
                ),
            ),
        ),
        Para(
            "**Acuerdo N° 3:** La Municipalidad de Punitaqui aportará $3.000.000 para el "
            "transporte de los feriantes de las localidades rurales, a más tardar el 30/09/2026.",
            (
                Gold(
                    "Municipalidad de Punitaqui",
                    "aportar $3.000.000 para el transporte de los feriantes de las localidades "
                    "rurales",
                    3_000_000,
                    "2026-09-30",
                    "a más tardar el 30/09/2026",
                ),
            ),
        ),
        Para(
            "**Acuerdo N° 4:** La I. Municipalidad de Monte Patria aportará MM$ 1,2 para la "
            "difusión de la ruta del pajarete, durante noviembre.",
            (
                Gold(
                    "Municipalidad de Monte Patria",
                    "aportar MM$ 1,2 para la difusión de la ruta del pajarete",
                    1_200_000,
                    "2026-11-30",
                    "durante noviembre",
                ),
            ),
        ),
        Para(
            "**Acuerdo N° 5:** SENCE financiará cursos de oficios para 25 mujeres de Río Hurtado "
            "y Combarbalá por $ 8,5 millones, a ejecutarse durante el primer semestre de 2027.",
            (
                Gold(
                    "SENCE",
                    "financiar cursos de oficios para 25 mujeres de Río Hurtado y Combarbalá",
                    8_500_000,
                    "2027-06-30",
                    "durante el primer semestre de 2027",
                ),
            ),
        ),
        Para(
            "**Acuerdo N° 6:** INDAP se compromete a destinar quince millones de pesos al "
            "programa de riego de los crianceros de Combarbalá antes del 31 de diciembre de 2026.",
            (
                Gold(
                    "INDAP",
                    "destinar quince millones de pesos al programa de riego de los crianceros "
                    "de Combarbalá",
                    15_000_000,
                    "2026-12-31",
                    "antes del 31 de diciembre de 2026",
                ),
            ),
        ),
        Para(
            "**Acuerdo N° 7:** Se acuerda solicitar a CORFO que evalúe la postulación del "
            "territorio a la línea de Programas Territoriales Integrados."
        ),
        Para(
            "**Acuerdo N° 8:** CORFO aportará M$ 25.000 al fondo territorial de turismo rural, "
            "en el marco del convenio vigente, con plazo 21 de septiembre.",
            (
                Gold(
                    "CORFO",
                    "aportar M$ 25.000 al fondo territorial de turismo rural",
                    25_000_000,
                    "2026-09-21",
                    "21 de septiembre",
                ),
            ),
        ),
        Para(
            "**Acuerdo N° 9:** Emprendedores Turísticos de Monte Patria se compromete a "
            "presentar la Carta de Compromiso firmada por sus socios a fines de octubre.",
            (
                Gold(
                    "Emprendedores Turísticos de Monte Patria",
                    "presentar la Carta de Compromiso firmada por sus socios",
                    None,
                    "2026-10-30",
                    "a fines de octubre",
                ),
            ),
        ),
        Para(
            "**Acuerdo N° 10:** FOSIS transferirá $9.600.000 al programa Yo Emprendo para 24 "
            "emprendedores de Punitaqui en 20 días hábiles.",
            (
                Gold(
                    "FOSIS",
                    "transferir $9.600.000 al programa Yo Emprendo para 24 emprendedores de "
                    "Punitaqui",
                    9_600_000,
                    "20 días hábiles",
                    "en 20 días hábiles",
                ),
            ),
        ),
        PageBreak(),
        Para(
            "**Acuerdo N° 11:** Servicio País realizará el diagnóstico participativo de los "
            "emprendimientos de Río Hurtado.",
            (
                Gold(
                    "Servicio País",
                    "realizar el diagnóstico participativo de los emprendimientos de Río Hurtado",
                    None,
                    None,
                ),
            ),
        ),
        Heading("VARIOS"),
        Para(
            "El Gerente Territorial informa que la Municipalidad de Combarbalá comprometió "
            "$2.500.000 en la sesión anterior y que a la fecha ha ejecutado $1.100.000.",
            amounts=(2_500_000, 1_100_000),
        ),
        Para("Se fija la próxima sesión para el 16 de septiembre de 2026.", dates=("2026-09-16",)),
    ),
)

CONCEJO_45 = Acta(
    slug="punitaqui_concejo_45",
    region="Coquimbo",
    territory="Limarí Emprende",
    held_on=date(2026, 9, 9),
    kind="acta",
    letterhead="Ilustre Municipalidad de Punitaqui · Secretaría Municipal",
    footer="Acta Sesión Ordinaria N° 45 · Concejo Municipal de Punitaqui",
    blocks=(
        Heading("ACTA SESIÓN ORDINARIA N° 45", 0),
        Heading("CONCEJO MUNICIPAL DE PUNITAQUI"),
        Para(
            "En Punitaqui, a 9 de septiembre de 2026, siendo las 15:00 horas, en el Salón de "
            "Concejo, se da inicio a la Sesión Ordinaria N° 45 del Concejo Municipal, presidida "
            "por el Alcalde, actuando como Ministro de fe el Secretario Municipal."
        ),
        Para(
            "Asisten los concejales señora Pizarro, señora Honores, señor Rivera, señor Cortés, "
            "señor Ardiles y señora Castillo. Asiste además el Gerente Territorial de Limarí "
            "Emprende, invitado para el punto 3 de la tabla, y la Encargada Provincial de SENCE."
        ),
        Heading("PUNTO 1: CORRESPONDENCIA"),
        Para(
            "Se da lectura al Oficio Ord. N° 1.234 de FOSIS Coquimbo, de 28 de agosto de 2026, "
            "que informa la adjudicación del programa Yo Emprendo por $20.000.000.",
            amounts=(20_000_000,),
            dates=("2026-08-28",),
        ),
        Heading("PUNTO 2: CUENTA DEL ALCALDE"),
        Para(
            "El Alcalde informa que la oficina de fomento productivo atendió a 312 emprendedores "
            "durante el primer semestre y que el municipio ejecutó $4.800.000 del presupuesto "
            "de fomento.",
            amounts=(4_800_000,),
        ),
        Heading("PUNTO 3: PRESENTACIÓN DE LIMARÍ EMPRENDE"),
        Para(
            "El Gerente Territorial presenta el plan 2027 del territorio, que contempla una "
            "inversión de MM$ 180 entre servicios públicos, municipios y privados.",
            amounts=(180_000_000,),
        ),
        Para(
            "El Concejo, por la unanimidad de los concejales presentes, adopta los siguientes "
            "acuerdos:"
        ),
        Para(
            "**ACUERDO N° 112/2026:** La Municipalidad de Punitaqui habilitará la oficina de "
            "fomento productivo en el edificio de la ex Escuela D-28, con un aporte de "
            "$6.000.000, en un plazo de 45 días hábiles.",
            (
                Gold(
                    "Municipalidad de Punitaqui",
                    "habilitar la oficina de fomento productivo en el edificio de la ex Escuela "
                    "D-28",
                    6_000_000,
                    "45 días hábiles",
                    "en un plazo de 45 días hábiles",
                ),
            ),
        ),
        Para(
            "**ACUERDO N° 113/2026:** La Municipalidad aportará M$ 3.500 como contraparte del "
            "programa Yo Emprendo de FOSIS, a más tardar el 15 de octubre.",
            (
                Gold(
                    "Municipalidad de Punitaqui",
                    "aportar M$ 3.500 como contraparte del programa Yo Emprendo de FOSIS",
                    3_500_000,
                    "2026-10-15",
                    "a más tardar el 15 de octubre",
                ),
            ),
        ),
        Para(
            "**ACUERDO N° 114/2026:** Aprobar la modificación presupuestaria N° 9 por "
            "$12.750.000, según lo expuesto por la Dirección de Administración y Finanzas.",
            amounts=(12_750_000,),
        ),
        Para(
            "**ACUERDO N° 115/2026:** SENCE, representado en la sesión por su Encargada "
            "Provincial, se compromete a dictar cursos de oficios para 25 mujeres de Punitaqui "
            "por $9.750.000, antes del 18/12/2026.",
            (
                Gold(
                    "SENCE",
                    "dictar cursos de oficios para 25 mujeres de Punitaqui",
                    9_750_000,
                    "2026-12-18",
                    "antes del 18/12/2026",
                ),
            ),
        ),
        PageBreak(),
        Heading("PUNTO 4: VARIOS"),
        Para(
            "La concejala señora Pizarro consulta por el estado del camino a Las Ramadas; el "
            "Director de Obras señala que la licitación se publicó el 2 de septiembre.",
            dates=("2026-09-02",),
        ),
        Para(
            "El concejal señor Rivera solicita un operativo veterinario para los crianceros de "
            "El Divisadero. La Municipalidad de Punitaqui se compromete a oficiar a INDAP para "
            "coordinarlo durante septiembre.",
            (
                Gold(
                    "Municipalidad de Punitaqui",
                    "oficiar a INDAP para coordinarlo",
                    None,
                    "2026-09-30",
                    "durante septiembre",
                ),
            ),
        ),
        Para(
            "INDAP, por su parte, realizará el operativo veterinario en El Divisadero y Las "
            "Ramadas en noviembre, con un costo estimado de $1.800.000.",
            (
                Gold(
                    "INDAP",
                    "realizar el operativo veterinario en El Divisadero y Las Ramadas",
                    1_800_000,
                    "2026-11-30",
                    "en noviembre",
                ),
            ),
        ),
        Para("Se levanta la sesión a las 17:40 horas."),
    ),
)
