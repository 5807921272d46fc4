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


def _check_sqlite(path: Path) -> None:
    try:
        connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            verdict = connection.execute("PRAGMA integrity_check").fetchone()[0]
        finally:
            connection.close()
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{path} no es una base de datos SQLite válida ({exc}).") from None
    if verdict != "ok":
        raise BackupError(f"{path} está dañada: {verdict}.")


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
        partial.unlink(missing_ok=True)
    return BackupResult(destination, destination.stat().st_size, backend)


def restore(database_url: str, source: Path) -> str:
    """Replace the contents of the database at ``database_url`` with the
    backup ``source``; returns the backend. All or nothing: SQLite copies
    page by page under one lock, ``pg_restore`` runs in one transaction."""
    if not source.is_file():
        raise BackupError(f"no existe el respaldo {source}.")
    target_file = sqlite_file(database_url)
    if target_file is not None:
        _check_sqlite(source)
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
