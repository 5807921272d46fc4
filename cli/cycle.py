"""``cumple run``, ``cumple serve`` and ``cumple outbox``."""

from __future__ import annotations

import asyncio
from typing import Annotated

import typer
from rich.table import Table

from cli.render import FormatOption, OutputFormat, console, plain, print_csv, print_json
from cli.runtime import (
    DatabaseUrlOption,
    DataDirOption,
    UserError,
    open_runtime,
    option_date,
    start_logging,
)


def register(app: typer.Typer) -> None:
    from cli.report import report_command

    app.command("report")(report_command)
    app.command("run")(run_command)
    app.command("serve")(serve_command)
    app.command("outbox")(outbox_command)


def run_command(
    date: Annotated[
        str | None,
        typer.Option("--date", help="Fecha del ciclo AAAA-MM-DD (por defecto, hoy)."),
    ] = None,
    output: Annotated[
        OutputFormat, typer.Option("--format", help="Salida: table o json.")
    ] = OutputFormat.TABLE,
    database_url: DatabaseUrlOption = None,
    data_dir: DataDirOption = None,
) -> None:
    """Ejecuta un ciclo diario: plazos, recordatorios y envío del correo."""
    from flows.cycle import run_cycle

    runtime = open_runtime(database_url, data_dir)
    start_logging(runtime.settings)
    day = option_date(date, "--date") or runtime.today()
    report = asyncio.run(run_cycle(runtime.settings, day))
    if output is OutputFormat.JSON:
        print_json([report.record()])
        return
    where = (
        f"servidor SMTP {runtime.settings.smtp_host}"
        if runtime.settings.smtp_host
        else f"{runtime.settings.mail_dir.resolve()}"
    )
    typer.echo(
        f"Ciclo del {day:%d-%m-%Y}: {report.reminders} recordatorios en {report.messages} "
        f"correos; enviados {report.sent}, en reintento {report.retrying}, "
        f"fallidos {report.failed} ({where})."
    )
    if report.packages:
        typer.echo(f"Paquetes de información armados y enviados: {report.packages}.")
    if report.package_failures:
        typer.echo(
            f"Paquetes que no se pudieron armar: {report.package_failures}; "
            "véalos con «cumple status» (se reintentan en el próximo ciclo)."
        )
    if report.failed:
        typer.echo("Revise los correos no entregados con «cumple outbox».")


def serve_command(
    host: Annotated[str, typer.Option("--host", help="Dirección de escucha.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="Puerto.", min=1, max=65535)] = 8000,
    no_scheduler: Annotated[
        bool,
        typer.Option(
            "--no-scheduler",
            help="Solo la web: los horarios los ejecutan workers de Prefect u otro proceso.",
        ),
    ] = False,
    database_url: DatabaseUrlOption = None,
    data_dir: DataDirOption = None,
) -> None:
    """Aplicación web y programador de tareas en un solo proceso."""
    import os

    import uvicorn

    from web.app import create_app

    runtime = open_runtime(database_url, data_dir)
    # Scheduled jobs read their settings from the environment.
    os.environ["CUMPLE_DATABASE_URL"] = runtime.settings.database_url
    os.environ["CUMPLE_DATA_DIR"] = str(runtime.settings.data_dir.resolve())
    start_logging(runtime.settings)
    schedule = (
        "sin programador"
        if no_scheduler
        else f"ciclo diario a las {runtime.settings.cycle_time} ({runtime.settings.timezone})"
    )
    typer.echo(f"cumple en http://{host}:{port} — {schedule}")
    app = create_app(runtime.settings, with_scheduler=not no_scheduler)
    uvicorn.run(app, host=host, port=port, log_config=None)


def outbox_command(
    status: Annotated[
        str | None,
        typer.Option("--status", help="pending, sending, sent o failed (por defecto, failed)."),
    ] = "failed",
    output: FormatOption = OutputFormat.TABLE,
    database_url: DatabaseUrlOption = None,
    data_dir: DataDirOption = None,
) -> None:
    """Correos en la cola de salida; por defecto, los que no se pudieron entregar."""
    from models.reminders import OutboxStatus
    from notifications.outbox import by_status, counts

    runtime = open_runtime(database_url, data_dir)
    allowed = {s.value for s in OutboxStatus}
    if status not in allowed:
        raise UserError(f"--status «{status}» no existe; use {', '.join(sorted(allowed))}.")
    rows = by_status(runtime.engine, status)
    records = [
        {
            "id": row.id,
            "fecha_ciclo": row.cycle_date.isoformat() if row.cycle_date else None,
            "destinatario": row.recipient,
            "asunto": row.subject,
            "estado": row.status,
            "intentos": row.attempts,
            "error": row.last_error,
        }
        for row in rows
    ]
    if output is OutputFormat.JSON:
        print_json(records)
        return
    if output is OutputFormat.CSV:
        print_csv(records, list(records[0]) if records else ["id"])
        return
    totals = counts(runtime.engine)
    summary = ", ".join(f"{count} {name}" for name, count in sorted(totals.items())) or "vacía"
    typer.echo(f"Cola de salida: {summary}.")
    if not records:
        typer.echo(f"No hay correos en estado «{status}».")
        return
    table = Table(header_style="bold")
    for column in ("N°", "Ciclo", "Destinatario", "Asunto", "Intentos", "Error"):
        table.add_column(column)
    for record in records:
        table.add_row(
            str(record["id"]),
            str(record["fecha_ciclo"] or ""),
            plain(str(record["destinatario"])),
            plain(str(record["asunto"])),
            str(record["intentos"]),
            plain(str(record["error"] or "")),
        )
    console().print(table)
