"""The ``cumple`` console script: commands per contracts.md.

Exit codes: 0 success, 1 a user error (a Spanish message on stderr, no
traceback), 2 wrong usage (Click's usage errors, said in Spanish by
:mod:`cli.usage`)."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from sqlalchemy.exc import OperationalError, ProgrammingError
from sqlmodel import Session
from typer._click.exceptions import ClickException, UsageError
from typer.exceptions import Abort

from cli import (
    acta_import,
    actas,
    agenda,
    commitments,
    cycle,
    evaluation,
    evidence,
    operations,
    portal,
    protocols,
    territories,
    usage,
    users,
)
from cli.render import commitments_table, console, status_summary
from cli.runtime import (
    ActorOption,
    DatabaseUrlOption,
    DataDirOption,
    UserError,
    actor_name,
    open_runtime,
)
from config import ConfigError
from config.i18n import plural
from importer import (
    ConcurrentImport,
    ImportFailed,
    ImportReport,
    Limits,
    UnreadableFile,
    import_file,
)
from models.schema import SchemaNotReady, init_database
from operations.backup import BackupError
from tracking.errors import TrackingError

usage.install()
app = typer.Typer(
    name="cumple",
    help="Seguimiento de compromisos de actas territoriales.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["--help", "-h"]},
)
app.add_typer(commitments.app, name="commitments")
app.add_typer(protocols.app, name="protocol")
app.add_typer(users.app, name="users")
app.add_typer(evidence.app, name="evidence")
app.add_typer(evidence.audit_app, name="audit")
app.add_typer(portal.app, name="portal")
app.add_typer(actas.app, name="actas")
cycle.register(app)
operations.register(app)
agenda.register(app)
evaluation.register(app)
territories.register(app)


@app.command("init")
def init_command(database_url: DatabaseUrlOption = None, data_dir: DataDirOption = None) -> None:
    """Crea o actualiza la base de datos y carga las 16 regiones."""
    runtime = open_runtime(database_url, data_dir, require_schema=False)
    result = init_database(runtime.engine)
    typer.echo(
        f"Base de datos lista ({runtime.settings.safe_database_url()}): esquema {result.revision}, "
        f"{result.regions} regiones y {result.comunas} comunas."
    )


def _import_summary(report: ImportReport) -> str:
    # A compound subject ("1 acta, 2 compromisos y …") takes the plural.
    verb = "se crearían" if report.dry_run else "se crearon"
    prefix = "Simulación (--dry-run): nada se escribió. " if report.dry_run else ""
    lines = [
        f"{prefix}Filas leídas: {report.rows}. {verb.capitalize()} "
        f"{plural(report.actas, '{n} acta', '{n} actas')}, "
        f"{plural(report.commitments, '{n} compromiso', '{n} compromisos')}, "
        f"{plural(report.institutions, '{n} institución', '{n} instituciones')} y "
        f"{plural(report.contacts, '{n} contacto', '{n} contactos')} "
        f"({plural(report.territories, '{n} territorio nuevo', '{n} territorios nuevos')})."
    ]
    if report.unchanged:
        already = plural(
            report.unchanged,
            "{n} compromiso ya estaba registrado",
            "{n} compromisos ya estaban registrados",
        )
        lines.append(f"{already} y no se modificó nada.")
    if report.duplicate_rows:
        rows = ", ".join(str(row) for row in report.duplicate_rows[:20])
        lines.append(f"Filas repetidas dentro del archivo, importadas una sola vez: {rows}.")
    if report.ignored_columns:
        lines.append(f"Columnas no reconocidas (ignoradas): {', '.join(report.ignored_columns)}.")
    lines.extend(f"Aviso: {warning}" for warning in report.warnings)
    return "\n".join(lines)


@app.command("import")
def import_command(
    file: Annotated[
        Path,
        typer.Argument(
            help="Planilla .csv o .xlsx con actas y compromisos, o un acta .docx o .pdf.",
            metavar="ARCHIVO",
        ),
    ],
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Valida y cuenta sin escribir nada.")
    ] = False,
    by: ActorOption = None,
    database_url: DatabaseUrlOption = None,
    data_dir: DataDirOption = None,
) -> None:
    """Importa actas y compromisos de una planilla, o de un acta .docx o .pdf cuyas
    propuestas estén completas (el acta queda como evidencia); todo o nada."""
    runtime = open_runtime(database_url, data_dir)
    err = console()
    err.stderr = True
    with Progress(
        TextColumn("Validando filas"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=err,
        transient=True,
        disable=not err.is_terminal,
    ) as bar:
        task = bar.add_task("filas", total=None)

        def progress(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        note = ""
        if file.suffix.lower() in acta_import.DOCUMENT_SUFFIXES:
            report, note = acta_import.import_document(
                runtime, file, by=by, dry_run=dry_run, progress=progress
            )
        else:
            report = import_file(
                runtime.engine,
                file,
                actor=actor_name(by),
                dry_run=dry_run,
                progress=progress,
                limits=Limits.from_settings(runtime.settings),
            )
    typer.echo(_import_summary(report))
    if note:
        typer.echo(note)


@app.command("demo")
def demo_command(database_url: DatabaseUrlOption = None, data_dir: DataDirOption = None) -> None:
    """Carga los datos de demostración (idempotente) y muestra un resumen."""
    from demo.runner import load_demo
    from tracking.queries import Filters, list_commitments

    runtime = open_runtime(database_url, data_dir, require_schema=False)
    today = runtime.today()
    result = load_demo(runtime.engine, runtime.settings, today)
    with Session(runtime.engine) as session:
        views = list_commitments(session, Filters(), today)
    out = console()
    out.print(commitments_table(views, title=f"Compromisos de demostración al {today:%d-%m-%Y}"))
    typer.echo(f"\n{plural(len(views), '{n} compromiso', '{n} compromisos')}: "
               f"{status_summary(view.estado for view in views)}.")  # fmt: skip
    if result.already_loaded:
        typer.echo("Los datos de demostración ya estaban cargados; no se importó nada de nuevo.")
    else:
        typer.echo(_import_summary(result.imported))
    if result.facts_recorded:
        typer.echo(
            plural(
                result.facts_recorded,
                "Se registró {n} avance de demostración.",
                "Se registraron {n} avances de demostración.",
            )
        )
    for report in result.cycles:
        packages = (
            ", "
            + plural(report.packages, "{n} paquete de información", "{n} paquetes de información")
            if report.packages
            else ""
        )
        typer.echo(
            f"Ciclo del {report.day:%d-%m-%Y}: "
            f"{plural(report.reminders, '{n} recordatorio', '{n} recordatorios')}, "
            f"{plural(report.sent, '{n} correo enviado', '{n} correos enviados')}{packages}."
        )
    mail = (
        f"servidor SMTP {runtime.settings.smtp_host}"
        if runtime.settings.smtp_host
        else str(runtime.settings.mail_dir.resolve())
    )
    typer.echo(f"Correo (.eml, uno por mensaje, por día): {mail}")
    reports = sorted(runtime.settings.reports_dir.glob("*/*/informe.pdf"))
    if reports:
        typer.echo(f"Paquetes de información ({len(reports)}):")
        for path in reports:
            typer.echo(f"  {path.parent.resolve()}")
    typer.echo(f"Base de datos: {runtime.settings.safe_database_url()}")
    typer.echo(f"Carpeta de datos: {runtime.settings.data_dir.resolve()}")
    typer.echo("Pruebe: cumple commitments list --status vencido · cumple commitments show 1")
    from demo.runner import DEMO_PASSWORD

    typer.echo(f"Aplicación web: {runtime.settings.base_url}/ (cumple serve)")
    for email, role in result.users:
        typer.echo(f"  usuario de demostración {email} ({role}), contraseña {DEMO_PASSWORD}")


def _fail(message: str) -> None:
    sys.stderr.write(f"Error: {message}\n")
    sys.exit(1)


def _import_failed(exc: ImportFailed) -> str:
    count = len(exc.errors)
    lines = [
        plural(
            count,
            "El archivo tiene {n} error; no se importó nada:",
            "El archivo tiene {n} errores; no se importó nada:",
        )
    ]
    lines.extend(f"  {error}" for error in exc.errors)
    lines.append(
        plural(
            count,
            "Corrija el error y vuelva a importar el archivo.",
            "Corrija los errores y vuelva a importar el archivo.",
        )
    )
    return "\n".join(lines)


def _run() -> None:
    """The application without Click's own (English) error handling: usage
    errors come back as exceptions and are said in Spanish."""
    try:
        code = app(prog_name="cumple", standalone_mode=False)
    except UsageError as exc:
        sys.stderr.write(usage.usage_error(exc) + "\n")
        sys.exit(exc.exit_code)
    except Abort:
        sys.stderr.write("Interrumpido.\n")
        sys.exit(1)
    except ClickException as exc:
        _fail(exc.format_message())
    if isinstance(code, int) and code:
        if code == 130:
            sys.stderr.write("Interrumpido.\n")
        sys.exit(code)


def main() -> None:
    """Entry point of the ``cumple`` console script."""
    # Everything cumple writes (database, mail with valid links, evidence,
    # packages, backups) is for its owner only: files 0600, folders 0700.
    os.umask(0o077)
    try:
        _run()
    except ImportFailed as exc:
        _fail(_import_failed(exc))
    except UnreadableFile as exc:
        _fail(f"No se pudo leer el archivo: {exc}.")
    except ConcurrentImport:
        _fail("Otra operación modificó los mismos datos durante la importación; vuelva a intentar.")
    except SchemaNotReady:
        _fail(
            "La base de datos no está inicializada o su esquema está desactualizado: "
            "ejecute «cumple init»."
        )
    except (ConfigError, UserError, TrackingError, BackupError) as exc:
        _fail(str(exc))
    except (OperationalError, ProgrammingError) as exc:
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else exc.__class__.__name__
        _fail(f"No se pudo usar la base de datos: {reason}.")
    except KeyboardInterrupt:
        sys.stderr.write("Interrumpido.\n")
        sys.exit(130)


if __name__ == "__main__":
    main()
