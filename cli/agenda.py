"""``cumple agenda``: the tabla of a territory's next session (printed, or
written as DOCX or PDF), and ``cumple agenda --template``: the acta template."""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table
from sqlmodel import Session
from typer._click.exceptions import UsageError

from cli.render import console, plain, print_json
from cli.runtime import DatabaseUrlOption, DataDirOption, UserError, open_runtime, option_date
from cli.write_errors import refused_writes
from models.dates import format_long
from models.money import format_clp
from reports.agenda import Agenda, status_words

COLUMNS = ("N°", "Compromiso", "Institución", "Responsable", "Monto", "Vence", "Atraso",
           "Estado", "Último hecho")  # fmt: skip


ELSEWHERE = "Elija otra ubicación con --out."


class AgendaFormat(StrEnum):
    TABLE = "table"
    JSON = "json"


def _written(path: Path, what: str) -> None:
    if path.is_dir():
        raise UserError(f"--out: «{path}» es una carpeta; indique un archivo {what}.")
    if not path.parent.is_dir():
        raise UserError(f"--out: la carpeta «{path.parent}» no existe; créela primero.")


def _write_template(out: Path | None) -> None:
    from reports.whole_file import write_whole

    if out is None or out.suffix.lower() != ".docx":
        raise UserError(
            "--template necesita --out ARCHIVO.docx (la plantilla es un documento Word)."
        )
    _written(out, ".docx")
    from io import BytesIO

    from reports.agenda_template import write_acta_template

    buffer = BytesIO()
    write_acta_template(buffer, generated_at=datetime.now(UTC))
    with refused_writes(out, hint=ELSEWHERE):
        write_whole(out, buffer.getvalue())
    typer.echo(f"Plantilla de acta escrita en {out}.")
    typer.echo("Complete el encabezado y la tabla de acuerdos; léala con «cumple actas read».")


def _print_table(agenda: Agenda) -> None:
    out = console()
    day = format_long(agenda.day)
    typer.echo(f"Tabla de la sesión — {agenda.territory.name} ({agenda.territory.region_official})")
    typer.echo(f"Sesión del {day}; próxima sesión: {format_long(agenda.next_session)}.")
    typer.echo(f"Al {day}: {agenda.summary()}")
    for _, heading, items in agenda.sections():
        table = Table(title=heading, header_style="bold", title_justify="left")
        for name in COLUMNS:
            table.add_column(
                name,
                justify="right" if name in ("N°", "Monto") else "left",
                max_width=40 if name == "Compromiso" else None,
            )
        for item in items:
            view = item.view
            table.add_row(
                str(view.id), plain(view.compromiso), plain(view.institucion),
                plain(view.responsable or "—"), format_clp(view.monto, empty="—"),
                view.vencimiento.strftime("%d-%m-%Y"), item.late_words(),
                status_words(view.estado), plain(item.ultimo_hecho),
            )  # fmt: skip
        out.print(table)
    table = Table(title=f"{agenda.fulfilled_title()}, {agenda.since_words()}",
                  header_style="bold", title_justify="left")  # fmt: skip
    for name in ("N°", "Compromiso", "Institución", "Cumplido el", "Oportunidad"):
        table.add_column(name, justify="right" if name == "N°" else "left")
    for done in agenda.fulfilled:
        view = done.view
        table.add_row(
            str(view.id), plain(view.compromiso), plain(view.institucion),
            view.cumplido_el.strftime("%d-%m-%Y") if view.cumplido_el else "—",
            done.timing_words(),
        )  # fmt: skip
    out.print(table)


def agenda_command(
    ctx: typer.Context,
    territory: Annotated[
        str | None, typer.Option("--territory", help="Territorio de la sesión.")
    ] = None,
    region: Annotated[
        str | None,
        typer.Option("--region", help="Región, si el nombre del territorio se repite."),
    ] = None,
    day: Annotated[
        str | None,
        typer.Option("--date", help="Fecha de la sesión, AAAA-MM-DD (por defecto, hoy)."),
    ] = None,
    following: Annotated[
        str | None,
        typer.Option("--next", help="Fecha de la sesión siguiente (por defecto, 30 días después)."),
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option("--out", help="Archivo .docx o .pdf (sin él, se muestra la tabla)."),
    ] = None,
    output: Annotated[
        AgendaFormat, typer.Option("--format", help="Salida en pantalla: table o json.")
    ] = AgendaFormat.TABLE,
    template: Annotated[
        bool,
        typer.Option("--template", help="Escribe en --out una plantilla de acta (.docx)."),
    ] = False,
    database_url: DatabaseUrlOption = None,
    data_dir: DataDirOption = None,
) -> None:
    """Tabla de la próxima sesión de un territorio: compromisos abiertos y cumplidos."""
    if template:
        if territory or region or day or following:
            raise UsageError(
                "--template no se combina con --territory, --region, --date ni --next.", ctx
            )
        _write_template(out)
        return
    if not territory:
        raise UsageError("falta --territory (o use --template --out ARCHIVO.docx).", ctx)
    kind = out.suffix.lower().lstrip(".") if out is not None else None
    if out is not None:
        if kind not in ("docx", "pdf"):
            raise UserError(f"--out: «{out.name}» debe terminar en .docx o .pdf.")
        _written(out, ".docx o .pdf")
    runtime = open_runtime(database_url, data_dir)
    when = option_date(day, "--date") or runtime.today()
    next_session = option_date(following, "--next")
    if next_session is not None and next_session <= when:
        raise UserError(
            f"--next: la sesión siguiente ({format_long(next_session)}) debe ser posterior a "
            f"la de la tabla ({format_long(when)})."
        )
    from reports.agenda_load import load_agenda, resolve_territory

    with Session(runtime.engine) as session:
        found = resolve_territory(session, territory, region)
        agenda = load_agenda(session, found, when, next_session)
    if out is None:
        if output is AgendaFormat.JSON:
            print_json(agenda.records())
        else:
            _print_table(agenda)
        return
    from reports.agenda_files import write_agenda

    with refused_writes(out, hint=ELSEWHERE):
        write_agenda(out, agenda, generated_at=datetime.now(UTC))
    typer.echo(f"Tabla de la sesión de {found.name} del {format_long(when)}: {agenda.summary()}")
    typer.echo(f"  {out}")


def register(app: typer.Typer) -> None:
    """Add ``agenda`` to the console script."""
    app.command("agenda")(agenda_command)


__all__ = ["agenda_command", "register"]
