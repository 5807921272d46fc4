"""Provincia del Huasco (Atacama): an acta of the Mesa Territorial whose
compromisos are lettered items headed by the institution ("a) FOSIS: …"),
after a report of earlier ones; and an acta of the Secretaría Técnica whose
acuerdos are a Word numbered list (the numbers are not in the text)."""

from __future__ import annotations

from datetime import date

from testbed.actas_corpus.spec import Acta, Gold, Heading, PageBreak, Para

LETTERHEAD = "Chile Emprende · Territorio Provincia del Huasco · Región de Atacama"

MESA_9 = Acta(
    slug="huasco_mesa_9",
    region="Atacama",
    territory="Provincia del Huasco",
    held_on=date(2026, 10, 6),
    kind="acta",
    letterhead=LETTERHEAD,
    blocks=(
        Heading("ACTA N° 9 — MESA TERRITORIAL PROVINCIA DEL HUASCO", 0),
        Para(
            "En Vallenar, a 6 de octubre de 2026, en dependencias de la Municipalidad de "
            "Vallenar, se reúne la Mesa Territorial de la Provincia del Huasco."
        ),
        Para(
            "Asistencia: FOSIS, INDAP, SERCOTEC, SERNAPESCA, Municipalidad de Vallenar, "
            "Municipalidad de Freirina, Municipalidad de Huasco, Municipalidad de Alto del "
            "Carmen y Servicio País."
        ),
        Heading("1. Cuenta de compromisos anteriores"),
        Para(
            "El Director Regional de INDAP informa que la asistencia técnica a 40 crianceros "
            "caprinos de Alto del Carmen, por $18.000.000, se encuentra en ejecución y concluye "
            "el 30 de noviembre.",
            amounts=(18_000_000,),
            dates=("2026-11-30",),
        ),
        Para(
            "La Municipalidad de Huasco informa que el recinto de la feria costumbrista de "
            "Huasco Bajo ya fue entregado a los organizadores."
        ),
        Heading("2. Compromisos para el programa 2027"),
        Para("Los servicios y municipios asumen los siguientes compromisos:"),
        Para(
            "a) FOSIS: transferir el fondo de apoyo a emprendimientos de Vallenar y Freirina por "
            "$12.000.000, en 30 días hábiles.",
            (
                Gold(
                    "FOSIS",
                    "transferir el fondo de apoyo a emprendimientos de Vallenar y Freirina",
                    12_000_000,
                    "30 días hábiles",
                    "en 30 días hábiles",
                ),
            ),
        ),
        Para(
            "b) SERCOTEC: abrir la convocatoria Crece para almaceneros de la provincia, por "
            "M$ 18.000, antes del 15 de enero.",
            (
                Gold(
                    "SERCOTEC",
                    "abrir la convocatoria Crece para almaceneros de la provincia",
                    18_000_000,
                    "2027-01-15",
                    "antes del 15 de enero",
                ),
            ),
        ),
        Para(
            "c) SERNAPESCA: capacitar a pescadores artesanales de Carrizal Bajo en "
            "formalización, $3.200.000, a fines de noviembre.",
            (
                Gold(
                    "SERNAPESCA",
                    "capacitar a pescadores artesanales de Carrizal Bajo en formalización",
                    3_200_000,
                    "2026-11-30",
                    "a fines de noviembre",
                ),
            ),
        ),
        Para(
            "d) Municipalidad de Freirina: facilitar la sede social de Maitencillo para los "
            "talleres, sin costo, durante octubre.",
            (
                Gold(
                    "Municipalidad de Freirina",
                    "facilitar la sede social de Maitencillo para los talleres",
                    None,
                    "2026-10-30",
                    "durante octubre",
                ),
            ),
        ),
        Para(
            "e) Municipalidad de Alto del Carmen: disponer un vehículo para el traslado de los "
            "crianceros a la feria de Vallenar.",
            (
                Gold(
                    "Municipalidad de Alto del Carmen",
                    "disponer un vehículo para el traslado de los crianceros a la feria de "
                    "Vallenar",
                    None,
                    None,
                ),
            ),
        ),
        Para(
            "f) Servicio País: realizar el diagnóstico participativo de emprendimiento en "
            "Freirina, primer semestre de 2027.",
            (
                Gold(
                    "Servicio País",
                    "realizar el diagnóstico participativo de emprendimiento en Freirina",
                    None,
                    "2027-06-30",
                    "primer semestre de 2027",
                ),
            ),
        ),
        Para(
            "g) INDAP: cofinanciar con $ 7.500.000 la compra de estanques acumuladores para los "
            "productores de Alto del Carmen, con plazo 18/12/2026.",
            (
                Gold(
                    "INDAP",
                    "cofinanciar la compra de estanques acumuladores para los productores de "
                    "Alto del Carmen",
                    7_500_000,
                    "2026-12-18",
                    "18/12/2026",
                ),
            ),
        ),
        Para(
            "h) Municipalidad de Vallenar: aportar 5 millones de pesos para la Feria Provincial "
            "del Huasco, a más tardar el 20 de noviembre de 2026.",
            (
                Gold(
                    "Municipalidad de Vallenar",
                    "aportar 5 millones de pesos para la Feria Provincial del Huasco",
                    5_000_000,
                    "2026-11-20",
                    "a más tardar el 20 de noviembre de 2026",
                ),
            ),
        ),
        Heading("3. Varios"),
        Para(
            "Se deja constancia de que el presupuesto 2026 del territorio asciende a $85.000.000.",
            amounts=(85_000_000,),
        ),
        Para("Próxima sesión: 3 de noviembre de 2026.", dates=("2026-11-03",)),
    ),
)

SECRETARIA_11 = Acta(
    slug="huasco_secretaria_11",
    region="Atacama",
    territory="Provincia del Huasco",
    held_on=date(2026, 11, 10),
    kind="acta",
    letterhead=LETTERHEAD,
    footer="Acta N° 11 · Secretaría Técnica Provincia del Huasco",
    scanned=True,
    blocks=(
        Heading("ACTA N° 11", 0),
        Heading("SECRETARÍA TÉCNICA — TERRITORIO PROVINCIA DEL HUASCO"),
        Para(
            "En Huasco, a 10 de noviembre de 2026, se reúne la Secretaría Técnica del "
            "territorio, con la participación de SERNAPESCA, Servicio País, FOSIS, SERCOTEC, "
            "INDAP y las municipalidades de Huasco y Freirina."
        ),
        Heading("Cuenta", 2),
        Para(
            "Se informa que SERNAPESCA obtuvo la aprobación de su presupuesto 2027, que asciende "
            "a $45.000.000 para la región.",
            amounts=(45_000_000,),
        ),
        Para(
            "Se informa que la Municipalidad de Huasco entregó el recinto de la feria "
            "costumbrista el 28 de octubre, cumpliendo el acuerdo de la sesión N° 8.",
            dates=("2026-10-28",),
        ),
        Heading("Acuerdos y compromisos", 2),
        Para(
            "SERNAPESCA capacitará a 35 pescadores artesanales de Carrizal Bajo en "
            "formalización, con $3.200.000, en 20 días hábiles.",
            (
                Gold(
                    "SERNAPESCA",
                    "capacitar a 35 pescadores artesanales de Carrizal Bajo en formalización",
                    3_200_000,
                    "20 días hábiles",
                    "en 20 días hábiles",
                ),
            ),
            numbered=True,
        ),
        Para(
            "Servicio País realizará el diagnóstico participativo de emprendimiento en Freirina "
            "antes del 31 de marzo de 2027.",
            (
                Gold(
                    "Servicio País",
                    "realizar el diagnóstico participativo de emprendimiento en Freirina",
                    None,
                    "2027-03-31",
                    "antes del 31 de marzo de 2027",
                ),
            ),
            numbered=True,
        ),
        Para(
            "La Municipalidad de Huasco aportará $ 2.400.000 para la Feria del Olivo de Huasco "
            "Bajo, a más tardar el 27 de noviembre.",
            (
                Gold(
                    "Municipalidad de Huasco",
                    "aportar $ 2.400.000 para la Feria del Olivo de Huasco Bajo",
                    2_400_000,
                    "2026-11-27",
                    "a más tardar el 27 de noviembre",
                ),
            ),
            numbered=True,
        ),
        Para(
            "FOSIS financiará el programa Yo Emprendo Semilla para 20 emprendedores de Huasco y "
            "Freirina por un monto de ocho millones quinientos mil pesos, durante diciembre.",
            (
                Gold(
                    "FOSIS",
                    "financiar el programa Yo Emprendo Semilla para 20 emprendedores de Huasco y "
                    "Freirina",
                    8_500_000,
                    "2026-12-31",
                    "durante diciembre",
                ),
            ),
            numbered=True,
        ),
        PageBreak(),
        Para(
            "SERCOTEC se compromete a asesorar a las cooperativas de olivicultores del valle en "
            "la postulación al Fondo de Desarrollo Cooperativo.",
            (
                Gold(
                    "SERCOTEC",
                    "asesorar a las cooperativas de olivicultores del valle en la postulación al "
                    "Fondo de Desarrollo Cooperativo",
                    None,
                    None,
                ),
            ),
            numbered=True,
        ),
        Para(
            "La Municipalidad de Freirina facilitará el transporte de los productores a la "
            "feria de Huasco Bajo el día del evento, el 27 de noviembre.",
            (
                Gold(
                    "Municipalidad de Freirina",
                    "facilitar el transporte de los productores a la feria de Huasco Bajo",
                    None,
                    "2026-11-27",
                    "el 27 de noviembre",
                ),
            ),
            numbered=True,
        ),
        Para(
            "INDAP aportará MM$ 2,5 para la compra de maquinaria de la cooperativa de "
            "olivicultores de Huasco, a fines de enero de 2027.",
            (
                Gold(
                    "INDAP",
                    "aportar MM$ 2,5 para la compra de maquinaria de la cooperativa de "
                    "olivicultores de Huasco",
                    2_500_000,
                    "2027-01-29",
                    "a fines de enero de 2027",
                ),
            ),
            numbered=True,
        ),
        Para(
            "Sin otro particular, se cierra la sesión a las 12:30 horas. La próxima sesión se "
            "realizará el 15 de diciembre de 2026.",
            dates=("2026-12-15",),
        ),
    ),
)
