"""``cumple portal export --out DIR``: the public portal as a static site,
for a municipality's own web server (see :mod:`web.static_export` for
what is exported, how links are made relative and what happens to the
filter forms)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cli.runtime import DatabaseUrlOption, DataDirOption, UserError, open_runtime, option_date
from config.i18n import plural
from models.money import format_bytes


def export_command(
    out: Annotated[
        Path,
        typer.Option(
            "--out",
            help="Carpeta nueva o vacía donde escribir el sitio (se crea si no existe).",
            show_default=False,
        ),
    ],
    date: Annotated[
        str | None,
        typer.Option(
            "--date",
            help="Exporta el portal tal como estaba en esa fecha AAAA-MM-DD (por defecto, hoy).",
            show_default=False,
        ),
    ] = None,
    force: Annotated[
        bool,
        typer.Option("--force", help="Reemplaza el contenido de la carpeta si no está vacía."),
    ] = False,
    database_url: DatabaseUrlOption = None,
    data_dir: DataDirOption = None,
) -> None:
    """Exporta el portal público como sitio estático (páginas, sitemap, canales Atom y
    descargas), con enlaces relativos, para publicarlo en otro servidor web. Los
    formularios (filtros, otra fecha) no funcionan sin el servidor: la copia muestra
    cada página sin filtros y enlaza a la página en línea."""
    from models.dates import format_long
    from web.static_export import ExportFailed, export_portal

    runtime = open_runtime(database_url, data_dir)
    day = option_date(date, "--date")
    if day is not None and day > runtime.today():
        raise UserError(
            f"--date: el {format_long(day)} es posterior a hoy; el portal se exporta con el "
            "estado de hoy o de una fecha pasada."
        )
    try:
        summary = export_portal(runtime.settings, out, day=day, force=force)
    except ExportFailed as exc:
        raise UserError(str(exc)) from None
    finally:
        runtime.engine.dispose()
    pages = plural(summary.pages, "{n} página", "{n} páginas")
    files = plural(summary.files, "{n} archivo", "{n} archivos")
    size = format_bytes(summary.size)
    typer.echo(f"Portal exportado en {summary.folder}: {pages} y {files}, {size}.")
