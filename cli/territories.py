"""``cumple territory set`` (replace a territorio's comunas) and ``cumple
territory list`` (territorios with their comunas)."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import typer
from rich.table import Table
from sqlmodel import Session

from cli.render import console, plain, print_json
from cli.runtime import DatabaseUrlOption, DataDirOption, UserError, open_runtime
from config.i18n import plural
from tracking.territories import (
    ComunaRow,
    TerritoryChange,
    list_territories,
    set_territory_comunas,
)

app = typer.Typer(
    help="Territorios y sus comunas.",
    no_args_is_help=True,
    rich_markup_mode=None,
)


class ListFormat(StrEnum):
    TABLE = "table"
    JSON = "json"


RegionOption = Annotated[
    str | None,
    typer.Option("--region", help="Región (nombre, número o numeral romano)."),
]


def _names(comunas: tuple[ComunaRow, ...]) -> str:
    return ", ".join(comuna.name for comuna in comunas)


def change_lines(change: TerritoryChange) -> list[str]:
    """What ``territory set`` says it did, in Spanish."""
    view = change.territory
    lines = [f"Territorio «{view.name}» ({view.region})."]
    if not change.changed:
        lines.append("Sus comunas ya eran esas; no se cambió nada.")
    if change.added:
        lines.append(f"Comunas agregadas: {_names(change.added)}.")
    if change.removed:
        lines.append(f"Comunas quitadas: {_names(change.removed)}.")
    count = plural(len(view.comunas), "Queda con {n} comuna", "Queda con {n} comunas")
    lines.append(f"{count}: {_names(view.comunas)}.")
    if view.commitments and change.changed:
        lines.append(
            plural(
                view.commitments,
                "Su compromiso ya registrado mantiene las comunas con que se registró "
                "(el lugar de un compromiso se fija al registrarlo); el cambio vale para "
                "los compromisos que se registren desde ahora.",
                "Sus {n} compromisos ya registrados mantienen las comunas con que se "
                "registraron (el lugar de un compromiso se fija al registrarlo); el cambio "
                "vale para los compromisos que se registren desde ahora.",
            )
        )
    return lines


@app.command("set")
def set_command(
    territory: Annotated[str, typer.Argument(help="Nombre del territorio.", metavar="TERRITORIO")],
    comunas: Annotated[
        str,
        typer.Option(
            "--comunas",
            help="Comunas del territorio, separadas por comas (nombres o códigos CUT); "
            "reemplazan las que tenía.",
        ),
    ],
    region: RegionOption = None,
    database_url: DatabaseUrlOption = None,
    data_dir: DataDirOption = None,
) -> None:
    """Fija las comunas de un territorio (reemplaza las que tenía)."""
    if not comunas.strip():
        raise UserError(
            "--comunas: la lista de comunas está vacía; escriba al menos una comuna "
            '(ej.: --comunas "Ovalle, Punitaqui").'
        )
    runtime = open_runtime(database_url, data_dir)
    with Session(runtime.engine) as session:
        change = set_territory_comunas(session, territory, region, comunas)
        session.commit()
    for line in change_lines(change):
        typer.echo(line)


@app.command("list")
def list_command(
    region: RegionOption = None,
    output: Annotated[
        ListFormat, typer.Option("--format", help="Salida: table o json.")
    ] = ListFormat.TABLE,
    database_url: DatabaseUrlOption = None,
    data_dir: DataDirOption = None,
) -> None:
    """Lista los territorios con sus comunas."""
    runtime = open_runtime(database_url, data_dir)
    with Session(runtime.engine) as session:
        views = list_territories(session, region)
    if output is ListFormat.JSON:
        print_json([view.record() for view in views])
        return
    if not views:
        typer.echo("No hay territorios registrados.")
        return
    table = Table(header_style="bold")
    for name in ("Territorio", "Región", "Comunas", "Compromisos"):
        table.add_column(name, justify="right" if name == "Compromisos" else "left")
    for view in views:
        table.add_row(
            plain(view.name),
            plain(view.region),
            plain(_names(view.comunas) or "sin comunas (use «cumple territory set»)"),
            str(view.commitments),
        )
    console().print(table)


def register(app_: typer.Typer) -> None:
    """Add ``territory set`` and ``territory list`` to the console script."""
    app_.add_typer(app, name="territory")


__all__ = ["change_lines", "register"]
