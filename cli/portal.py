"""``cumple portal``: what the public transparency portal (``/publico/``)
shows. Nothing is public until a región is enabled; a commitment can be
withheld from it with a reason (Ley 19.628)."""

from __future__ import annotations

from typing import Annotated

import typer
from sqlmodel import Session

from cli.runtime import ActorOption, DatabaseUrlOption, DataDirOption, actor_name, open_runtime
from config.i18n import plural

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
        name = found.official_name
        session.commit()
    if created:
        typer.echo(f"La {name} quedó publicada en el portal.")
    else:
        typer.echo(f"La {name} ya estaba publicada; no cambió nada.")


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
        withhold(session, commitment_id, reason, actor_name(by))
        session.commit()
    typer.echo(f"El compromiso N° {commitment_id} quedó reservado: no se publica.")


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
        release(session, commitment_id)
        session.commit()
    typer.echo(f"El compromiso N° {commitment_id} ya no está reservado.")


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
