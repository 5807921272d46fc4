"""The tabla of a session as a Word document (python-docx): title, date,
one heading per section, tables whose header row repeats on every page, A4
landscape, es-CL as the document's language and its core properties
filled. Internal to the board: names of responsables, never an e-mail.

The page helpers here (:func:`new_document`, :func:`repeat_header`, …) are
also used by the acta template (:mod:`reports.agenda_template`)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import IO

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from docx.table import Table, _Row

from models.dates import format_long
from models.money import format_clp
from reports.agenda import Agenda, AgendaItem, FulfilledItem, status_words

LANGUAGE = "es-CL"
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")

OPEN_COLUMNS: tuple[tuple[str, float], ...] = (
    ("N°", 1.1),
    ("Compromiso y acta", 6.2),
    ("Institución", 3.0),
    ("Responsable", 2.8),
    ("Monto", 2.3),
    ("Vence", 2.4),
    ("Atraso", 2.0),
    ("Estado", 2.0),
    ("Último hecho registrado", 4.9),
)
"""Header and width (cm) of the open commitments' tables: 26,7 cm, the
width of an A4 landscape page inside 1,5 cm margins."""

FULFILLED_COLUMNS: tuple[tuple[str, float], ...] = (
    ("N°", 1.1),
    ("Compromiso y acta", 7.4),
    ("Institución", 3.2),
    ("Responsable", 3.0),
    ("Monto", 2.4),
    ("Ejecutado", 2.4),
    ("Vencía", 2.4),
    ("Cumplido el", 2.4),
    ("Oportunidad", 2.4),
)


def clean(text: object) -> str:
    """Text without the control characters XML cannot hold."""
    return _NOT_XML.sub("", "" if text is None else str(text))


def new_document(*, landscape: bool) -> DocxDocument:
    """An empty A4 document in es-CL (portrait or landscape), 1,5 cm
    margins, 10 pt body text."""
    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    if landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = Cm(29.7), Cm(21.0)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(1.5))
    normal = document.styles["Normal"]
    normal.font.size = Pt(10)  # type: ignore[attr-defined]
    _set_language(document)
    return document


def _set_language(document: DocxDocument) -> None:
    """es-CL for spelling and hyphenation, in the document's defaults."""
    styles = document.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    if defaults is None:
        return
    run_defaults = defaults.find(qn("w:rPrDefault"))
    if run_defaults is None:
        return
    properties = run_defaults.find(qn("w:rPr"))
    if properties is None:
        properties = OxmlElement("w:rPr")
        run_defaults.append(properties)
    language = properties.find(qn("w:lang"))
    if language is None:
        language = OxmlElement("w:lang")
        properties.append(language)
    for attribute in ("w:val", "w:eastAsia", "w:bidi"):
        language.set(qn(attribute), LANGUAGE)


def repeat_header(row: _Row) -> None:
    """Mark ``row`` as a header row, repeated at the top of every page the
    table runs onto, and never split across pages."""
    properties = row._tr.get_or_add_trPr()
    for tag in ("w:cantSplit", "w:tblHeader"):
        element = OxmlElement(tag)
        element.set(qn("w:val"), "true")
        properties.append(element)


def _no_split(row: _Row) -> None:
    element = OxmlElement("w:cantSplit")
    element.set(qn("w:val"), "true")
    row._tr.get_or_add_trPr().append(element)


def _shade(cell_element: object, fill: str) -> None:
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    cell_element.get_or_add_tcPr().append(shading)  # type: ignore[attr-defined]


def _fixed_layout(table: Table) -> None:
    """Column widths as given, never from the content."""
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    table._tbl.tblPr.append(layout)


def add_table(
    document: DocxDocument,
    columns: Sequence[tuple[str, float]],
    rows: Sequence[Sequence[str]],
    *,
    size: float = 8.0,
    right: frozenset[int] = frozenset(),
) -> Table:
    """A table with a repeated, shaded header row and fixed column widths
    (cm); columns whose index is in ``right`` are right-aligned."""
    table = document.add_table(rows=1, cols=len(columns))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    _fixed_layout(table)
    for index, (_, width) in enumerate(columns):
        table.columns[index].width = Cm(width)  # the grid LibreOffice lays out by
    header = table.rows[0]
    repeat_header(header)
    for index, (name, width) in enumerate(columns):
        cell = header.cells[index]
        cell.width = Cm(width)
        _shade(cell._tc, "0F3D6E")
        if index in right:
            cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
        run = cell.paragraphs[0].add_run(name)
        run.bold = True
        run.font.size = Pt(size)
        run.font.color.rgb = RGBColor(0xFF, 0xFF, 0xFF)
    for values in rows:
        row = table.add_row()
        _no_split(row)
        for index, value in enumerate(values):
            cell = row.cells[index]
            cell.width = Cm(columns[index][1])
            lines = clean(value).split("\n")
            paragraph = cell.paragraphs[0]
            if index in right:
                paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            for number, line in enumerate(lines):
                run = paragraph.add_run(line)
                run.font.size = Pt(size if number == 0 else size - 1)
                run.italic = number > 0
                if number < len(lines) - 1:
                    run.add_break()
    return table


def page_footer(document: DocxDocument, text: str) -> None:
    """``text · Página N de M`` at the foot of every page (Word fields)."""
    paragraph = document.sections[0].footer.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    for piece in (f"{clean(text)} · Página ", "PAGE", " de ", "NUMPAGES"):
        if piece in ("PAGE", "NUMPAGES"):
            field = OxmlElement("w:fldSimple")
            field.set(qn("w:instr"), piece)
            inner = OxmlElement("w:r")
            value = OxmlElement("w:t")
            value.text = "1"
            inner.append(value)
            field.append(inner)
            paragraph._p.append(field)
        else:
            run = paragraph.add_run(piece)
            run.font.size = Pt(8)


def open_row(item: AgendaItem) -> list[str]:
    """The cells of one open commitment (the PDF prints the same)."""
    view = item.view
    return [
        str(view.id),
        f"{view.compromiso}\n{item.acta}",
        view.institucion,
        view.responsable or "—",
        format_clp(view.monto, empty="—"),
        format_long(view.vencimiento),
        item.late_words(),
        status_words(view.estado),
        item.ultimo_hecho,
    ]


def fulfilled_row(item: FulfilledItem) -> list[str]:
    view = item.view
    return [
        str(view.id),
        f"{view.compromiso}\n{item.acta}",
        view.institucion,
        view.responsable or "—",
        format_clp(view.monto, empty="—"),
        format_clp(view.monto_ejecutado, empty="—"),
        format_long(view.vencimiento),
        format_long(view.cumplido_el) if view.cumplido_el else "—",
        item.timing_words(),
    ]


def title(agenda: Agenda) -> str:
    return f"Tabla de la sesión — {agenda.territory.name}"


def write_docx(target: Path | IO[bytes], agenda: Agenda, *, generated_at: datetime) -> None:
    """Write ``agenda`` to ``target`` (a path or a binary file) as a DOCX
    document. ``generated_at`` (aware) is its creation time in the core
    properties."""
    document = new_document(landscape=True)
    territory = agenda.territory
    properties = document.core_properties
    properties.title = title(agenda)
    properties.subject = (
        f"Compromisos abiertos de {territory.name} ({territory.region_official}) "
        f"al {format_long(agenda.day)}"
    )
    properties.author = "cumple — Seguimiento de compromisos"
    properties.keywords = f"tabla, sesión, compromisos, {territory.name}, {territory.region}"
    properties.language = LANGUAGE
    properties.category = "Tabla de sesión"
    properties.created = generated_at
    properties.modified = generated_at
    properties.last_modified_by = "cumple"
    properties.comments = "Documento interno de la instancia territorial."

    document.add_heading(clean(title(agenda)), level=0)
    document.add_paragraph(
        f"{clean(territory.region_official)} · Sesión del {format_long(agenda.day)} · "
        f"próxima sesión: {format_long(agenda.next_session)}"
    )
    document.add_paragraph(
        f"Estado de los compromisos al {format_long(agenda.day)}: {agenda.summary()} "
        f"Cumplidos {agenda.since_words()}."
    )
    if not agenda.items:
        document.add_heading("Compromisos abiertos", level=1)
        document.add_paragraph(f"No hay compromisos abiertos al {format_long(agenda.day)}.")
    right = frozenset({0, 4})
    for _, heading, items in agenda.sections():
        document.add_heading(clean(heading), level=1)
        add_table(document, OPEN_COLUMNS, [open_row(item) for item in items], right=right)
    document.add_heading(clean(agenda.fulfilled_title()), level=1)
    if agenda.fulfilled:
        intro = document.add_paragraph(f"Verificados como cumplidos {agenda.since_words()}.")
        intro.paragraph_format.keep_with_next = True
        add_table(
            document,
            FULFILLED_COLUMNS,
            [fulfilled_row(item) for item in agenda.fulfilled],
            right=frozenset({0, 4, 5}),
        )
    else:
        document.add_paragraph(
            f"Ningún compromiso se verificó como cumplido {agenda.since_words()}."
        )
    page_footer(document, f"{title(agenda)} · {format_long(agenda.day)}")
    document.save(target if not isinstance(target, Path) else str(target))


__all__ = [
    "add_table",
    "clean",
    "fulfilled_row",
    "new_document",
    "open_row",
    "page_footer",
    "repeat_header",
    "write_docx",
]
