"""Backups of the application database while it is in use, and their
restoration. SQLite: the online backup API (a consistent copy even while
the cycle or the web writes; WAL included). PostgreSQL: ``pg_dump`` in its
custom format and ``pg_restore`` in one transaction. Either way the copy is
written to a temporary name and renamed when complete, so a failed backup
never leaves a file that looks whole."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy.engine import make_url

from models.db import sqlite_file

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_DUMP_MAGIC = b"PGDMP"
SQLITE_SIDE_FILES = ("-wal", "-shm", "-journal")


NAMES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}


class BackupError(Exception):
    """A backup or restore that could not be done (message in Spanish)."""


@dataclass(frozen=True)
class BackupResult:
    path: Path
    size: int
    backend: str


def default_name(database_url: str, moment: datetime) -> str:
    """``cumple-AAAAMMDD-HHMMSS.db`` (SQLite) or ``.dump`` (pg_dump)."""
    suffix = ".db" if sqlite_file(database_url) is not None else ".dump"
    return f"cumple-{moment:%Y%m%d-%H%M%S}{suffix}"


def _libpq(database_url: str) -> tuple[str, dict[str, str]]:
    """A libpq connection string without the password, and the
    environment that carries it (never on a command line)."""
    url = make_url(database_url)
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    dsn = url.set(drivername="postgresql", password=None).render_as_string(hide_password=False)
    return dsn, env


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(
            f"no se encontró «{name}»; instale el cliente de PostgreSQL "
            "(paquete postgresql-client) de la misma versión que el servidor."
        )
    return found


def _run(command: list[str], env: dict[str, str], what: str) -> None:
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        detail = " ".join(result.stderr.split())[:400] or f"código {result.returncode}"
        raise BackupError(f"{what} falló: {detail}")


def _check_sqlite(path: Path) -> str | None:
    """Integrity of the SQLite file ``path``; returns its schema revision
    (``None`` when it has no ``alembic_version``)."""
    try:
        connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            verdict = connection.execute("PRAGMA integrity_check").fetchone()[0]
            has_version = connection.execute(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'alembic_version'"
            ).fetchone()
            revision = (
                connection.execute("SELECT version_num FROM alembic_version").fetchone()
                if has_version
                else None
            )
        finally:
            connection.close()
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{path} no es una base de datos SQLite válida ({exc}).") from None
    if verdict != "ok":
        raise BackupError(f"{path} está dañada: {verdict}.")
    return str(revision[0]) if revision else None


def _pg_dump_revision(path: Path) -> str | None:
    """The schema revision stored in a ``pg_dump`` custom-format file, read
    by ``pg_restore`` itself (which also checks the file's format)."""
    result = subprocess.run(
        [_tool("pg_restore"), "--data-only", "--table=alembic_version", "--file=-", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        detail = " ".join(result.stderr.split())[:300]
        raise BackupError(f"{path} no es un respaldo legible de PostgreSQL ({detail}).")
    rows = result.stdout.split("COPY public.alembic_version", 1)
    if len(rows) < 2:
        return None
    data = rows[1].split("\n", 1)[-1].strip().splitlines()
    return data[0].strip() if data and data[0].strip() != "\\." else None


def inspect_backup(source: Path) -> tuple[str, str]:
    """``(backend, revision)`` of a file made by ``cumple backup``, checked
    without touching any database: its format (SQLite file or ``pg_dump``
    custom format), its integrity, and a schema revision this version of
    cumple knows. Anything else raises :class:`BackupError` in Spanish."""
    from models.schema import known_revisions

    if not source.is_file():
        raise BackupError(f"no existe el respaldo {source}.")
    with source.open("rb") as handle:
        header = handle.read(16)
    if header == SQLITE_MAGIC:
        backend, revision = "sqlite", _check_sqlite(source)
    elif header.startswith(PG_DUMP_MAGIC):
        backend, revision = "postgresql", _pg_dump_revision(source)
    else:
        what = "está vacío" if not header else "no es una base SQLite ni un archivo de pg_dump"
        raise BackupError(
            f"{source} no es un respaldo de cumple: {what}. "
            "Use un archivo creado por «cumple backup»."
        )
    if revision is None:
        raise BackupError(
            f"{source} no es un respaldo de cumple: "
            "no tiene la tabla alembic_version de su esquema."
        )
    if revision not in known_revisions():
        raise BackupError(
            f"{source} tiene el esquema {revision}, que esta versión de cumple no conoce "
            "(¿es de una versión más nueva?); actualice cumple antes de restaurarlo."
        )
    return backend, revision


def _side_files(path: Path) -> list[Path]:
    return [path.with_name(path.name + suffix) for suffix in SQLITE_SIDE_FILES]


def backup(database_url: str, destination: Path) -> BackupResult:
    """Copy the database at ``database_url`` to ``destination``."""
    if destination.exists():
        raise BackupError(f"{destination} ya existe; elija otro nombre.")
    destination.parent.mkdir(parents=True, exist_ok=True)
    partial = destination.with_name(destination.name + ".partial")
    source_file = sqlite_file(database_url)
    try:
        if source_file is not None:
            if not source_file.exists():
                raise BackupError(f"la base de datos {source_file} no existe.")
            source = sqlite3.connect(source_file)
            target = sqlite3.connect(partial)
            try:
                source.backup(target)
                # The copy is one self-contained file: no WAL beside it.
                target.execute("PRAGMA journal_mode=DELETE")
            finally:
                target.close()
                source.close()
            _check_sqlite(partial)
            backend = "sqlite"
        else:
            dsn, env = _libpq(database_url)
            _run(
                [_tool("pg_dump"), "--format=custom", f"--file={partial}", f"--dbname={dsn}"],
                env,
                "pg_dump",
            )
            backend = "postgresql"
        os.replace(partial, destination)
    finally:
        for leftover in (partial, *_side_files(partial), *_side_files(destination)):
            leftover.unlink(missing_ok=True)
    return BackupResult(destination, destination.stat().st_size, backend)


def restore(database_url: str, source: Path) -> str:
    """Replace the contents of the database at ``database_url`` with the
    backup ``source``; returns the backend. All or nothing: SQLite copies
    page by page under one lock, ``pg_restore`` runs in one transaction."""
    backend, _revision = inspect_backup(source)
    target_file = sqlite_file(database_url)
    wanted = "sqlite" if target_file is not None else "postgresql"
    if backend != wanted:
        raise BackupError(
            f"{source} es un respaldo de {NAMES[backend]} y la base configurada es "
            f"{NAMES[wanted]}; restáurelo en una base {NAMES[backend]}."
        )
    if target_file is not None:
        target_file.parent.mkdir(parents=True, exist_ok=True)
        origin = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        target = sqlite3.connect(target_file, timeout=30)
        try:
            origin.backup(target)
        finally:
            target.close()
            origin.close()
        return "sqlite"
    dsn, env = _libpq(database_url)
    _run(
        [
            _tool("pg_restore"), "--clean", "--if-exists", "--no-owner", "--single-transaction",
            "--exit-on-error", f"--dbname={dsn}", str(source),
        ],
        env,
        "pg_restore",
    )  # fmt: skip
    return "postgresql"
