"""``cumple protocol set|list``."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table
from sqlmodel import Session

from cli.render import FormatOption, OutputFormat, console, long_date, print_csv, print_json
from cli.runtime import DatabaseUrlOption, DataDirOption, open_runtime, option_date
from tracking.protocols import list_protocols, set_protocol

app = typer.Typer(
    help="Protocolos con los gobiernos regionales: destinatarios y periodicidad.",
    no_args_is_help=True,
)


@app.command("set")
def set_command(
    region: Annotated[str, typer.Option("--region", help="Región (nombre, número o numeral).")],
    to: Annotated[list[str], typer.Option("--to", help="Correo de un destinatario (repetible).")],
    every: Annotated[
        str, typer.Option("--every", help="quarter, semester, four-months o month.")
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
        view = set_protocol(
            session, region_text=region, recipients=to, every=every, since=start, title=title
        )
        session.commit()
    typer.echo(
        f"Protocolo de {view.region}: envío {view.every_label} a {', '.join(view.recipients)} "
        f"desde el {long_date(view.since)}, dirigido a {view.recipient_title}."
    )


@app.command("list")
def list_command(
    output: FormatOption = OutputFormat.TABLE,
    database_url: DatabaseUrlOption = None,
    data_dir: DataDirOption = None,
) -> None:
    """Muestra los protocolos vigentes."""
    runtime = open_runtime(database_url, data_dir)
    with Session(runtime.engine) as session:
        views = list_protocols(session)
    records = [view.record() for view in views]
    if output is OutputFormat.JSON:
        print_json(records)
        return
    if output is OutputFormat.CSV:
        fields = ["region", "region_code", "periodicidad", "desde", "destinatario", "correos"]
        print_csv(records, fields)
        return
    if not views:
        typer.echo("No hay protocolos. Defina uno con «cumple protocol set».")
        return
    table = Table(header_style="bold")
    for column in ("Región", "Periodicidad", "Desde", "Dirigido a", "Destinatarios"):
        table.add_column(column)
    for view in views:
        table.add_row(
            view.region,
            view.every_label,
            long_date(view.since),
            view.recipient_title,
            "\n".join(view.recipients),
        )
    console().print(table)
