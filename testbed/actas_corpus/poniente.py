"""Territorio Integrado Poniente (Metropolitana): an acta of the Mesa
Territorial whose acuerdos are a table with the import format's headers, an
attendance table that is no commitment, and one commitment in prose."""

from __future__ import annotations

from datetime import date

from testbed.actas_corpus.spec import Acta, Gold, Grid, Heading, Para

_ATTENDANCE = Grid(
    header=("Nombre", "Institución", "Cargo"),
    rows=(
        ("Rocío Aguilera", "Municipalidad de Cerro Navia", "Directora de Desarrollo Económico"),
        ("Camila Reyes", "Municipalidad de Quilicura", "Encargada de Fomento Productivo"),
        ("Felipe Donoso", "SERCOTEC", "Ejecutivo de Fomento"),
        ("Isabel Muñoz", "FOSIS", "Encargada Territorial"),
        ("Andrea Vidal", "Municipalidad de Pudahuel", "Jefa de Organizaciones Comunitarias"),
        ("Claudia Rojas", "SENCE", "Encargada Regional de Programas"),
        ("Javier Soto", "CORFO", "Ejecutivo Dirección Regional Metropolitana"),
    ),
    commitments=(None,) * 7,
)

_HEADER = (
    "institucion",
    "responsable",
    "responsable_email",
    "compromiso",
    "monto",
    "fuente",
    "plazo",
)

_ROWS: tuple[tuple[tuple[str, ...], Gold], ...] = (
    (
        (
            "Municipalidad de Cerro Navia",
            "Rocío Aguilera",
            "desarrollo@cerronavia.cl.example",
            "Disponer un local para el centro de negocios del territorio",
            "",
            "Aporte municipal (local)",
            "2026-12-01",
        ),
        Gold(
            "Municipalidad de Cerro Navia",
            "Disponer un local para el centro de negocios del territorio",
            None,
            "2026-12-01",
            "2026-12-01",
        ),
    ),
    (
        (
            "Municipalidad de Quilicura",
            "Camila Reyes",
            "fomento@quilicura.cl.example",
            "Organizar la feria de emprendedores del poniente en diciembre",
            "$2.000.000",
            "Aporte municipal",
            "11-12-2026",
        ),
        Gold(
            "Municipalidad de Quilicura",
            "Organizar la feria de emprendedores del poniente en diciembre",
            2_000_000,
            "2026-12-11",
            "11-12-2026",
        ),
    ),
    (
        (
            "SERCOTEC",
            "Felipe Donoso",
            "felipe.donoso@sercotec.cl.example",
            "Instalar un Centro de Desarrollo de Negocios satélite en Pudahuel",
            "35000000",
            "Glosa Chile Emprende",
            "26/02/2027",
        ),
        Gold(
            "SERCOTEC",
            "Instalar un Centro de Desarrollo de Negocios satélite en Pudahuel",
            35_000_000,
            "2027-02-26",
            "26/02/2027",
        ),
    ),
    (
        (
            "FOSIS",
            "Isabel Muñoz",
            "isabel.munoz@fosis.cl.example",
            "Financiar Yo Emprendo para 60 emprendedores de Lo Prado y Quinta Normal",
            "$ 20.000.000",
            "Presupuesto regular FOSIS",
            "20 días hábiles",
        ),
        Gold(
            "FOSIS",
            "Financiar Yo Emprendo para 60 emprendedores de Lo Prado y Quinta Normal",
            20_000_000,
            "20 días hábiles",
            "20 días hábiles",
        ),
    ),
    (
        (
            "Municipalidad de Pudahuel",
            "Andrea Vidal",
            "",
            "Ceder el uso del gimnasio municipal para la feria de invierno",
            "",
            "",
            "2027-06-15",
        ),
        Gold(
            "Municipalidad de Pudahuel",
            "Ceder el uso del gimnasio municipal para la feria de invierno",
            None,
            "2027-06-15",
            "2027-06-15",
        ),
    ),
    (
        (
            "Municipalidad de Lo Prado",
            "",
            "",
            "Coordinar la inscripción de emprendedores en el registro territorial",
            "",
            "",
            "15 días hábiles",
        ),
        Gold(
            "Municipalidad de Lo Prado",
            "Coordinar la inscripción de emprendedores en el registro territorial",
            None,
            "15 días hábiles",
            "15 días hábiles",
        ),
    ),
    (
        (
            "SENCE",
            "Claudia Rojas",
            "claudia.rojas@sence.cl.example",
            "Cursos de alfabetización digital para 40 emprendedoras de Quinta Normal",
            "12.400.000",
            "Becas Laborales",
            "2027-03-31",
        ),
        Gold(
            "SENCE",
            "Cursos de alfabetización digital para 40 emprendedoras de Quinta Normal",
            12_400_000,
            "2027-03-31",
            "2027-03-31",
        ),
    ),
    (
        (
            "Municipalidad de Quinta Normal",
            "",
            "",
            "Difundir la convocatoria del Centro de Negocios en las juntas de vecinos",
            "",
            "",
            "30-11-2026",
        ),
        Gold(
            "Municipalidad de Quinta Normal",
            "Difundir la convocatoria del Centro de Negocios en las juntas de vecinos",
            None,
            "2026-11-30",
            "30-11-2026",
        ),
    ),
)

MESA_8 = Acta(
    slug="poniente_mesa_8",
    region="Metropolitana",
    territory="Territorio Integrado Poniente",
    held_on=date(2026, 10, 1),
    kind="acta",
    letterhead="Territorio Integrado Poniente · Cerro Navia · Pudahuel · Quinta Normal · "
    "Lo Prado · Quilicura",
    footer="Acta N° 8 · Mesa Territorial Territorio Integrado Poniente",
    blocks=(
        Heading("ACTA N° 8", 0),
        Heading("MESA TERRITORIAL — TERRITORIO INTEGRADO PONIENTE"),
        Para(
            "En Cerro Navia, a 1 de octubre de 2026, en el Centro Cultural Violeta Parra, se "
            "reúne la Mesa Territorial del Territorio Integrado Poniente, con la asistencia "
            "que se detalla."
        ),
        _ATTENDANCE,
        Heading("Cuenta", 2),
        Para(
            "La encargada de FOSIS informa que el programa Yo Emprendo 2026 benefició a 48 "
            "emprendedores de Cerro Navia y Pudahuel, con una inversión de $16.800.000.",
            amounts=(16_800_000,),
        ),
        Para(
            "SERCOTEC da cuenta de que el Centro de Desarrollo de Negocios de Quilicura atendió "
            "a 210 empresas entre enero y agosto."
        ),
        Heading("Acuerdos", 2),
        Para(
            "La Mesa acuerda los compromisos que se detallan en la tabla siguiente, en el "
            "formato de la planilla de seguimiento:"
        ),
        Grid(
            header=_HEADER,
            rows=tuple(cells for cells, _ in _ROWS),
            commitments=tuple(gold for _, gold in _ROWS),
        ),
        Para(
            "Adicionalmente, CORFO se compromete a presentar la línea Activa Inversión a los "
            "emprendedores del territorio antes del 30 de octubre.",
            (
                Gold(
                    "CORFO",
                    "presentar la línea Activa Inversión a los emprendedores del territorio",
                    None,
                    "2026-10-30",
                    "antes del 30 de octubre",
                ),
            ),
        ),
        Para(
            "La próxima sesión de la Mesa se realizará el 5 de noviembre de 2026 en Quilicura.",
            dates=("2026-11-05",),
        ),
    ),
)
