"""``cumple report``: build a región's information package on demand."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from sqlmodel import Session

from cli.render import delivery_summary
from cli.runtime import DatabaseUrlOption, DataDirOption, UserError, open_runtime
from cli.write_errors import refused_writes
from config.i18n import plural
from models.dates import format_long
from models.money import format_clp
from tracking.lookup import find_region

if TYPE_CHECKING:
    from reports.build import BuiltPackage


def report_command(
    region: Annotated[str, typer.Option("--region", help="Región (nombre, número o numeral).")],
    period: Annotated[
        str,
        typer.Option(
            "--period",
            help="AAAA-QN (trimestre), AAAA-SN, AAAA-CN o AAAA-MM; AAAA-ARI o AAAA-IRAL "
            "(instrumentos del año AAAA, armados al día de hoy).",
        ),
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
    """Arma el paquete de información de una región para un periodo, o su ARI o IRAL."""
    from models.calendar import calendar_for
    from models.protocols import instrument_of
    from notifications.delivery import deliver
    from reports.build import build_package
    from reports.dispatch import record_package
    from reports.periods import PeriodError, due_on, parse_period
    from tracking.protocols import default_title, protocol_for, recipients_of

    runtime = open_runtime(database_url, data_dir)
    try:
        chosen = parse_period(period)
    except PeriodError as exc:
        raise UserError(f"--period: {exc}.") from None
    today = runtime.today()
    if chosen.is_instrument and preliminary:
        raise UserError(
            f"{chosen.key} es una proyección al día en que se arma: no lleva --preliminar."
        )
    if chosen.end >= today and not preliminary and not chosen.is_instrument:
        raise UserError(
            f"El periodo {chosen.key} termina el {format_long(chosen.end)}: su paquete se arma "
            f"desde el {format_long(chosen.end + timedelta(days=1))}. Para un borrador del "
            "periodo en curso use --preliminar (queda marcado PRELIMINAR)."
        )
    if preliminary and send:
        raise UserError("Un paquete preliminar no se envía; quite --send o --preliminar.")
    with Session(runtime.engine) as session:
        found = find_region(session, region)
        if chosen.is_instrument:
            due = due_on(chosen, calendar_for(found.iso_code))
            protocol = protocol_for(session, found.id, due, instrument_of(chosen.kind.value))
        else:
            protocol = protocol_for(session, found.id, chosen.start)
        recipients = recipients_of(session, protocol)
    if send and not recipients:
        every = f" --every {chosen.kind.value}" if chosen.is_instrument else ""
        raise UserError(
            f"La {found.official_name} no tiene protocolo con destinatarios: "
            f"defínalo con «cumple protocol set --region ... --to ...{every}»."
        )
    if out is not None and out.exists() and not out.is_dir():
        raise UserError(f"--out: «{out}» existe y no es una carpeta.")
    now = datetime.now(UTC)
    # The folder the user can act on: --out, else the reports folder (a
    # failed temporary folder's name would mean nothing to them).
    where = out or runtime.settings.reports_dir
    hint = (
        "Elija otra carpeta con --out."
        if out is not None
        else "Revise los permisos y el espacio de esa carpeta (CUMPLE_DATA_DIR) o elija otra "
        "con --out."
    )
    with refused_writes(where, what="el paquete en ", hint=hint):
        built = build_package(
            runtime.engine, runtime.settings, found, chosen, out=out, now=now,
            preliminary=preliminary and chosen.end >= today,
        )  # fmt: skip
    title = protocol.recipient_title if protocol else default_title(found)
    preliminary_built = getattr(built.figures, "preliminary", False)
    record_package(
        runtime.engine,
        runtime.settings,
        built,
        recipients if send else [],
        title,
        now,
        automatic=False,
        preliminary=preliminary_built,
    )
    if not preliminary_built and not chosen.is_instrument:
        # A new build of the period makes its public version stale: rebuild
        # it now (only when the región is published) rather than at the cycle.
        from reports.public_package import refresh_public_packages

        refresh_public_packages(runtime.engine, runtime.settings, day=today, region_id=found.id)
    typer.echo(_summary_line(built, chosen.label))
    for path in built.files:
        typer.echo(f"  {path}")
    if send:
        report = asyncio.run(deliver(runtime.engine, runtime.settings, now=now, concurrency=2))
        typer.echo(f"Enviado a {', '.join(recipients)}: {delivery_summary(report)}.")


def _summary_line(built: BuiltPackage, label: str) -> str:
    """``Paquete de la Región de …, <periodo>: N compromisos, …``."""
    from reports.figures import PeriodFigures

    figures = built.figures
    if not isinstance(figures, PeriodFigures):
        total = figures.total
        return (
            f"{label} de la {built.region_name}, al {format_long(figures.day)}: "
            f"{plural(total.commitments, '{n} compromiso', '{n} compromisos')} "
            f"({total.without_amount} sin monto), "
            f"{format_clp(total.amount)}."
        )
    mark = "Paquete PRELIMINAR" if figures.preliminary else "Paquete"
    return (
        f"{mark} de la {built.region_name}, {label}: "
        f"{plural(figures.total.commitments, '{n} compromiso', '{n} compromisos')}, "
        f"{plural(figures.total.overdue, '{n} vencido al cierre', '{n} vencidos al cierre')}."
    )
