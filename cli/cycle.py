"""``cumple run``, ``cumple serve`` and ``cumple outbox``."""

from __future__ import annotations

import asyncio
from typing import Annotated

import typer
from rich.table import Table

from cli.render import (
    OUTBOX_LABELS,
    FormatOption,
    OutputFormat,
    console,
    outbox_count,
    plain,
    print_csv,
    print_json,
)
from cli.runtime import (
    DatabaseUrlOption,
    DataDirOption,
    UserError,
    open_runtime,
    option_date,
    start_logging,
)
from config.i18n import plural


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
    reminders = plural(report.reminders, "{n} recordatorio", "{n} recordatorios")
    messages = plural(report.messages, "{n} correo", "{n} correos")
    typer.echo(
        f"Ciclo del {day:%d-%m-%Y}: {reminders} en {messages}; "
        f"{plural(report.sent, '{n} enviado', '{n} enviados')}, "
        f"{plural(report.retrying, '{n} en reintento', '{n} en reintento')}, "
        f"{plural(report.failed, '{n} fallido', '{n} fallidos')} ({where})."
    )
    if report.packages:
        typer.echo(
            plural(
                report.packages,
                "{n} paquete de información armado y enviado.",
                "{n} paquetes de información armados y enviados.",
            )
        )
    if report.package_failures:
        failures = plural(
            report.package_failures,
            "{n} paquete no se pudo armar",
            "{n} paquetes no se pudieron armar",
        )
        typer.echo(f"{failures}; véalos con «cumple status» (se reintentan en el próximo ciclo).")
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
        typer.Option(
            "--status",
            help="«failed» (fallidos, por defecto), «pending» (pendientes), «sending» (en envío) "
            "o «sent» (enviados).",
            show_default=False,
        ),
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
        choices = ", ".join(f"«{value}» ({OUTBOX_LABELS[value]})" for value in sorted(allowed))
        raise UserError(f"--status «{status}» no existe; use {choices}.")
    rows = by_status(runtime.engine, status)
    records = [
        {
            "id": row.id,
            "fecha_ciclo": row.cycle_date.isoformat() if row.cycle_date else None,
            "destinatario": row.recipient,
            "asunto": row.subject,
            "estado": row.status if output is OutputFormat.JSON else OUTBOX_LABELS[row.status],
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
    order = [s.value for s in OutboxStatus]
    summary = ", ".join(
        outbox_count(name, totals[name]) for name in order if totals.get(name)
    )  # fmt: skip
    typer.echo(f"Cola de salida: {summary or 'vacía'}.")
    if not records:
        typer.echo(f"No hay correos en estado «{OUTBOX_LABELS[status]}».")
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
