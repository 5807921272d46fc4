"""``cumple portal``: what the public transparency portal (``/publico/``)
shows. Nothing is public until a región is enabled; a commitment can be
withheld from it with a reason (Ley 19.628). Enabling a región, withholding
and releasing a commitment build again the public versions of the región's
information packages that the decision changes; ``refresh`` builds the
missing or stale ones."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer
from sqlmodel import Session

from cli.runtime import (
    ActorOption,
    DatabaseUrlOption,
    DataDirOption,
    Runtime,
    actor_name,
    open_runtime,
)
from config.i18n import plural

if TYPE_CHECKING:
    from reports.public_package import RefreshReport
    from tracking.public_packages import PublicPackage

app = typer.Typer(help="Portal público de transparencia (/publico/).", no_args_is_help=True)

RegionOption = Annotated[
    str, typer.Option("--region", help="Región por nombre, número o numeral romano.")
]
CommitmentArgument = Annotated[
    int, typer.Argument(help="Número del compromiso.", metavar="N", min=1, max=2**31 - 1)
]


@app.command("enable")
def enable_command(
    region: RegionOption,
    by: ActorOption = None,
    database_url: DatabaseUrlOption = None,
    data_dir: DataDirOption = None,
) -> None:
    """Publica una región en el portal: sus compromisos no reservados quedan a la vista
    de cualquiera, sin datos de personas."""
    from tracking.portal import enable_region

    runtime = open_runtime(database_url, data_dir)
    with Session(runtime.engine) as session:
        found, created = enable_region(session, region, actor_name(by))
        name, region_id = found.official_name, found.id
        session.commit()
    if created:
        typer.echo(f"La {name} quedó publicada en el portal.")
    else:
        typer.echo(f"La {name} ya estaba publicada; no cambió nada.")
    _echo_refresh(_refresh(runtime, region_id), quiet_when_current=True)


@app.command("disable")
def disable_command(
    region: RegionOption,
    database_url: DatabaseUrlOption = None,
    data_dir: DataDirOption = None,
) -> None:
    """Retira una región del portal: sus páginas responden «no encontrada»."""
    from tracking.portal import disable_region

    runtime = open_runtime(database_url, data_dir)
    with Session(runtime.engine) as session:
        name = disable_region(session, region).official_name
        session.commit()
    typer.echo(f"La {name} ya no está publicada en el portal.")


@app.command("withhold")
def withhold_command(
    commitment_id: CommitmentArgument,
    reason: Annotated[str, typer.Option("--reason", help="Por qué no se publica.")],
    by: ActorOption = None,
    database_url: DatabaseUrlOption = None,
    data_dir: DataDirOption = None,
) -> None:
    """Reserva un compromiso: no aparece en ninguna página del portal."""
    from tracking.portal import withhold

    runtime = open_runtime(database_url, data_dir)
    with Session(runtime.engine) as session:
        region_id = withhold(session, commitment_id, reason, actor_name(by))
        session.commit()
    typer.echo(f"El compromiso N° {commitment_id} quedó reservado: no se publica.")
    _echo_refresh(_refresh(runtime, region_id), quiet_when_current=True)


@app.command("release")
def release_command(
    commitment_id: CommitmentArgument,
    database_url: DatabaseUrlOption = None,
    data_dir: DataDirOption = None,
) -> None:
    """Deja de reservar un compromiso: vuelve al portal si su región está publicada."""
    from tracking.portal import release

    runtime = open_runtime(database_url, data_dir)
    with Session(runtime.engine) as session:
        region_id = release(session, commitment_id)
        session.commit()
    typer.echo(f"El compromiso N° {commitment_id} ya no está reservado.")
    _echo_refresh(_refresh(runtime, region_id), quiet_when_current=True)


@app.command("refresh")
def refresh_command(
    region: Annotated[
        str | None,
        typer.Option("--region", help="Solo esta región (nombre, número o numeral romano)."),
    ] = None,
    database_url: DatabaseUrlOption = None,
    data_dir: DataDirOption = None,
) -> None:
    """Arma las versiones públicas que faltan o quedaron desactualizadas de los paquetes
    de información de las regiones publicadas."""
    from tracking.portal import published

    runtime = open_runtime(database_url, data_dir)
    region_id = None
    if region is not None:
        with Session(runtime.engine) as session:
            region_id = published(session, region).id
    report = _refresh(runtime, region_id)
    if not (report.built or report.current or report.failed):
        typer.echo("No hay paquetes de información de regiones publicadas: nada que armar.")
        return
    _echo_refresh(report, quiet_when_current=False)
    if report.failed:
        raise typer.Exit(1)


def _refresh(runtime: Runtime, region_id: int | None) -> RefreshReport:
    import logging

    from reports.public_package import log, refresh_public_packages

    # A failure is said in Spanish below and recorded for ``cumple status``;
    # without a configured log its traceback would reach the terminal.
    if not log.hasHandlers():
        log.addHandler(logging.NullHandler())

    return refresh_public_packages(
        runtime.engine, runtime.settings, day=runtime.today(), region_id=region_id
    )


def _echo_refresh(report: RefreshReport, *, quiet_when_current: bool) -> None:
    """What a refresh did, in Spanish: each version built or failed, then
    the counts (left out after a decision that changed nothing public)."""
    from reports.periods import parse_period

    def where(package: PublicPackage) -> str:
        label = parse_period(package.period).label
        return f"{package.region.official_name}, {label} ({package.period})"

    for package in report.built:
        typer.echo(f"Versión pública armada: {where(package)}.")
    for package, error in report.failed:
        typer.echo(f"No se pudo armar la versión pública de {where(package)}: {error}", err=True)
    if quiet_when_current and not (report.built or report.failed):
        return
    counts = [
        plural(len(report.built), "{n} versión pública armada", "{n} versiones públicas armadas"),
        plural(len(report.current), "{n} ya estaba al día", "{n} ya estaban al día"),
    ]
    if report.failed:
        counts.append(plural(len(report.failed), "{n} con error", "{n} con errores"))
    typer.echo(", ".join(counts) + ".")


@app.command("list")
def list_command(database_url: DatabaseUrlOption = None, data_dir: DataDirOption = None) -> None:
    """Lista las regiones publicadas y los compromisos reservados."""
    from tracking.portal import decisions

    runtime = open_runtime(database_url, data_dir)
    zone = runtime.settings.zone
    with Session(runtime.engine) as session:
        published, withheld = decisions(session)
    if not published:
        typer.echo("Ninguna región está publicada en el portal.")
    else:
        typer.echo(plural(len(published), "{n} región publicada:", "{n} regiones publicadas:"))
    for item in published:
        when = item.enabled_at.astimezone(zone).strftime("%Y-%m-%d %H:%M")
        typer.echo(f"  {item.region}\tdesde el {when}\tpor {item.enabled_by}")
    typer.echo(
        plural(len(withheld), "{n} compromiso reservado", "{n} compromisos reservados")
        + (":" if withheld else ".")
    )
    for held in withheld:
        when = held.withheld_at.astimezone(zone).strftime("%Y-%m-%d %H:%M")
        typer.echo(
            f"  N° {held.commitment_id} ({held.region})\t{held.reason}\t"
            f"el {when} por {held.withheld_by}"
        )


# Registered here so that ``cumple portal --help`` lists it with the others.
from cli.portal_export import export_command  # noqa: E402

app.command("export")(export_command)
