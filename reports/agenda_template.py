"""``cumple agenda --template``: a Word template for writing an acta that
``cumple actas read`` reads back whole.

Its first lines are the header the reader understands (``ACTA N° __``, the
instancia, the territorio, the región as officially named, ``En ____, a __
de ______ de 20__``); then the
sections of an acta (asistentes, tabla, desarrollo, acuerdos). The acuerdos
table's header row is the import format's column names
(:data:`importer.columns.COLUMNS`, without the acta's own columns, which
the header gives, plus ``plazo_texto``), with one example row, so every
acuerdo typed into it comes back as a commitment with every field.

The guidance paragraphs avoid the verbs the reader takes for a commitment
("se compromete a", "aportará"…), so they are never read as one."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import IO

from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT, WD_SECTION

from importer.columns import COLUMNS
from reports.agenda_docx import LANGUAGE, add_table, new_document, page_footer

ACTA_COLUMNS = frozenset(
    {"region", "territorio", "acta_fecha", "acta_instancia", "acta_numero", "acta_tipo", "comunas"}
)
"""Import columns given once by the acta's header (or, ``comunas``, by the
territory), not per acuerdo."""

PLAZO_TEXT = "plazo_texto"
"""The words of the due date as the acta states them (an optional import column)."""

HEADER_LINES = (
    "ACTA N° __",
    "Instancia: ______________________________",
    "Territorio: ______________________________",
    "Región de ______________________________",
    "En ____________, a __ de __________ de 20__",
)

EXAMPLE: dict[str, str] = {
    "institucion": "FOSIS",
    "institucion_rut": "60.109.000-7",
    "responsable": "Marcela Jara",
    "responsable_email": "marcela.jara@fosis.cl",
    "institucion_director_email": "director.regional@fosis.cl",
    "territorio_gerente_email": "gerencia@territorio.cl",
    "compromiso": "Transferir $15.000.000 al convenio de Lasana",
    "monto": "$15.000.000",
    "fuente": "Presupuesto regular",
    "plazo": "21-09-2026",
    PLAZO_TEXT: "antes del 21 de septiembre",
    "programa": "Programa Territorial",
    "productos": "Convenio firmado y transferencia realizada",
    "beneficiarios": "40",
}
"""The example acuerdo (the template's second row): replace or delete it."""


def acuerdo_columns() -> list[str]:
    """The acuerdos table's header: the import columns of a commitment, in
    the import format's order, with ``plazo_texto`` after ``plazo`` (once,
    whether or not the import format already lists it)."""
    names = [c.name for c in COLUMNS if c.name not in ACTA_COLUMNS and c.name != PLAZO_TEXT]
    names.insert(names.index("plazo") + 1, PLAZO_TEXT)
    return names


def _required() -> list[str]:
    return [c.name for c in COLUMNS if c.required and c.name not in ACTA_COLUMNS]


def _width(name: str) -> float:
    wide = {"compromiso": 3.6, "productos": 2.6, PLAZO_TEXT: 2.2, "fuente": 2.0}
    return wide.get(name, 1.6)


def _landscape_section(document: DocxDocument) -> None:
    section = document.add_section(WD_SECTION.NEW_PAGE)
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = section.page_height, section.page_width


def write_acta_template(target: Path | IO[bytes], *, generated_at: datetime) -> None:
    """Write the acta template to ``target`` (a path or a binary file) as
    DOCX; ``generated_at`` (aware) goes to its core properties."""
    document = new_document(landscape=False)
    properties = document.core_properties
    properties.title = "Plantilla de acta de sesión"
    properties.subject = "Acta con tabla de acuerdos en el formato de importación de cumple"
    properties.author = "cumple — Seguimiento de compromisos"
    properties.keywords = "acta, acuerdos, compromisos, plantilla"
    properties.language = LANGUAGE
    properties.category = "Plantilla"
    properties.created = generated_at
    properties.modified = generated_at
    properties.last_modified_by = "cumple"

    for number, line in enumerate(HEADER_LINES):
        paragraph = document.add_paragraph()
        run = paragraph.add_run(line)
        run.bold = number == 0
    document.add_heading("1. Asistentes", level=1)
    add_table(
        document,
        (("Nombre", 5.0), ("Institución", 5.0), ("Cargo", 4.0), ("Firma", 4.0)),
        [["", "", "", ""] for _ in range(4)],
        size=9,
    )
    document.add_heading("2. Tabla", level=1)
    for point in ("Lectura y aprobación del acta anterior.", "Estado de los compromisos.",
                  "Varios."):  # fmt: skip
        document.add_paragraph(point, style="List Number")
    document.add_heading("3. Desarrollo de la sesión", level=1)
    document.add_paragraph("Resumen de lo tratado en cada punto de la tabla.")

    _landscape_section(document)
    document.add_heading("4. Acuerdos", level=1)
    required = ", ".join(_required())
    document.add_paragraph(
        "Una fila por acuerdo, con los nombres de columna tal como están (cumple los lee "
        f"al importar el acta). Columnas obligatorias: {required}. El monto va en pesos "
        "(con o sin puntos); el plazo, como fecha (DD-MM-AAAA) o «N días hábiles»; "
        f"«{PLAZO_TEXT}» guarda el plazo en las palabras de la sesión. La fila de ejemplo "
        "debe reemplazarse o borrarse."
    )
    columns = acuerdo_columns()
    add_table(
        document,
        [(name, _width(name)) for name in columns],
        [[EXAMPLE.get(name, "") for name in columns]],
        size=7,
    )
    document.add_heading("Firmas", level=1)
    document.add_paragraph("Presidente(a) de la instancia: ______________________")
    document.add_paragraph("Secretario(a) de actas: ______________________")
    page_footer(document, "Acta de sesión")
    document.save(target if not isinstance(target, Path) else str(target))


__all__ = ["ACTA_COLUMNS", "EXAMPLE", "HEADER_LINES", "acuerdo_columns", "write_acta_template"]
