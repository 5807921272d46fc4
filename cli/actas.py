"""``cumple actas read``: the commitments an acta (DOCX or PDF) proposes,
printed with how each field was found, as JSON, or written as a
spreadsheet in the import format to complete and import with ``cumple
import``. Nothing is imported here."""

from __future__ import annotations

import contextlib
import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table
from sqlmodel import Session

from cli.render import console, plain
from cli.runtime import DatabaseUrlOption, DataDirOption, Runtime, UserError, open_runtime
from cli.write_errors import refused_writes
from config.i18n import plural
from importer.actas.proposal import SOURCE_COLUMN, ActaHeader, ActaReading, Found, Proposal
from importer.actas.read import read_acta_in
from importer.columns import COLUMNS
from importer.errors import UnreadableFile
from importer.limits import Limits
from models.dates import DateError, format_long, parse_date
from models.money import AmountError, format_clp, parse_clp

app = typer.Typer(
    help="Lectura de actas (DOCX o PDF): compromisos propuestos.", no_args_is_help=True
)

HEADER_FIELDS = (
    ("kind", "tipo", "Tipo"),
    ("number", "numero", "Número"),
    ("instance", "instancia", "Instancia"),
    ("territory", "territorio", "Territorio"),
    ("place", "lugar", "Lugar"),
    ("held_on", "fecha", "Fecha"),
)
"""Each header field: its attribute, its JSON key and its label."""
SHOWN = (
    ("institucion", "Institución"),
    ("compromiso", "Compromiso"),
    ("monto", "Monto"),
    ("plazo", "Plazo"),
    ("responsable_email", "Correo del responsable"),
)


class ReadFormat(StrEnum):
    TABLE = "table"
    JSON = "json"


ActaFile = Annotated[
    Path, typer.Argument(help="Acta en .docx o .pdf (también escaneado).", metavar="ARCHIVO")
]
RegionOption = Annotated[
    str | None,
    typer.Option(
        "--region", help="Región del acta, si el documento no la dice.", show_default=False
    ),
]
TerritoryOption = Annotated[
    str | None,
    typer.Option(
        "--territory", help="Territorio del acta (reemplaza al del documento).", show_default=False
    ),
]


def read_document(
    runtime: Runtime, file: Path, region: str | None = None, territory: str | None = None
) -> ActaReading:
    """The reading of ``file`` with what the database knows."""
    try:
        with Session(runtime.engine) as session:
            return read_acta_in(
                session, file, region=region, territory=territory,
                limits=Limits.from_settings(runtime.settings),
            )  # fmt: skip
    except UnreadableFile as exc:
        raise UserError(f"No se pudo leer «{file.name}»: {exc}.") from None


@app.command("read")
def read_command(
    file: ActaFile,
    region: RegionOption = None,
    territory: TerritoryOption = None,
    output: Annotated[
        ReadFormat, typer.Option("--format", help="Salida: table o json.")
    ] = ReadFormat.TABLE,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            help="Escribe una planilla .xlsx para completar e importar.",
            metavar="ARCHIVO.xlsx",
            show_default=False,
        ),
    ] = None,
    database_url: DatabaseUrlOption = None,
    data_dir: DataDirOption = None,
) -> None:
    """Lee un acta y muestra los compromisos que propone (no importa nada)."""
    if out is not None:
        _check_out(out)
    runtime = open_runtime(database_url, data_dir)
    reading = read_document(runtime, file, region, territory)
    if out is not None:
        from importer.actas.workbook import write_proposals

        with refused_writes(out, hint="Elija otra ubicación con --out."):
            write_proposals(reading, out)
        _written_summary(reading, file, out)
    elif output is ReadFormat.JSON:
        sys.stdout.write(json.dumps(reading_record(reading), ensure_ascii=False, indent=2) + "\n")
    else:
        _print_reading(reading, file)


def _check_out(out: Path) -> None:
    if out.suffix.lower() != ".xlsx":
        raise UserError(f"--out: «{out.name}» debe terminar en .xlsx (una planilla de Excel).")
    if out.is_dir():
        raise UserError(f"--out: «{out}» es una carpeta; indique un archivo .xlsx.")
    if not out.resolve().parent.is_dir():
        raise UserError(f"--out: la carpeta «{out.parent}» no existe; créela primero.")


def header_value(header: ActaHeader, attribute: str) -> str:
    value = getattr(header, attribute)
    if attribute == "held_on":
        return value.isoformat() if value else ""
    return str(value or "")


def reading_record(reading: ActaReading) -> dict[str, Any]:
    """The reading as JSON: the header with its states, each proposal with
    its values per import column, states, source, notes and what it lacks."""
    header: dict[str, Any] = {key: header_value(reading.header, a) for a, key, _ in HEADER_FIELDS}
    header["estados"] = {
        key: reading.header.states.get(attribute, Found.MISSING).value
        for attribute, key, _ in HEADER_FIELDS
    }
    return {
        "encabezado": header,
        "propuestas": [
            _proposal_record(number, p) for number, p in enumerate(reading.proposals, 1)
        ],
        "avisos": list(reading.warnings),
    }


def _proposal_record(number: int, proposal: Proposal) -> dict[str, Any]:
    return {
        "numero": number,
        "valores": {c.name: proposal.values.get(c.name, "") or "" for c in COLUMNS},
        "estados": {
            c.name: proposal.states.get(c.name, Found.MISSING).value
            for c in COLUMNS
            if proposal.values.get(c.name) or c.name in proposal.states
        },
        "fuente": {"ubicacion": proposal.source.location, "texto": proposal.source.text},
        "notas": list(proposal.notes),
        "faltan": proposal.missing(),
    }


def _shown(proposal: Proposal, column: str) -> str:
    value = proposal.values.get(column) or ""
    if column == "plazo" and value:
        with contextlib.suppress(DateError):
            value = format_long(parse_date(value))
    if column == "monto" and value:
        with contextlib.suppress(AmountError):
            value = format_clp(parse_clp(value)) or value
    if not value:
        return "— falta" if column in proposal.missing() else "—"
    if proposal.states.get(column) is Found.GUESSED:
        value += " (supuesto)"
    if column == "plazo" and proposal.values.get("plazo_texto"):
        value += f"\n«{proposal.values['plazo_texto']}»"
    return value


def _print_reading(reading: ActaReading, file: Path) -> None:
    typer.echo(f"Acta leída de {file.name}:")
    header = reading.header
    for attribute, _, label in HEADER_FIELDS:
        value = header_value(header, attribute)
        if attribute == "held_on" and header.held_on:
            value = format_long(header.held_on)
        state = header.states.get(attribute, Found.MISSING)
        typer.echo(f"  {label}: {value or '—'} ({state.value})")
    region = next((p.values.get("region") for p in reading.proposals if p.values.get("region")), "")
    if region:
        typer.echo(f"  Región: {region}")
    count = len(reading.proposals)
    typer.echo(plural(count, "{n} compromiso propuesto:", "{n} compromisos propuestos:"))
    if count:
        table = Table(header_style="bold", show_lines=True)
        table.add_column("N°", justify="right")
        for _, label in SHOWN:
            table.add_column(label, max_width=48 if label == "Compromiso" else 28)
        table.add_column("Origen", max_width=22)
        for number, proposal in enumerate(reading.proposals, start=1):
            cells = [plain(_shown(proposal, column)) for column, _ in SHOWN]
            table.add_row(str(number), *cells, plain(proposal.source.location))
        console().print(table)
        shown = {column for column, _ in SHOWN}
        for number, proposal in enumerate(reading.proposals, start=1):
            for note in proposal.notes:
                typer.echo(f"  Propuesta {number}: {note}")
            missing = [column for column in proposal.missing() if column not in shown]
            if missing:
                typer.echo(f"  Propuesta {number}: falta {', '.join(missing)}")
    for warning in reading.warnings:
        typer.echo(f"Aviso: {warning}")
    if any(p.missing() for p in reading.proposals):
        typer.echo(f"Complete lo que falta en una planilla: cumple actas read {file} "
                   "--out propuesta.xlsx; luego: cumple import propuesta.xlsx")  # fmt: skip
    elif count:
        typer.echo(f"Revise las propuestas; para importarlas: cumple import {file}")


def _written_summary(reading: ActaReading, file: Path, out: Path) -> None:
    count = len(reading.proposals)
    missing = sum(1 for p in reading.proposals if p.missing())
    written = plural(count, "Se escribió {n} propuesta", "Se escribieron {n} propuestas")
    typer.echo(f"{written} de {file.name} en {out} (con la columna {SOURCE_COLUMN}).")
    if missing:
        typer.echo(
            plural(
                missing,
                "{n} propuesta tiene celdas obligatorias vacías (en rojo claro): complételas.",
                "{n} propuestas tienen celdas obligatorias vacías (en rojo claro): complételas.",
            )
        )
    for warning in reading.warnings:
        typer.echo(f"Aviso: {warning}")
    typer.echo(f"Luego impórtela con: cumple import {out}")
