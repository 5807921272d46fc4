"""``cumple evaluation``: a región's annual self-evaluation draft, graded
from the evidence the system holds (printed, as JSON, or written as DOCX
or PDF)."""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table
from sqlmodel import Session

from cli.render import console, plain, print_json
from cli.runtime import DatabaseUrlOption, DataDirOption, UserError, open_runtime, option_date
from cli.write_errors import why as _why
from models.dates import format_long
from reports.evaluation import Evaluation


class EvaluationFormat(StrEnum):
    TABLE = "table"
    JSON = "json"


def _checked_out(out: Path) -> None:
    """``--out`` must name a .docx or .pdf file in an existing folder (an
    existing file is replaced whole, and the command says so)."""
    if out.is_dir():
        raise UserError(f"--out: «{out}» es una carpeta; indique un archivo .docx o .pdf.")
    if out.suffix.lower() not in (".docx", ".pdf"):
        raise UserError(f"--out: «{out.name}» debe terminar en .docx o .pdf.")
    if out.exists() and not out.is_file():
        raise UserError(f"--out: «{out}» existe y no es un archivo común.")
    if not out.parent.is_dir():
        raise UserError(f"--out: la carpeta «{out.parent}» no existe; créela primero.")


def _print_table(evaluation: Evaluation) -> None:
    out = console()
    evidence = evaluation.evidence
    typer.echo(evaluation.title)
    typer.echo(f"Evidencia leída al {format_long(evidence.day)}.")
    for requirement in evaluation.requirements:
        table = Table(
            title=f"{requirement.heading} — grado {requirement.grade_label.lower()}",
            header_style="bold",
            title_justify="left",
        )
        for name in ("Mejora esperada", "Lograda", "Evidencia"):
            table.add_column(name, max_width=70 if name == "Evidencia" else None)
        for criterion in requirement.criteria:
            table.add_row(
                f"{criterion.key}) {plain(criterion.name)}",
                "sí" if criterion.achieved else "no",
                plain(criterion.evidence),
            )
        out.print(table)
        typer.echo(requirement.sentence)


def evaluation_command(
    region: Annotated[str, typer.Option("--region", help="Región evaluada.")],
    year: Annotated[int, typer.Option("--year", help="Año evaluado (AAAA).")],
    day: Annotated[
        str | None,
        typer.Option(
            "--date",
            help="Día en que se lee la evidencia, AAAA-MM-DD (por defecto, hoy; a lo más el "
            "31 de diciembre del año).",
        ),
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            help="Archivo .docx o .pdf (sin él, se muestra en pantalla); si existe, se "
            "reemplaza completo.",
        ),
    ] = None,
    output: Annotated[
        EvaluationFormat, typer.Option("--format", help="Salida en pantalla: table o json.")
    ] = EvaluationFormat.TABLE,
    database_url: DatabaseUrlOption = None,
    data_dir: DataDirOption = None,
) -> None:
    """Borrador de la autoevaluación anual de una región: grado de cada requisito
    (nulo, menor, mayor) con su evidencia."""
    if out is not None:
        _checked_out(out)
    runtime = open_runtime(database_url, data_dir)
    when = option_date(day, "--date")
    from reports.evaluation import evaluate
    from tracking.evaluation import read_evidence

    with Session(runtime.engine) as session:
        evidence = read_evidence(
            session, region, year, when, runtime.today(), runtime.settings.zone
        )
    evaluation = evaluate(evidence)
    if out is None:
        if output is EvaluationFormat.JSON:
            print_json(evaluation.records())
        else:
            _print_table(evaluation)
        return
    from reports.evaluation_files import write_evaluation

    replaced = out.exists()
    try:
        write_evaluation(out, evaluation, generated_at=datetime.now(UTC))
    except OSError as exc:
        raise UserError(
            f"No se pudo escribir «{out}»: {_why(exc)}; no se escribió nada. Elija otra "
            "ubicación con --out."
        ) from None
    typer.echo(f"{evaluation.title}: {evaluation.grades_line()}.")
    typer.echo(f"  {out}" + (" (reemplazó el archivo que existía)" if replaced else ""))


def register(app: typer.Typer) -> None:
    """Add ``evaluation`` to the console script."""
    app.command("evaluation")(evaluation_command)


__all__ = ["evaluation_command", "register"]
