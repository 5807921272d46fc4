"""Actas written after the reader was first measured, in turns of phrase
the first ones do not use: bullets with the institution first, "queda a
cargo de", a verb before its subject, ``$ 3.000.000.-`` and ``CLP``, a
date in words in the header, an acuerdos table headed "Acuerdo |
Responsable | Fecha", several commitments in one sentence, two
municipalities in one subject, a comuna standing for its municipality,
installments, a denied commitment. They check that the reader generalises
rather than fits the first actas."""

from __future__ import annotations

from datetime import date

from testbed.actas_corpus.spec import Acta, Gold, Grid, Heading, Para

OHIGGINS_9 = Acta(
    slug="ohiggins_directorio_9",
    region="O'Higgins",
    territory="O'Higgins Emprende",
    held_on=date(2026, 11, 16),
    kind="acta",
    letterhead="O'Higgins Emprende · Territorio del Secano · Región del Libertador General "
    "Bernardo O'Higgins",
    footer="Directorio Ejecutivo O'Higgins Emprende · Sesión N° 9",
    blocks=(
        Heading("ACTA DE REUNIÓN — DIRECTORIO EJECUTIVO O'HIGGINS EMPRENDE", 0),
        Para(
            "Sesión N° 9 · Pichilemu, lunes 16 de noviembre de 2026 · Salón del Centro Cultural "
            "Agustín Ross."
        ),
        Para(
            "Presentes: AMSEC, SERCOTEC, INDAP, SERNATUR, Municipalidad de Pichilemu, "
            "Municipalidad de Paredones, Municipalidad de Marchigüe, Club Deportivo Lolol y la "
            "Gerencia Territorial."
        ),
        Heading("Temas tratados", 2),
        Para(
            "1. La gerencia presenta el balance de la temporada: las ferias del secano vendieron "
            "cerca de $48.000.000 y recibieron 12.500 visitantes.",
            amounts=(48_000_000,),
        ),
        Para(
            "2. SERCOTEC recuerda que el Fondo de Fortalecimiento Gremial de $7.000.000 ya fue "
            "transferido a las ferias de Pichilemu y Paredones en septiembre.",
            amounts=(7_000_000,),
        ),
        Para("3. Se revisa la propuesta de ruta gastronómica del secano."),
        Heading("Compromisos", 2),
        Para(
            "• INDAP — riego tecnificado para productores de Marchigüe y Pumanque: $25 millones, "
            "dentro de 30 días hábiles.",
            (
                Gold(
                    "INDAP",
                    "riego tecnificado para productores de Marchigüe y Pumanque",
                    25_000_000,
                    "30 días hábiles",
                    "dentro de 30 días hábiles",
                ),
            ),
        ),
        Para(
            "• Queda a cargo de AMSEC coordinar la ruta gastronómica del secano con las diez "
            "comunas del territorio, hasta el 15 de marzo de 2027.",
            (
                Gold(
                    "AMSEC",
                    "coordinar la ruta gastronómica del secano con las diez comunas del territorio",
                    None,
                    "2027-03-15",
                    "hasta el 15 de marzo de 2027",
                ),
            ),
        ),
        Para(
            "• Se compromete la Municipalidad de Paredones a ceder el galpón municipal para el "
            "acopio de sal de los salineros de Lo Valdivia antes de fin de año.",
            (
                Gold(
                    "Municipalidad de Paredones",
                    "ceder el galpón municipal para el acopio de sal de los salineros de Lo "
                    "Valdivia",
                    None,
                    "2026-12-31",
                    "antes de fin de año",
                ),
            ),
        ),
        Para(
            "• El Club Deportivo Lolol realizará una clínica deportiva para jóvenes del secano "
            "durante las vacaciones de invierno, sin presupuesto explícito.",
            (
                Gold(
                    "Club Deportivo Lolol",
                    "realizar una clínica deportiva para jóvenes del secano",
                    None,
                    None,
                ),
            ),
        ),
        Para(
            "• SERNATUR: difusión de la ruta gastronómica en su campaña nacional «Chile es "
            "tuyo», $ 3.000.000.-, a más tardar el próximo 30 de abril.",
            (
                Gold(
                    "SERNATUR",
                    "difusión de la ruta gastronómica en su campaña nacional «Chile es tuyo»",
                    3_000_000,
                    "2027-04-30",
                    "a más tardar el próximo 30 de abril",
                ),
            ),
        ),
        Para(
            "• La Municipalidad de Pichilemu aportará hasta $4.500.000 para la señalética de la "
            "ruta, en el primer trimestre de 2027.",
            (
                Gold(
                    "Municipalidad de Pichilemu",
                    "aportar hasta $4.500.000 para la señalética de la ruta",
                    4_500_000,
                    "2027-03-31",
                    "en el primer trimestre de 2027",
                ),
            ),
        ),
        Para(
            "• SERCOTEC financiará la asesoría a 15 cocineras tradicionales por CLP 6.300.000, "
            "durante enero.",
            (
                Gold(
                    "SERCOTEC",
                    "financiar la asesoría a 15 cocineras tradicionales",
                    6_300_000,
                    "2027-01-29",
                    "durante enero",
                ),
            ),
        ),
        Para(
            "• La Municipalidad de Marchigüe pondrá su camioneta a disposición del traslado de "
            "productores a la feria de Santa Cruz.",
            (
                Gold(
                    "Municipalidad de Marchigüe",
                    "poner su camioneta a disposición del traslado de productores a la feria de "
                    "Santa Cruz",
                    None,
                    None,
                ),
            ),
        ),
        Para(
            "El acta será enviada a los integrantes dentro de los 5 días hábiles siguientes.",
            dates=("5 días hábiles",),
        ),
        Para("Próxima reunión: lunes 14 de diciembre de 2026.", dates=("2026-12-14",)),
    ),
)

_ACUERDOS = (
    (
        ("1", "Postular a 20 familias mapuche de Cunco al programa PDTI", "INDAP", "30/11/2026"),
        Gold(
            "INDAP",
            "Postular a 20 familias mapuche de Cunco al programa PDTI",
            None,
            "2026-11-30",
            "30/11/2026",
        ),
    ),
    (
        (
            "2",
            "Financiar el programa Yo Emprendo Semilla en Victoria por $18.000.000",
            "FOSIS",
            "15 de diciembre",
        ),
        Gold(
            "FOSIS",
            "Financiar el programa Yo Emprendo Semilla en Victoria",
            18_000_000,
            "2026-12-15",
            "15 de diciembre",
        ),
    ),
    (
        (
            "3",
            "Habilitar el punto de venta de artesanía en la plaza de Vilcún",
            "Municipalidad de Vilcún",
            "primer semestre 2027",
        ),
        Gold(
            "Municipalidad de Vilcún",
            "Habilitar el punto de venta de artesanía en la plaza de Vilcún",
            None,
            "2027-06-30",
            "primer semestre 2027",
        ),
    ),
    (
        (
            "4",
            "Capacitar a 12 prestadores de turismo rural en ventas digitales (M$ 4.200)",
            "SERCOTEC",
            "20 días hábiles",
        ),
        Gold(
            "SERCOTEC",
            "Capacitar a 12 prestadores de turismo rural en ventas digitales",
            4_200_000,
            "20 días hábiles",
            "20 días hábiles",
        ),
    ),
    (
        (
            "5",
            "Entregar el catastro de emprendimientos turísticos de Cunco",
            "Municipalidad de Cunco",
            "—",
        ),
        Gold(
            "Municipalidad de Cunco",
            "Entregar el catastro de emprendimientos turísticos de Cunco",
            None,
            None,
        ),
    ),
    (
        (
            "6",
            "Aportar el 10 % del costo de la feria de temporada",
            "Asociación de Turismo Rural Cordillera",
            "fines de diciembre",
        ),
        Gold(
            "Asociación de Turismo Rural Cordillera",
            "Aportar el 10 % del costo de la feria de temporada",
            None,
            "2026-12-31",
            "fines de diciembre",
        ),
    ),
)

ARAUCANIA_4 = Acta(
    slug="araucania_consejo_4",
    region="La Araucanía",
    territory="Araucanía Andina",
    held_on=date(2026, 9, 29),
    kind="acta",
    letterhead="Consejo Público-Privado · Territorio Araucanía Andina",
    blocks=(
        Heading("ACTA CONSEJO PÚBLICO-PRIVADO N° 4", 0),
        Heading("TERRITORIO ARAUCANÍA ANDINA"),
        Para(
            "En Victoria, a veintinueve de septiembre de dos mil veintiséis, se reúne el Consejo "
            "Público-Privado del territorio Araucanía Andina."
        ),
        Para(
            "Asisten representantes de INDAP, FOSIS, SERCOTEC, CONADI, la Municipalidad de "
            "Victoria, la Municipalidad de Cunco, la Municipalidad de Vilcún y la Asociación de "
            "Turismo Rural Cordillera."
        ),
        Heading("Acuerdos", 2),
        Grid(
            header=("N°", "Acuerdo", "Responsable", "Fecha"),
            rows=tuple(cells for cells, _ in _ACUERDOS),
            commitments=tuple(gold for _, gold in _ACUERDOS),
        ),
        Para(
            "Además, CONADI se compromete a evaluar el financiamiento de dos proyectos de turismo "
            "mapuche; el Consejo volverá a tratar el tema en su próxima sesión.",
            (
                Gold(
                    "CONADI",
                    "evaluar el financiamiento de dos proyectos de turismo mapuche",
                    None,
                    None,
                ),
            ),
        ),
        Para(
            "Se deja constancia de que el aporte total comprometido por los servicios en 2026 "
            "suma $64.000.000.",
            amounts=(64_000_000,),
        ),
        Para("Siendo las 12:00 horas se pone término a la sesión."),
    ),
)

PONIENTE_MINUTA = Acta(
    slug="poniente_minuta_secretaria",
    region="Metropolitana",
    territory="Territorio Integrado Poniente",
    held_on=date(2026, 11, 5),
    kind="acta",
    letterhead="Territorio Integrado Poniente · Secretaría Técnica",
    blocks=(
        Heading("MINUTA DE ACUERDOS", 0),
        Heading("SECRETARÍA TÉCNICA · TERRITORIO INTEGRADO PONIENTE"),
        Para("Quilicura, 5 de noviembre de 2026."),
        Para(
            "Se acuerda lo siguiente: FOSIS financiará 30 planes de negocio de emprendedoras de "
            "Cerro Navia por $12.000.000; SENCE dictará un curso de manipulación de alimentos "
            "para 20 feriantes de Lo Prado, sin costo para el territorio; y la Municipalidad de "
            "Pudahuel facilitará el gimnasio municipal para la feria navideña del 12 de "
            "diciembre.",
            (
                Gold(
                    "FOSIS",
                    "financiar 30 planes de negocio de emprendedoras de Cerro Navia",
                    12_000_000,
                    None,
                ),
                Gold(
                    "SENCE",
                    "dictar un curso de manipulación de alimentos para 20 feriantes de Lo Prado",
                    None,
                    None,
                ),
                Gold(
                    "Municipalidad de Pudahuel",
                    "facilitar el gimnasio municipal para la feria navideña",
                    None,
                    "2026-12-12",
                    "del 12 de diciembre",
                ),
            ),
        ),
        Para(
            "CORFO aportará $20.000.000 al fondo de innovación del territorio, en dos cuotas de "
            "$10.000.000, la primera antes del 15 de diciembre y la segunda antes del 31 de "
            "marzo de 2027.",
            (
                Gold(
                    "CORFO",
                    "aportar $20.000.000 al fondo de innovación del territorio",
                    20_000_000,
                    "2027-03-31",
                    "antes del 31 de marzo de 2027",
                ),
            ),
            amounts=(10_000_000,),
            dates=("2026-12-15",),
        ),
        Para(
            "Las municipalidades de Quinta Normal y Lo Prado se comprometen a difundir la "
            "convocatoria del Centro de Negocios en sus ferias libres durante noviembre.",
            (
                Gold(
                    "Municipalidad de Quinta Normal",
                    "difundir la convocatoria del Centro de Negocios en sus ferias libres",
                    None,
                    "2026-11-30",
                    "durante noviembre",
                ),
                Gold(
                    "Municipalidad de Lo Prado",
                    "difundir la convocatoria del Centro de Negocios en sus ferias libres",
                    None,
                    "2026-11-30",
                    "durante noviembre",
                ),
            ),
        ),
        Para(
            "Se informa que el Centro de Negocios atendió a 96 emprendedores en octubre y que "
            "SERCOTEC ya adjudicó $8.400.000 en asesorías.",
            amounts=(8_400_000,),
        ),
        Para("SERCOTEC no aportará recursos adicionales este año."),
        Para(
            "Quilicura aportará la amplificación y el escenario para la feria del 12 de diciembre.",
            (
                Gold(
                    "Municipalidad de Quilicura",
                    "aportar la amplificación y el escenario para la feria",
                    None,
                    "2026-12-12",
                    "del 12 de diciembre",
                ),
            ),
        ),
    ),
)
