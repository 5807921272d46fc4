"""Printing records as a Rich table, CSV or JSON (a JSON array of objects)."""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Iterable, Sequence
from enum import StrEnum
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from config.i18n import plural
from models.commitments import STATUS_LABELS, Status
from models.dates import format_long
from models.money import format_bytes, format_clp
from reports.safe_text import neutralise_cell
from tracking.queries import CommitmentView


class OutputFormat(StrEnum):
    TABLE = "table"
    CSV = "csv"
    JSON = "json"


FormatOption = Annotated[OutputFormat, typer.Option("--format", help="Salida: table, csv o json.")]


def console() -> Console:
    """A console for tables; piped output gets a wide, fixed width so that
    tables stay readable in logs and e-mails."""
    probe = Console()
    width = None if probe.is_terminal else 160
    return Console(highlight=False, soft_wrap=False, width=width)


def print_json(records: Sequence[dict[str, Any]]) -> None:
    sys.stdout.write(json.dumps(list(records), ensure_ascii=False, indent=2) + "\n")


def csv_cell(value: Any) -> Any:
    """One CSV cell for people: yes/no as ``sí``/``no``, lists as JSON, text neutralised against
    formulas (:func:`reports.safe_text.neutralise_cell`), numbers as they
    are (a negative amount stays a number)."""
    if isinstance(value, bool):
        return "sí" if value else "no"
    if isinstance(value, list):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, str):
        return neutralise_cell(value)
    return value


def print_csv(records: Sequence[dict[str, Any]], fields: Sequence[str]) -> None:
    """``records`` as CSV on standard output; the JSON output keeps the
    exact text."""
    writer = csv.DictWriter(sys.stdout, fieldnames=list(fields), lineterminator="\n")
    writer.writeheader()
    for record in records:
        writer.writerow({key: csv_cell(value) for key, value in record.items()})


def plain(text: str) -> Text:
    """User text for a Rich table or line, never read as markup (a
    commitment reading ``[/x]`` made Rich raise, ``[bold]`` restyled it)."""
    return Text(text)


def commitments_table(views: Sequence[CommitmentView], title: str | None = None) -> Table:
    table = Table(title=title, show_lines=False, header_style="bold")
    table.add_column("N°", justify="right")
    table.add_column("Territorio")
    table.add_column("Institución")
    table.add_column("Compromiso", max_width=48)
    table.add_column("Monto", justify="right")
    table.add_column("Ejecutado", justify="right")
    table.add_column("Vence")
    table.add_column("Estado")
    for view in views:
        due = view.vencimiento.strftime("%d-%m-%Y")
        if view.vencimiento != view.plazo:
            due += f"\n(plazo {view.plazo:%d-%m-%Y})"
        table.add_row(
            str(view.id),
            plain(view.territorio),
            plain(view.institucion),
            plain(view.compromiso),
            format_clp(view.monto, empty="—"),
            format_clp(view.monto_ejecutado),
            due,
            STATUS_LABELS[view.estado],
        )
    return table


def status_count(status: str, count: int) -> str:
    """``4 cumplidos``, ``1 por vencer``: a count of commitments in a status,
    in words that agree with the count."""
    forms = {
        Status.PENDIENTE: lambda n: plural(n, "{n} pendiente", "{n} pendientes"),
        Status.POR_VENCER: lambda n: plural(n, "{n} por vencer", "{n} por vencer"),
        Status.VENCIDO: lambda n: plural(n, "{n} vencido", "{n} vencidos"),
        Status.INFORMADO: lambda n: plural(
            n, "{n} informado por verificar", "{n} informados por verificar"
        ),
        Status.CUMPLIDO: lambda n: plural(n, "{n} cumplido", "{n} cumplidos"),
        Status.CANCELADO: lambda n: plural(n, "{n} cancelado", "{n} cancelados"),
    }
    return forms[Status(status)](count)


def status_summary(statuses: Iterable[str]) -> str:
    """``7 pendientes, 1 por vencer, 11 vencidos, 4 cumplidos``, in the
    order of a commitment's life; ``ninguno`` when there are none."""
    counts: dict[str, int] = {}
    for status in statuses:
        counts[status] = counts.get(status, 0) + 1
    parts = [status_count(status, counts[status]) for status in Status if status in counts]
    return ", ".join(parts) or "ninguno"


OUTBOX_LABELS: dict[str, str] = {
    "pending": "pendiente",
    "sending": "en envío",
    "sent": "enviado",
    "failed": "fallido",
}
"""The outbox's states as a person reads them (JSON keeps the values)."""


def outbox_count(status: str, count: int) -> str:
    """``52 enviados``, ``1 fallido``: messages of the outbox in a state."""
    forms = {
        "pending": lambda n: plural(n, "{n} pendiente", "{n} pendientes"),
        "sending": lambda n: plural(n, "{n} en envío", "{n} en envío"),
        "sent": lambda n: plural(n, "{n} enviado", "{n} enviados"),
        "failed": lambda n: plural(n, "{n} fallido", "{n} fallidos"),
    }
    return forms[status](count)


def delivery_summary(report: Any) -> str:
    """``3 correos enviados, 0 en reintento, 1 fallido`` for a delivery
    (anything with ``sent``, ``retrying`` and ``failed``)."""
    return (
        f"{plural(report.sent, '{n} correo enviado', '{n} correos enviados')}, "
        f"{plural(report.retrying, '{n} en reintento', '{n} en reintento')}, "
        f"{plural(report.failed, '{n} fallido', '{n} fallidos')}"
    )


def long_date(value: Any) -> str:
    return format_long(value) if value is not None else "—"


def size_label(size: int | None) -> str:
    """``1.234.567 bytes`` with es-CL separators."""
    return format_bytes(size)
