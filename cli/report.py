"""``cumple report``: build a región's information package on demand."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Annotated

import typer
from sqlmodel import Session

from cli.render import delivery_summary
from cli.runtime import DatabaseUrlOption, DataDirOption, UserError, open_runtime
from config.i18n import plural
from models.dates import format_long
from tracking.lookup import find_region


def report_command(
    region: Annotated[str, typer.Option("--region", help="Región (nombre, número o numeral).")],
    period: Annotated[
        str,
        typer.Option("--period", help="AAAA-QN (trimestre), AAAA-SN, AAAA-CN o AAAA-MM."),
    ],
    out: Annotated[
        Path | None,
        typer.Option("--out", help="Carpeta de salida (por defecto, DATA_DIR/reports/...)."),
    ] = None,
    send: Annotated[
        bool, typer.Option("--send", help="Envía el paquete a los destinatarios del protocolo.")
    ] = False,
    preliminary: Annotated[
        bool,
        typer.Option(
            "--preliminar",
            help="Arma un borrador de un periodo en curso, marcado PRELIMINAR (no se envía).",
        ),
    ] = False,
    database_url: DatabaseUrlOption = None,
    data_dir: DataDirOption = None,
) -> None:
    """Arma el paquete de información de una región para un periodo."""
    from notifications.delivery import deliver
    from reports.build import build_package
    from reports.dispatch import record_package
    from reports.periods import PeriodError, parse_period
    from tracking.protocols import default_title, protocol_for, recipients_of

    runtime = open_runtime(database_url, data_dir)
    try:
        chosen = parse_period(period)
    except PeriodError as exc:
        raise UserError(f"--period: {exc}.") from None
    today = runtime.today()
    if chosen.end >= today and not preliminary:
        raise UserError(
            f"El periodo {chosen.key} termina el {format_long(chosen.end)}: su paquete se arma "
            f"desde el {format_long(chosen.end + timedelta(days=1))}. Para un borrador del "
            "periodo en curso use --preliminar (queda marcado PRELIMINAR)."
        )
    if preliminary and send:
        raise UserError("Un paquete preliminar no se envía; quite --send o --preliminar.")
    with Session(runtime.engine) as session:
        found = find_region(session, region)
        protocol = protocol_for(session, found.id, chosen.start)
        recipients = recipients_of(session, protocol)
    if send and not recipients:
        raise UserError(
            f"La {found.official_name} no tiene protocolo con destinatarios: "
            "defínalo con «cumple protocol set --region ... --to ...»."
        )
    if out is not None and out.exists() and not out.is_dir():
        raise UserError(f"--out: «{out}» existe y no es una carpeta.")
    now = datetime.now(UTC)
    try:
        built = build_package(
            runtime.engine, runtime.settings, found, chosen, out=out, now=now,
            preliminary=preliminary and chosen.end >= today,
        )  # fmt: skip
    except OSError as exc:
        where = exc.filename or out or runtime.settings.reports_dir
        raise UserError(
            f"No se pudo escribir el paquete en «{where}»: {exc.strerror or exc}."
        ) from None
    title = protocol.recipient_title if protocol else default_title(found)
    record_package(
        runtime.engine,
        runtime.settings,
        built,
        recipients if send else [],
        title,
        now,
        automatic=False,
        preliminary=built.figures.preliminary,
    )
    if not built.figures.preliminary:
        # A new build of the period makes its public version stale: rebuild
        # it now (only when the región is published) rather than at the cycle.
        from reports.public_package import refresh_public_packages

        refresh_public_packages(runtime.engine, runtime.settings, day=today, region_id=found.id)
    total = built.figures.total
    mark = "Paquete PRELIMINAR" if built.figures.preliminary else "Paquete"
    typer.echo(
        f"{mark} de la {built.region_name}, {chosen.label}: "
        f"{plural(total.commitments, '{n} compromiso', '{n} compromisos')}, "
        f"{plural(total.overdue, '{n} vencido al cierre', '{n} vencidos al cierre')}."
    )
    for path in built.files:
        typer.echo(f"  {path}")
    if send:
        report = asyncio.run(deliver(runtime.engine, runtime.settings, now=now, concurrency=2))
        typer.echo(f"Enviado a {', '.join(recipients)}: {delivery_summary(report)}.")
