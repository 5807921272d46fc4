"""``cumple evidence add|list|publish|unpublish`` and ``cumple audit verify``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table
from sqlalchemy import select
from sqlmodel import Session

from cli.render import (
    FormatOption,
    OutputFormat,
    console,
    long_date,
    print_csv,
    print_json,
    size_label,
)
from cli.runtime import (
    ActorOption,
    DatabaseUrlOption,
    DataDirOption,
    UserError,
    actor_name,
    open_runtime,
)
from config.i18n import plural
from models.commitments import Commitment
from tracking.audit import audit, audit_package
from tracking.errors import NotFound
from tracking.evidence import add_acta_evidence, add_evidence, evidence_for
from tracking.evidence_publication import publish, unpublish
from tracking.evidence_store import EvidenceStore, StoredFile

app = typer.Typer(help="Medios de verificación de los compromisos.", no_args_is_help=True)
audit_app = typer.Typer(help="Verificación de la integridad del registro.", no_args_is_help=True)
CommitmentId = Annotated[
    int, typer.Argument(help="Número del compromiso.", metavar="ID", min=1, max=2**31 - 1)
]
EvidenceId = Annotated[
    int,
    typer.Argument(
        help="Número de la evidencia (columna N° de «cumple evidence list»).",
        metavar="EVIDENCE_ID",
        min=1,
        max=2**31 - 1,
    ),
]


def _store_files(store: EvidenceStore, files: list[Path]) -> list[StoredFile]:
    stored = []
    for path in files:
        if not path.is_file():
            raise UserError(f"No existe el archivo «{path}».")
        with path.open("rb") as handle:
            stored.append(store.save(path.name, handle))
    return stored


@app.command("add")
def add_command(
    commitment_id: CommitmentId,
    files: Annotated[
        list[Path] | None,
        typer.Argument(
            help="Archivos: PDF, imagen, XLSX o DOCX (20 MB cada uno).",
            metavar="ARCHIVO",
            show_default=False,
        ),
    ] = None,
    reference: Annotated[
        list[str] | None,
        typer.Option(
            "--reference",
            help="Referencia: N° de resolución, orden de compra, código BIP (repetible).",
        ),
    ] = None,
    acta: Annotated[
        bool,
        typer.Option("--acta", help="Adjunta al acta del compromiso (el documento del acta)."),
    ] = False,
    by: ActorOption = None,
    database_url: DatabaseUrlOption = None,
    data_dir: DataDirOption = None,
) -> None:
    """Agrega evidencia a un compromiso (o a su acta con --acta)."""
    runtime = open_runtime(database_url, data_dir)
    if not files and not reference:
        raise UserError("Indique al menos un archivo o una referencia (--reference).")
    store = EvidenceStore(runtime.settings.evidence_dir)
    stored = _store_files(store, files or [])
    actor = actor_name(by)
    with Session(runtime.engine) as session:
        if acta:
            acta_id = session.scalar(
                select(Commitment.acta_id).where(Commitment.id == commitment_id)
            )
            if acta_id is None:
                raise NotFound(f"No existe el compromiso N° {commitment_id}.")
            views = add_acta_evidence(session, acta_id, stored, reference or [], actor,
                                      runtime.today())  # fmt: skip
        else:
            views = add_evidence(session, commitment_id, stored, reference or [], actor,
                                 runtime.today())  # fmt: skip
        session.commit()
    target = (
        f"al acta del compromiso N° {commitment_id}"
        if acta
        else (f"al compromiso N° {commitment_id}")
    )
    added = plural(len(views), "{n} evidencia agregada", "{n} evidencias agregadas")
    typer.echo(f"{added} {target}:")
    for view in views:
        if view.referencia:
            typer.echo(f"  referencia: {view.referencia}")
        else:
            typer.echo(f"  {view.nombre} ({size_label(view.bytes)}), sha256 {view.sha256}")


@app.command("list")
def list_command(
    commitment_id: CommitmentId,
    output: FormatOption = OutputFormat.TABLE,
    database_url: DatabaseUrlOption = None,
    data_dir: DataDirOption = None,
) -> None:
    """Lista la evidencia de un compromiso y la de su acta."""
    runtime = open_runtime(database_url, data_dir)
    with Session(runtime.engine) as session:
        if session.get(Commitment, commitment_id) is None:
            raise NotFound(f"No existe el compromiso N° {commitment_id}.")
        views = evidence_for(session, [commitment_id]).get(commitment_id, [])
    records = [view.record() for view in views]
    if output is OutputFormat.JSON:
        print_json(records)
        return
    if output is OutputFormat.CSV:
        print_csv(records, ["id", "tipo", "nombre", "sha256", "bytes", "medio", "referencia",
                            "agregado_por", "agregado_el", "del_acta", "publica"])  # fmt: skip
        return
    if not views:
        typer.echo(f"El compromiso N° {commitment_id} no tiene evidencia.")
        return
    table = Table(header_style="bold")
    columns = ("N°", "Tipo", "Nombre o referencia", "Tamaño", "SHA-256", "Agregada", "Portal")
    for column in columns:
        table.add_column(column)
    for view in views:
        table.add_row(
            str(view.id),
            view.tipo + (" (acta)" if view.del_acta else ""),
            view.referencia or view.nombre,
            size_label(view.bytes) if view.bytes is not None else "—",
            view.sha256 or "—",
            f"{long_date(view.agregado_el)} por {view.agregado_por}",
            "pública" if view.publica else "privada",
        )
    console().print(table)
    typer.echo("Publique una evidencia en el portal con «cumple evidence publish N°».")


@app.command("publish")
def publish_command(
    evidence_id: EvidenceId,
    by: ActorOption = None,
    database_url: DatabaseUrlOption = None,
    data_dir: DataDirOption = None,
) -> None:
    """Publica una evidencia en el portal de transparencia (nombre, tipo, tamaño, SHA-256
    y el archivo, para descargar). Antes, revise que ni su nombre ni su contenido traigan
    datos personales (Ley 19.628)."""
    runtime = open_runtime(database_url, data_dir)
    with Session(runtime.engine) as session:
        row = publish(session, evidence_id, actor_name(by))
        where = (
            "de cada compromiso de su acta"
            if row.commitment_id is None
            else f"del compromiso N° {row.commitment_id}"
        )
        session.commit()
    typer.echo(
        f"La evidencia N° {evidence_id} quedó publicada en el portal. Se verá en la página "
        f"pública {where} solo si su región está publicada y el compromiso no está reservado "
        "(vea «cumple portal list»)."
    )


@app.command("unpublish")
def unpublish_command(
    evidence_id: EvidenceId,
    database_url: DatabaseUrlOption = None,
    data_dir: DataDirOption = None,
) -> None:
    """Retira una evidencia del portal de transparencia: vuelve a ser privada."""
    runtime = open_runtime(database_url, data_dir)
    with Session(runtime.engine) as session:
        unpublish(session, evidence_id)
        session.commit()
    typer.echo(f"La evidencia N° {evidence_id} ya no está publicada en el portal.")


@audit_app.command("verify")
def verify_command(
    package: Annotated[
        Path | None,
        typer.Option("--package", help="Carpeta de un paquete: comprueba sus cadenas."),
    ] = None,
    output: FormatOption = OutputFormat.TABLE,
    database_url: DatabaseUrlOption = None,
    data_dir: DataDirOption = None,
) -> None:
    """Recalcula cada cadena de historial y cada archivo de evidencia."""
    runtime = open_runtime(database_url, data_dir)
    if package is not None:
        report = audit_package(runtime.engine, package)
    else:
        report = audit(runtime.engine, EvidenceStore(runtime.settings.evidence_dir))
    if output is OutputFormat.JSON:
        print_json([problem.record() for problem in report.problems])
    elif output is OutputFormat.CSV:
        print_csv([problem.record() for problem in report.problems], ["sujeto", "problema"])
    elif report.ok:
        what = (
            plural(
                report.commitments,
                "{n} cadena del paquete coincide con el historial.",
                "{n} cadenas del paquete coinciden con el historial.",
            )
            if package is not None
            else "Registro íntegro: "
            + plural(report.commitments, "{n} compromiso", "{n} compromisos")
            + ", "
            + plural(report.entries, "{n} entrada de historial", "{n} entradas de historial")
            + " y "
            + plural(report.files, "{n} archivo de evidencia", "{n} archivos de evidencia")
            + " verificados."
        )
        typer.echo(what)
    else:
        subjects = report.subjects()
        typer.echo(
            plural(
                len(subjects),
                "El registro no coincide en {n} caso:",
                "El registro no coincide en {n} casos:",
            ),
            err=True,
        )
        for problem in report.problems:
            typer.echo(f"  {problem.subject}: {problem.message}", err=True)
    if not report.ok:
        raise typer.Exit(1)
