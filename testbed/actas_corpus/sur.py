"""The south: a protocolo de acuerdo of Araucanía Andina (clauses, the
parties named in full with their acronyms) and a convenio of the Cuenca
Lago General Carrera (amounts also in words, two institutions in one
clause)."""

from __future__ import annotations

from datetime import date

from testbed.actas_corpus.spec import Acta, Gold, Heading, PageBreak, Para

PROTOCOLO = Acta(
    slug="araucania_protocolo",
    region="La Araucanía",
    territory="Araucanía Andina",
    held_on=date(2026, 7, 22),
    kind="protocolo",
    letterhead="Mesa Técnica Araucanía Andina · Vilcún, Cunco, Melipeuco, Victoria, Curacautín, "
    "Lonquimay",
    blocks=(
        Heading("PROTOCOLO DE ACUERDO", 0),
        Heading(
            "PARA EL DESARROLLO DEL TURISMO DE INTERESES ESPECIALES EN EL TERRITORIO ARAUCANÍA "
            "ANDINA"
        ),
        Para(
            "En Curacautín, a 22 de julio de 2026, entre la Ilustre Municipalidad de Curacautín, "
            "RUT 69.180.100-4, representada por su Alcalde; la Municipalidad de Lonquimay; la "
            "Municipalidad de Melipeuco; el Fondo de Solidaridad e Inversión Social (FOSIS), "
            "Dirección Regional de La Araucanía; el Servicio Nacional de Turismo (SERNATUR) y el "
            "Instituto de Desarrollo Agropecuario (INDAP), en adelante «las partes», se acuerda "
            "el siguiente protocolo:"
        ),
        Para(
            "**PRIMERO. Antecedentes.** Las partes integran la Mesa Técnica del territorio "
            "Araucanía Andina, constituida el 12 de marzo de 2025, cuyo plan de trabajo 2026 "
            "contempla una inversión total estimada de $120.000.000.",
            amounts=(120_000_000,),
            dates=("2025-03-12",),
        ),
        Para(
            "**SEGUNDO. Objeto.** El presente protocolo tiene por objeto coordinar la oferta "
            "pública de fomento para los emprendimientos turísticos de Vilcún, Cunco, Melipeuco, "
            "Victoria, Curacautín y Lonquimay."
        ),
        Para(
            "**TERCERO. Compromisos de las partes.** Para el cumplimiento del objeto, las partes "
            "asumen los siguientes compromisos:"
        ),
        Para(
            "3.1. El FOSIS se compromete a financiar el programa Acción en Comunidad en "
            "Lonquimay por un monto de $14.000.000 (catorce millones de pesos), antes del 30 de "
            "diciembre de 2026.",
            (
                Gold(
                    "FOSIS",
                    "financiar el programa Acción en Comunidad en Lonquimay",
                    14_000_000,
                    "2026-12-30",
                    "antes del 30 de diciembre de 2026",
                ),
            ),
        ),
        Para(
            "3.2. La Municipalidad de Curacautín se obliga a instalar la señalética turística en "
            "la ruta Curacautín–Lonquimay, con un aporte de $5.400.000, a más tardar el 12 de "
            "octubre de 2026.",
            (
                Gold(
                    "Municipalidad de Curacautín",
                    "instalar la señalética turística en la ruta Curacautín–Lonquimay",
                    5_400_000,
                    "2026-10-12",
                    "a más tardar el 12 de octubre de 2026",
                ),
            ),
        ),
        Para(
            "3.3. SERNATUR realizará una capacitación en atención al turista para 30 "
            "emprendedores de Melipeuco y Cunco, con un costo de M$ 2.800, en un plazo de "
            "veinticinco días hábiles contados desde la firma del presente protocolo.",
            (
                Gold(
                    "SERNATUR",
                    "realizar una capacitación en atención al turista para 30 emprendedores de "
                    "Melipeuco y Cunco",
                    2_800_000,
                    "25 días hábiles",
                    "en un plazo de veinticinco días hábiles",
                ),
            ),
        ),
        Para(
            "3.4. INDAP aportará $ 9.000.000 para el mejoramiento de los senderos de "
            "agroturismo de Vilcún, durante el segundo semestre de 2026.",
            (
                Gold(
                    "INDAP",
                    "aportar $ 9.000.000 para el mejoramiento de los senderos de agroturismo de "
                    "Vilcún",
                    9_000_000,
                    "2026-12-31",
                    "durante el segundo semestre de 2026",
                ),
            ),
        ),
        Para(
            "3.5. La Municipalidad de Melipeuco pondrá a disposición del programa la Casa de la "
            "Cultura para la oficina de información turística.",
            (
                Gold(
                    "Municipalidad de Melipeuco",
                    "poner a disposición del programa la Casa de la Cultura para la oficina de "
                    "información turística",
                    None,
                    None,
                ),
            ),
        ),
        Para(
            "3.6. La Municipalidad de Lonquimay será responsable de la mantención de la "
            "señalética instalada en su comuna, a partir de su entrega.",
            (
                Gold(
                    "Municipalidad de Lonquimay",
                    "la mantención de la señalética instalada en su comuna",
                    None,
                    None,
                ),
            ),
        ),
        Para(
            "**CUARTO. Seguimiento.** El avance de estos compromisos se revisará en cada sesión "
            "mensual de la Mesa Técnica."
        ),
        Para(
            "**QUINTO. Vigencia.** El presente protocolo rige desde la fecha de su firma y hasta "
            "el 31 de diciembre de 2027.",
            dates=("2027-12-31",),
        ),
        Para("**SEXTO. Ejemplares.** Se firma en seis ejemplares de igual tenor y fecha."),
        Para("Alcalde de Curacautín · Alcalde de Lonquimay · Alcaldesa de Melipeuco"),
        Para("Director Regional FOSIS · Director Regional SERNATUR · Director Regional INDAP"),
    ),
)

CONVENIO = Acta(
    slug="carrera_convenio",
    region="Aysén",
    territory="Cuenca Lago General Carrera",
    held_on=date(2026, 5, 14),
    kind="convenio",
    letterhead="Territorio Cuenca Lago General Carrera · Chile Chico · Río Ibáñez",
    footer="Convenio de colaboración · Programa de Fomento Lago General Carrera",
    blocks=(
        Heading("CONVENIO DE COLABORACIÓN", 0),
        Heading("PROGRAMA DE FOMENTO DE LA RUTA TURÍSTICA DEL LAGO GENERAL CARRERA"),
        Para(
            "En Chile Chico, a 14 de mayo de 2026, comparecen la Corporación de Fomento de la "
            "Producción, CORFO, RUT 60.901.000-2, representada por su Director Regional de "
            "Aysén; la Municipalidad de Chile Chico, representada por su Alcaldesa; la "
            "Municipalidad de Río Ibáñez, representada por su Alcalde; el Servicio de "
            "Cooperación Técnica, SERCOTEC; y la Cámara de Turismo del Lago General Carrera, "
            "quienes acuerdan el siguiente convenio."
        ),
        Para(
            "**PRIMERO:** Las partes reconocen que el Consejo Público-Privado del territorio "
            "aprobó, en su sesión N° 2, un Programa de Fomento de la ruta turística del Lago "
            "General Carrera por un total de $90.000.000.",
            amounts=(90_000_000,),
        ),
        Para(
            "**SEGUNDO:** Para financiar el programa, CORFO aportará la suma de $30.000.000 "
            "(treinta millones de pesos), que transferirá a más tardar el 30 de octubre de 2026.",
            (
                Gold(
                    "CORFO",
                    "aportar la suma de $30.000.000 (treinta millones de pesos)",
                    30_000_000,
                    "2026-10-30",
                    "a más tardar el 30 de octubre de 2026",
                ),
            ),
        ),
        Para(
            "**TERCERO:** SERCOTEC aportará la suma de $ 30.000.000, con cargo a la glosa Chile "
            "Emprende, en dos cuotas iguales, la última de ellas antes del 15 de diciembre de "
            "2026.",
            (
                Gold(
                    "SERCOTEC",
                    "aportar la suma de $ 30.000.000, con cargo a la glosa Chile Emprende, en dos "
                    "cuotas iguales",
                    30_000_000,
                    "2026-12-15",
                    "antes del 15 de diciembre de 2026",
                ),
            ),
        ),
        Para(
            "**CUARTO:** La Cámara de Turismo del Lago General Carrera aportará $30.000.000 en "
            "aportes valorizados de sus socios (alojamiento, transporte lacustre y guiado), "
            "durante la temporada 2026-2027.",
            (
                Gold(
                    "Cámara de Turismo del Lago General Carrera",
                    "aportar $30.000.000 en aportes valorizados de sus socios (alojamiento, "
                    "transporte lacustre y guiado)",
                    30_000_000,
                    None,
                ),
            ),
        ),
        PageBreak(),
        Para(
            "**QUINTO:** La Municipalidad de Chile Chico gestionará la concesión del muelle de "
            "Chile Chico para uso turístico en un plazo de 90 días hábiles.",
            (
                Gold(
                    "Municipalidad de Chile Chico",
                    "gestionar la concesión del muelle de Chile Chico para uso turístico",
                    None,
                    "90 días hábiles",
                    "en un plazo de 90 días hábiles",
                ),
            ),
        ),
        Para(
            "**SEXTO:** La Municipalidad de Río Ibáñez se compromete a habilitar un punto de "
            "información turística en Puerto Ingeniero Ibáñez a más tardar el 1 de diciembre de "
            "2026.",
            (
                Gold(
                    "Municipalidad de Río Ibáñez",
                    "habilitar un punto de información turística en Puerto Ingeniero Ibáñez",
                    None,
                    "2026-12-01",
                    "a más tardar el 1 de diciembre de 2026",
                ),
            ),
        ),
        Para(
            "**SÉPTIMO:** CORFO y SERCOTEC designarán cada uno un profesional de contraparte "
            "técnica del convenio dentro de los 10 días hábiles siguientes a su firma.",
            (
                Gold(
                    "CORFO",
                    "designar un profesional de contraparte técnica del convenio",
                    None,
                    "10 días hábiles",
                    "dentro de los 10 días hábiles siguientes a su firma",
                ),
                Gold(
                    "SERCOTEC",
                    "designar un profesional de contraparte técnica del convenio",
                    None,
                    "10 días hábiles",
                    "dentro de los 10 días hábiles siguientes a su firma",
                ),
            ),
        ),
        Para(
            "**OCTAVO:** El convenio tendrá vigencia hasta el 31 de marzo de 2028. Cualquier "
            "modificación deberá constar por escrito y ser suscrita por todas las partes.",
            dates=("2028-03-31",),
        ),
        Para(
            "**NOVENO:** La personería de los comparecientes consta en los decretos y "
            "resoluciones respectivos, que no se insertan por ser conocidos de las partes."
        ),
    ),
)
