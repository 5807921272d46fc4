"""``planilla.xlsx``: one sheet per table, real numbers and dates (not
text; integers beyond 2^53, which a number cell would round, excepted: see
:mod:`reports.exact`), a CLP number format, frozen headers and filters. Written with
XlsxWriter in constant-memory mode: each row goes to disk as it is written,
so memory stays flat with the row count.

Every sheet prints as people print it: Letter (Carta) landscape, one page
wide, the header row repeated on each page, "Página n de m" at the foot.
The document properties carry the package's generation time, so the same
data gives the same bytes."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import xlsxwriter
from xlsxwriter.format import Format
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from reports.exact import EXACT_NOTE, Formatted, exact_cell, too_large
from reports.figures import PeriodFigures, status_label

CLP = '"$"#,##0'
DATE = "dd-mm-yyyy"
PERCENT = "0.0%"
COUNT = "#,##0"
LETTER = 1
"""XlsxWriter's paper code for Letter (Carta), the size Chilean offices print on."""

Column = tuple[str, str | None, float, Callable[[Any], Any]]
"""``(header, number format, width, value of a row)``. A value may be a
:class:`Formatted` to give that one cell its own number format."""


@dataclass(frozen=True)
class WorkbookInfo:
    """The document properties of the workbook."""

    title: str
    subject: str
    author: str
    keywords: str
    comments: str
    created: datetime
    company: str = ""


def _print_setup(sheet: Worksheet, title: str, period: str, mark: str) -> None:
    """Letter landscape, one page wide, header row on every page, numbered;
    ``mark`` (PRELIMINAR, Versión pública) in bold at the top centre."""
    sheet.set_paper(LETTER)
    sheet.set_landscape()
    sheet.fit_to_pages(1, 0)
    sheet.repeat_rows(0)
    sheet.set_margins(left=0.4, right=0.4, top=0.7, bottom=0.7)
    centre = f'&C&"-,Bold"{_escape(mark)}' if mark else ""
    sheet.set_header(f"&L{_escape(title)}{centre}&R{_escape(period)}")
    sheet.set_footer("&CPágina &P de &N")


def _escape(text: str) -> str:
    """Header/footer text: ``&`` starts a control code, so it is doubled."""
    return text.replace("&", "&&")


def _sheet(
    workbook: Workbook,
    title: str,
    columns: Sequence[Column],
    rows: Iterable[Any],
    mark: str = "",
    period: str = "",
) -> int:
    sheet = workbook.add_worksheet(title)
    _print_setup(sheet, title, period, mark)
    header_format = workbook.add_format(
        {"bold": True, "font_color": "#FFFFFF", "bg_color": "#0F3D6E", "text_wrap": True,
         "valign": "vcenter"}
    )  # fmt: skip
    # Text wraps inside its column (printed pages keep their width); numbers
    # and dates keep their format.
    formats = [
        workbook.add_format({"num_format": f, "valign": "top"})
        if f
        else workbook.add_format({"text_wrap": True, "valign": "top"})
        for _, f, _, _ in columns
    ]
    own: dict[str, Format] = {}
    for index, (name, _, width, _) in enumerate(columns):
        sheet.set_column(index, index, width, formats[index])
        sheet.write_string(0, index, name, header_format)
    sheet.freeze_panes(1, 0)
    count = 0
    for count, row in enumerate(rows, start=1):
        for index, (_, _, _, get) in enumerate(columns):
            # Beyond 2^53 a number cell rounds: such integers go as text.
            value = exact_cell(get(row))
            cell_format = formats[index]
            if isinstance(value, Formatted):
                if value.num_format:
                    if value.num_format not in own:
                        own[value.num_format] = workbook.add_format(
                            {"num_format": value.num_format, "valign": "top"}
                        )
                    cell_format = own[value.num_format]
                value = value.value
            if value is None:
                continue
            if isinstance(value, date):
                sheet.write_datetime(count, index, value, cell_format)
            elif isinstance(value, bool):
                sheet.write_boolean(count, index, value, cell_format)
            elif isinstance(value, int | float):
                sheet.write_number(count, index, value, cell_format)
            else:
                sheet.write_string(count, index, str(value), cell_format)
    sheet.autofilter(0, 0, max(count, 1), len(columns) - 1)
    return count


PRELIMINARY_MARK = "PRELIMINAR — periodo en curso"
PUBLIC_MARK = "Versión pública"
PUBLIC_NOTE = (
    "Versión pública: sin compromisos reservados, sin datos de personas, sin motivos "
    "ni medios de verificación no publicados (Ley 19.628)"
)
PRIVATE_COLUMNS = frozenset({"Motivo", "Registrado por"})
"""Columns left out of the public version: free text and people."""

FIELD_WORDS = {"status": "Estado", "executed_amount": "Monto ejecutado", "plazo": "Plazo"}


def field_words(field: str) -> str:
    return FIELD_WORDS.get(field, field)


def value_words(field: str, value: str | None) -> str | None:
    """A history value as people read it (amounts, dates, statuses)."""
    from models.dates import format_long
    from models.money import format_clp

    if value is None:
        return None
    if field == "executed_amount":
        return format_clp(int(value))
    if field == "plazo":
        return format_long(date.fromisoformat(value))
    if field == "status":
        return status_label(value)
    return value


def _group_columns(label: str) -> list[Column]:
    return [
        (label, None, 36, lambda g: g.name),
        ("Compromisos", "0", 13, lambda g: g.commitments),
        ("Monto comprometido", CLP, 20, lambda g: g.committed),
        ("Monto ejecutado", CLP, 20, lambda g: g.executed),
        ("Tasa de ejecución", PERCENT, 12, lambda g: g.rate),
        ("Nuevos en el periodo", "0", 12, lambda g: g.new),
        ("Cumplidos a tiempo", "0", 12, lambda g: g.fulfilled_on_time),
        ("Cumplidos con atraso", "0", 12, lambda g: g.fulfilled_late),
        ("Vencidos al cierre", "0", 12, lambda g: g.overdue),
        ("Por verificar al cierre", "0", 12, lambda g: g.reported),
        ("Con sobre-ejecución", "0", 12, lambda g: g.over_executed),
    ]


def _evidence_words(record: Any) -> str | None:
    names = [e.reference or e.name for e in record.evidencias]
    return "; ".join(names) if names else None


def write_workbook(
    path: Path,
    figures: PeriodFigures,
    summary: list[tuple[str, Any, str | None]],
    *,
    preliminary: bool = False,
    info: WorkbookInfo | None = None,
    public: bool = False,
) -> dict[str, int]:
    """Write the workbook; returns the row count of each sheet. ``summary``
    rows are ``(indicator, value, number format or None)``; ``info`` gives
    the document properties (without it XlsxWriter stamps the current time
    and the bytes change from run to run). ``public``: the public version,
    marked so on every sheet and without the columns of free-text reasons
    and of who recorded a rectification. Integers beyond
    :data:`reports.exact.EXACT_LIMIT` are written as text with their exact
    digits (:func:`reports.exact.exact_cell`), and the Resumen then says so;
    smaller amounts stay number cells."""
    workbook = xlsxwriter.Workbook(
        str(path), {"constant_memory": True, "default_date_format": DATE}
    )
    if info is not None:
        workbook.set_properties(
            {
                "title": info.title,
                "subject": info.subject,
                "author": info.author,
                "manager": info.author,
                "company": info.company or info.author,
                "category": "Informe de compromisos territoriales",
                "keywords": info.keywords,
                "comments": info.comments,
                "created": info.created.astimezone(UTC).replace(tzinfo=None),
            }
        )
    counts: dict[str, int] = {}
    label = figures.period.label

    mark = PRELIMINARY_MARK if preliminary else PUBLIC_MARK if public else ""

    def sheet(title: str, columns: Sequence[Column], rows: Iterable[Any]) -> None:
        kept = [c for c in columns if not (public and c[0] in PRIVATE_COLUMNS)]
        counts[title] = _sheet(workbook, title, kept, rows, mark, label)

    if preliminary:
        summary = [("PRELIMINAR: el periodo aún no termina", None, None), *summary]
    if public:
        summary = [(PUBLIC_NOTE, None, None), *summary]
    if any(too_large(value) for _, value, _ in summary) or any(
        too_large(r.monto) or too_large(r.monto_ejecutado) for r in figures.records
    ):
        summary = [*summary, (EXACT_NOTE, None, None)]
    sheet(
        "Resumen",
        [
            ("Indicador", None, 48, lambda r: r[0]),
            ("Valor", None, 22, lambda r: Formatted(r[1], r[2])),
        ],
        summary,
    )
    sheet("Por territorio", _group_columns("Territorio"), figures.territories())
    sheet("Por institución", _group_columns("Institución"), figures.institutions())
    sheet(
        "Compromisos",
        [
            ("N°", "0", 8, lambda r: r.id),
            ("Territorio", None, 26, lambda r: r.territorio),
            ("Programa", None, 18, lambda r: r.programa),
            ("Institución", None, 26, lambda r: r.institucion),
            ("Acción", None, 60, lambda r: r.compromiso),
            ("Acta", None, 40, lambda r: r.acta),
            ("Fuente", None, 22, lambda r: r.fuente),
            ("Monto invertido", CLP, 18, lambda r: r.monto),
            ("Monto gastado", CLP, 18, lambda r: r.monto_ejecutado),
            ("Sobre-ejecución", None, 10, lambda r: "sí" if r.sobre_ejecucion else "no"),
            ("Fecha de inicio", DATE, 12, lambda r: r.acta_fecha),
            ("Fecha de término", DATE, 12, lambda r: r.cumplido_el or r.vencimiento),
            ("Plazo acordado", DATE, 12, lambda r: r.plazo),
            ("Situación actual", None, 14, lambda r: status_label(r.estado)),
            ("Días hábiles de atraso", "0", 10, lambda r: r.dias_atraso),
            ("Productos", None, 30, lambda r: r.productos),
            ("Beneficiarios", "#,##0", 12, lambda r: r.beneficiarios),
            ("Nuevo en el periodo", None, 10, lambda r: "sí" if r.nuevo_en_periodo else "no"),
            ("Verificación", None, 14, lambda r: r.verificacion),
            ("Informado el", DATE, 12, lambda r: r.informado_el),
            ("Verificado el", DATE, 12, lambda r: r.verificado_el),
            ("Evidencias", None, 40, _evidence_words),
            ("Entradas del historial", "0", 10, lambda r: r.historial_entradas),
            ("Cadena (SHA-256)", None, 66, lambda r: r.historial_sha256),
        ],
        figures.records,
    )
    sheet(
        "Evidencias",
        [
            ("N°", "0", 8, lambda pair: pair[0].id),
            ("Institución", None, 26, lambda pair: pair[0].institucion),
            ("Tipo", None, 11, lambda pair: pair[1].kind),
            ("Nombre o referencia", None, 44, lambda pair: pair[1].reference or pair[1].name),
            ("Del acta", None, 9, lambda pair: "sí" if pair[1].of_acta else "no"),
            ("Bytes", "#,##0", 12, lambda pair: pair[1].size),
            ("SHA-256", None, 66, lambda pair: pair[1].sha256),
            ("Agregada el", DATE, 12, lambda pair: pair[1].added_on),
        ],
        ((record, evidence) for record in figures.records for evidence in record.evidencias),
    )
    sheet(
        "Vencidos",
        [
            ("N°", "0", 8, lambda o: o.id),
            ("Territorio", None, 26, lambda o: o.territorio),
            ("Institución", None, 26, lambda o: o.institucion),
            ("Compromiso", None, 60, lambda o: o.compromiso),
            ("Monto", CLP, 18, lambda o: o.monto),
            ("Vencimiento", DATE, 12, lambda o: o.vencimiento),
            ("Días hábiles de atraso", "0", 12, lambda o: o.dias_atraso),
        ],
        figures.overdue,
    )
    sheet(
        "Cumplidos",
        [
            ("N°", "0", 8, lambda f: f.id),
            ("Institución", None, 26, lambda f: f.institucion),
            ("Compromiso", None, 60, lambda f: f.compromiso),
            ("Vencimiento", DATE, 12, lambda f: f.vencimiento),
            ("Cumplido el", DATE, 12, lambda f: f.cumplido_el),
            ("Verificado el", DATE, 12, lambda f: f.verificado_el),
            ("A tiempo", None, 9, lambda f: "sí" if f.a_tiempo else "no"),
            ("Días hábiles de atraso", "0", 12, lambda f: f.dias_atraso),
        ],
        figures.fulfilled,
    )
    sheet(
        "Nuevos",
        [
            ("N°", "0", 8, lambda r: r.id),
            ("Institución", None, 26, lambda r: r.institucion),
            ("Compromiso", None, 60, lambda r: r.compromiso),
            ("Acta", None, 40, lambda r: r.acta),
            ("Fecha del acta", DATE, 12, lambda r: r.acta_fecha),
            ("Monto", CLP, 18, lambda r: r.monto),
            ("Vencimiento", DATE, 12, lambda r: r.vencimiento),
        ],
        figures.new,
    )
    sheet(
        "Cambios de plazo",
        [
            ("N°", "0", 8, lambda c: c.id),
            ("Institución", None, 26, lambda c: c.institucion),
            ("Compromiso", None, 60, lambda c: c.compromiso),
            ("Plazo anterior", DATE, 12, lambda c: c.plazo_anterior),
            ("Plazo nuevo", DATE, 12, lambda c: c.plazo_nuevo),
            ("Acordado el", DATE, 12, lambda c: c.acordado_el),
            ("Motivo", None, 40, lambda c: c.motivo),
        ],
        figures.due_changes,
    )
    sheet(
        "Rectificaciones",
        [
            ("N°", "0", 8, lambda r: r.commitment_id),
            ("Institución", None, 26, lambda r: r.institution),
            ("Compromiso", None, 50, lambda r: r.text),
            ("Periodo rectificado", None, 12, lambda r: r.period),
            ("Campo", None, 16, lambda r: field_words(r.field)),
            ("Valor anterior", None, 18, lambda r: value_words(r.field, r.old)),
            ("Valor nuevo", None, 18, lambda r: value_words(r.field, r.new)),
            ("Fecha del hecho", DATE, 12, lambda r: r.fact_on),
            ("Motivo", None, 40, lambda r: r.reason),
            ("Registrado por", None, 26, lambda r: r.actor),
        ],
        figures.rectifications,
    )
    workbook.close()
    return counts
