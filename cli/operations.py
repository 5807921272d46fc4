"""``cumple status``, ``cumple deliver``, ``cumple backup``,
``cumple restore`` and ``cumple deploy``: running an installation."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated
from zoneinfo import ZoneInfo

import typer
from babel.numbers import format_decimal

from cli.render import OutputFormat, delivery_summary, outbox_count, print_json
from cli.runtime import DatabaseUrlOption, DataDirOption, UserError, open_runtime, start_logging
from config.i18n import number, plural
from models.dates import format_long
from operations.status import MailLimits, orchestrator_label


def register(app: typer.Typer) -> None:
    app.command("status")(status_command)
    app.command("deliver")(deliver_command)
    app.command("backup")(backup_command)
    app.command("restore")(restore_command)
    app.command("deploy")(deploy_command)


def _moment(value: datetime | None, zone: object) -> str:
    if value is None:
        return "—"
    return value.astimezone(zone).strftime("%d-%m-%Y %H:%M")  # type: ignore[arg-type]


def _clip(text: str, limit: int = 200) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _limits_json(limits: MailLimits | None) -> dict[str, object] | None:
    if limits is None:
        return None
    return {
        "enviados_hoy": limits.used_today,
        "cuota_diaria": limits.daily_quota,
        "tope_por_minuto": limits.rate_cap,
        "tasa_actual_por_minuto": limits.current_rate,
        "en_pausa_hasta": limits.throttled_until.isoformat() if limits.throttled_until else None,
        "en_espera_por_limites": limits.waiting,
        "rechazos_por_exceso": limits.refusals,
    }


def _limits_lines(limits: MailLimits | None, zone: ZoneInfo) -> list[str]:
    """The provider's caps as ``cumple status`` prints them (Spanish)."""
    if limits is None:
        return []
    sent = plural(limits.used_today, "{n} correo entregado hoy", "{n} correos entregados hoy")
    quota = f" de una cuota diaria de {number(limits.daily_quota)}" if limits.daily_quota else ""
    if limits.rate_cap:
        rate = f"tope de {plural(limits.rate_cap, '{n} correo', '{n} correos')} por minuto"
    else:
        rate = "sin tope por minuto configurado"
    if limits.current_rate and limits.current_rate != limits.rate_cap:
        rate += (
            f", reducido a {plural(limits.current_rate, '{n} correo', '{n} correos')} por "
            "minuto tras rechazos del servidor"
        )
    lines = [f"Límites del proveedor de correo: {sent}{quota}; {rate}."]
    if limits.throttled_until:
        lines.append(
            f"El servidor SMTP pidió esperar: envíos en pausa hasta el "
            f"{_moment(limits.throttled_until, zone)} («{_clip(limits.last_reply or '')}»)."
        )
    if limits.waiting:
        lines.append(
            plural(
                limits.waiting,
                "{n} correo espera por los límites del proveedor.",
                "{n} correos esperan por los límites del proveedor.",
            )
        )
    return lines


def status_command(
    output: Annotated[
        OutputFormat, typer.Option("--format", help="Salida: table o json.")
    ] = OutputFormat.TABLE,
    database_url: DatabaseUrlOption = None,
    data_dir: DataDirOption = None,
) -> None:
    """Cola de salida, último ciclo exitoso, fallas y próximas ejecuciones."""
    from operations.status import gather_status

    runtime = open_runtime(database_url, data_dir)
    zone = runtime.settings.zone
    status = gather_status(runtime.engine, runtime.settings, datetime.now(UTC))
    if output is OutputFormat.JSON:
        last = status.last_success
        print_json(
            [
                {
                    "cola": status.queue,
                    "por_enviar_ahora": status.due_now,
                    "pendiente_mas_antiguo": status.oldest_waiting.isoformat()
                    if status.oldest_waiting
                    else None,
                    "ultimo_ciclo_exitoso": {
                        "fecha": last.cycle_date.isoformat(),
                        "termino": last.finished_at.isoformat() if last.finished_at else None,
                        "orquestador": last.orchestrator,
                        "correos": last.messages,
                        "enviados": last.sent,
                        "fallidos": last.failed,
                    }
                    if last
                    else None,
                    "ciclos_interrumpidos": [
                        {"fecha": run.cycle_date.isoformat(), "inicio": run.started_at.isoformat()}
                        for run in status.interrupted
                    ],
                    "correos_fallidos": [
                        {"id": f.id, "destinatario": f.recipient, "error": f.error}
                        for f in status.failed
                    ],
                    "fallas_sin_resolver": [
                        {
                            "tipo": f.kind,
                            "que": f.subject,
                            "error": f.error,
                            "ciclo": f.cycle_date.isoformat(),
                            "desde": f.created_at.isoformat(),
                        }
                        for f in status.failures
                    ],
                    "proximas_ejecuciones": [
                        {"nombre": run.name, "cuando": run.at.isoformat()}
                        for run in status.next_runs
                    ],
                    "limites_smtp": _limits_json(status.mail_limits),
                }
            ]
        )
        return
    queue = status.queue
    typer.echo(f"Base de datos: {runtime.settings.safe_database_url()}")
    typer.echo(
        f"Cola de salida: {outbox_count('pending', queue.get('pending', 0))} "
        f"({plural(status.due_now, '{n} por enviar ahora', '{n} por enviar ahora')}), "
        f"{outbox_count('sending', queue.get('sending', 0))}, "
        f"{outbox_count('sent', queue.get('sent', 0))}, "
        f"{outbox_count('failed', queue.get('failed', 0))}."
    )
    if status.oldest_waiting:
        typer.echo(f"Pendiente más antiguo desde: {_moment(status.oldest_waiting, zone)}.")
    last = status.last_success
    if last is None:
        typer.echo("Último ciclo exitoso: ninguno todavía.")
    else:
        typer.echo(
            f"Último ciclo exitoso: {format_long(last.cycle_date)}, terminado el "
            f"{_moment(last.finished_at, zone)} ({orchestrator_label(last.orchestrator)}); "
            f"{plural(last.messages, '{n} correo', '{n} correos')}, "
            f"{outbox_count('sent', last.sent)}, {outbox_count('failed', last.failed)}."
        )
    for run in status.interrupted:
        typer.echo(
            f"Ciclo interrumpido: {format_long(run.cycle_date)}, iniciado el "
            f"{_moment(run.started_at, zone)} y nunca terminado."
        )
    if status.failed:
        typer.echo(f"Correos fallidos más recientes ({number(len(status.failed))}):")
        for failed in status.failed:
            typer.echo(f"  N° {failed.id} a {failed.recipient}: {failed.error or 'sin detalle'}")
        typer.echo("Véalos todos con «cumple outbox».")
    if status.failures:
        typer.echo(f"Fallas sin resolver ({number(len(status.failures))}):")
        for failure in status.failures:
            typer.echo(
                f"  {failure.subject}: {_clip(failure.error)} "
                f"(último intento: ciclo del {format_long(failure.cycle_date)})"
            )
        typer.echo("Se reintentan en cada ciclo diario y se cierran cuando resultan.")
    for line in _limits_lines(status.mail_limits, zone):
        typer.echo(line)
    typer.echo(f"Próximas ejecuciones ({runtime.settings.timezone}):")
    for run in status.next_runs:
        typer.echo(f"  {_moment(run.at, zone)}  {run.name} — {run.description}")


def deliver_command(
    retry_now: Annotated[
        bool,
        typer.Option(
            "--retry-now",
            help="Reintentar ya los correos en espera (p. ej., tras reparar el servidor SMTP).",
        ),
    ] = False,
    database_url: DatabaseUrlOption = None,
    data_dir: DataDirOption = None,
) -> None:
    """Envía ahora los correos pendientes de la cola de salida."""
    from notifications.delivery import deliver

    runtime = open_runtime(database_url, data_dir)
    start_logging(runtime.settings)
    report = asyncio.run(
        deliver(
            runtime.engine,
            runtime.settings,
            now=datetime.now(UTC),
            concurrency=runtime.settings.smtp_concurrency,
            ignore_backoff=retry_now,
        )
    )
    typer.echo(f"Entrega: {delivery_summary(report)}.")


def backup_command(
    out: Annotated[
        Path | None,
        typer.Option("--out", help="Archivo de respaldo (por defecto, DATA_DIR/respaldos/…)."),
    ] = None,
    database_url: DatabaseUrlOption = None,
    data_dir: DataDirOption = None,
) -> None:
    """Respaldo en línea de la base de datos (SQLite: API de respaldo; PostgreSQL: pg_dump)."""
    from operations.backup import backup, default_name

    runtime = open_runtime(database_url, data_dir)
    url = runtime.settings.database_url
    runtime.engine.dispose()
    target = out or runtime.settings.data_dir / "respaldos" / default_name(url, datetime.now())
    result = backup(url, target)
    size = format_decimal(result.size, locale="es_CL")
    typer.echo(f"Respaldo listo: {result.path} ({size} bytes, {result.backend}).")


def restore_command(
    source: Annotated[
        Path, typer.Argument(help="Archivo creado por «cumple backup».", metavar="ARCHIVO")
    ],
    yes: Annotated[
        bool, typer.Option("--yes", help="Confirma que se reemplaza el contenido actual.")
    ] = False,
    database_url: DatabaseUrlOption = None,
    data_dir: DataDirOption = None,
) -> None:
    """Reemplaza el contenido de la base de datos por un respaldo."""
    from models.schema import ensure_ready
    from operations.backup import restore

    runtime = open_runtime(database_url, data_dir, require_schema=False)
    if not yes:
        raise UserError(
            f"restaurar {source} reemplaza todo el contenido de "
            f"{runtime.settings.safe_database_url()}; repita con --yes para confirmar."
        )
    url = runtime.settings.database_url
    runtime.engine.dispose()
    backend = restore(url, source)
    typer.echo(f"Base de datos restaurada desde {source} ({backend}).")
    try:
        ensure_ready(runtime.engine)
    except Exception:
        typer.echo(
            "El respaldo es de una versión anterior: ejecute «cumple init» para actualizarlo."
        )


def deploy_command(
    work_pool: Annotated[
        str, typer.Option("--work-pool", help="Work pool de Prefect (tipo process).")
    ] = "cumple",
    paused: Annotated[
        bool, typer.Option("--paused", help="Registrar los horarios en pausa.")
    ] = False,
    database_url: DatabaseUrlOption = None,
    data_dir: DataDirOption = None,
) -> None:
    """Registra los flujos como deployments de Prefect con los horarios declarados."""
    from flows.cycle import prefect_api_configured, prefect_environment
    from flows.deployments import deploy, deployment_specs

    runtime = open_runtime(database_url, data_dir)
    if not prefect_api_configured():
        raise UserError(
            "no hay servidor de Prefect configurado: defina PREFECT_API_URL "
            "(p. ej., http://127.0.0.1:4200/api) y vuelva a ejecutar «cumple deploy»."
        )
    with prefect_environment(runtime.settings):
        try:
            names = asyncio.run(deploy(runtime.settings, work_pool, paused=paused))
        except Exception as exc:
            if exc.__class__.__module__.startswith(("httpx", "prefect")):
                raise UserError(f"Prefect no aceptó los deployments: {exc}") from None
            raise
    for spec, name in zip(deployment_specs(runtime.settings), names, strict=True):
        typer.echo(
            f"Deployment {name}: «{spec.cron}» ({spec.timezone}) en el work pool {work_pool}."
        )
    typer.echo(
        f"Inicie al menos un worker: prefect worker start --pool {work_pool} "
        "(con las mismas variables CUMPLE_* que esta instalación)."
    )
