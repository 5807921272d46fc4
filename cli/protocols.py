"""``cumple protocol set|list``."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated

import typer
from rich.table import Table
from sqlmodel import Session

from cli.render import FormatOption, OutputFormat, console, long_date, print_csv, print_json
from cli.runtime import DatabaseUrlOption, DataDirOption, open_runtime, option_date
from models.calendar import calendar_for
from models.protocols import PERIODIC
from reports.periods import Period, due_on, period_containing
from tracking.protocols import ProtocolChange, ProtocolView, list_protocols, set_protocol

app = typer.Typer(
    help="Protocolos con los gobiernos regionales: destinatarios y periodicidad.",
    no_args_is_help=True,
)


@app.command("set")
def set_command(
    region: Annotated[str, typer.Option("--region", help="Región (nombre, número o numeral).")],
    to: Annotated[list[str], typer.Option("--to", help="Correo de un destinatario (repetible).")],
    every: Annotated[
        str,
        typer.Option(
            "--every",
            help="quarter, semester, four-months o month (paquete periódico); ari (en abril, "
            "el ARI del año siguiente) o iral (en diciembre, el IRAL del año siguiente), que se "
            "agregan al protocolo periódico sin cambiarlo.",
        ),
    ] = "quarter",
    since: Annotated[
        str | None,
        typer.Option("--since", help="Periodos que comienzan desde esta fecha (por defecto, hoy)."),
    ] = None,
    title: Annotated[
        str | None,
        typer.Option(
            "--title", help="Destinatario del oficio (por defecto, Gobernador(a) Regional)."
        ),
    ] = None,
    database_url: DatabaseUrlOption = None,
    data_dir: DataDirOption = None,
) -> None:
    """Define quién recibe el paquete de información de una región y cada cuánto."""
    runtime = open_runtime(database_url, data_dir)
    start = option_date(since, "--since") or runtime.today()
    with Session(runtime.engine) as session:
        change = set_protocol(
            session, region_text=region, recipients=to, every=every, since=start, title=title
        )
        session.commit()
    typer.echo(describe_change(change))


def first_instrument(view: ProtocolView) -> tuple[Period, date]:
    """The first ARI or IRAL a version covers (the first due on or after
    its date) and the day it is due."""
    calendar = calendar_for(view.iso_code or None)
    period = period_containing(view.since, view.every)
    while due_on(period, calendar) < view.since:
        period = period.following()
    return period, due_on(period, calendar)


def _describe_instrument(change: ProtocolChange) -> str:
    view = change.version
    period, due = first_instrument(view)
    verb = "reemplaza la versión" if change.replaced else "nueva versión"
    name = view.every.upper()
    lines = [
        f"Protocolo {name} de {view.region}, {verb} desde el {long_date(view.since)}: envío "
        f"{view.every_label} a {', '.join(view.recipients)}, dirigido a {view.recipient_title}. "
        f"El próximo: {name} {period.start.year}, el {long_date(due)}. "
        "El protocolo periódico de la región no cambia."
    ]
    if view.until is not None:
        lines.append(f"Rige hasta el {long_date(view.until)}, cuando empieza la versión siguiente.")
    previous = change.previous
    if previous is not None:
        lines.append(
            f"Los {name} que vencían antes siguen la versión del {long_date(previous.since)}: "
            f"envío a {', '.join(previous.recipients)}."
        )
    return "\n".join(lines)


def describe_change(change: ProtocolChange) -> str:
    """What a new version changes, in words: from which period it applies
    and which periods stay with the version before it; for an ARI or IRAL,
    which one is due next and when."""
    view = change.version
    if view.instrument != PERIODIC:
        return _describe_instrument(change)
    first = period_containing(view.since, view.every)
    if first.start < view.since:
        first = first.following()
    verb = "reemplaza la versión" if change.replaced else "nueva versión"
    lines = [
        f"Protocolo de {view.region}, {verb} desde el {long_date(view.since)}: envío "
        f"{view.every_label} a {', '.join(view.recipients)}, dirigido a {view.recipient_title}. "
        f"Se aplica a los periodos que comienzan desde esa fecha (el primero, {first.key})."
    ]
    if view.until is not None:
        lines.append(f"Rige hasta el {long_date(view.until)}, cuando empieza la versión siguiente.")
    previous = change.previous
    if previous is not None:
        last = period_containing(view.since - timedelta(days=1), previous.every)
        kept = f" (hasta {last.key}, inclusive)" if last.start >= previous.since else ""
        lines.append(
            f"Los periodos que comenzaron antes{kept} se siguen construyendo y enviando según la "
            f"versión del {long_date(previous.since)}: envío {previous.every_label} a "
            f"{', '.join(previous.recipients)}."
        )
    return "\n".join(lines)


@app.command("list")
def list_command(
    output: FormatOption = OutputFormat.TABLE,
    database_url: DatabaseUrlOption = None,
    data_dir: DataDirOption = None,
) -> None:
    """Muestra los protocolos y sus versiones."""
    runtime = open_runtime(database_url, data_dir)
    with Session(runtime.engine) as session:
        views = list_protocols(session)
    records = [view.record() for view in views]
    if output is OutputFormat.JSON:
        print_json(records)
        return
    if output is OutputFormat.CSV:
        fields = [
            "region", "region_code", "periodicidad", "desde", "hasta", "destinatario", "correos"
        ]  # fmt: skip
        print_csv(records, fields)
        return
    if not views:
        typer.echo("No hay protocolos. Defina uno con «cumple protocol set».")
        return
    table = Table(header_style="bold")
    for column in ("Región", "Periodicidad", "Desde", "Hasta", "Dirigido a", "Destinatarios"):
        table.add_column(column)
    for view in views:
        table.add_row(
            view.region,
            view.every_label,
            long_date(view.since),
            long_date(view.until) if view.until else "vigente",
            view.recipient_title,
            "\n".join(view.recipients),
        )
    console().print(table)
