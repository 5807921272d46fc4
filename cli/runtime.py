"""What every command needs: settings, an engine, today's date, the actor,
and the translation of user errors into Spanish messages and exit codes."""

from __future__ import annotations

import getpass
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Annotated

import typer
from sqlalchemy.engine import Engine

from config import Settings, load_settings
from models.calendar import local_date
from models.dates import DateError, parse_date
from models.db import make_engine, sqlite_file
from models.schema import SchemaNotReady, ensure_ready


class UserError(Exception):
    """A mistake the user can fix; printed without a traceback, exit 1."""


DatabaseUrlOption = Annotated[
    str | None,
    typer.Option(
        "--database-url",
        help="URL SQLAlchemy de la base de datos (o CUMPLE_DATABASE_URL).",
        show_default=False,
    ),
]
DataDirOption = Annotated[
    Path | None,
    typer.Option(
        "--data-dir",
        help="Carpeta de informes, correo y registros (o CUMPLE_DATA_DIR).",
        show_default=False,
    ),
]
ActorOption = Annotated[
    str | None,
    typer.Option("--by", help="Quién registra el cambio (por defecto, el usuario del sistema)."),
]


@dataclass
class Runtime:
    settings: Settings
    engine: Engine

    def today(self) -> date:
        """Today in CUMPLE_TIMEZONE (the business date of "now")."""
        return local_date(datetime.now(UTC), self.settings.zone)


def open_runtime(
    database_url: str | None, data_dir: Path | None, *, require_schema: bool = True
) -> Runtime:
    """Settings with the command-line options on top (a data folder given
    alone holds the database too), and an engine. Unless ``require_schema``
    is false, the schema must be at the latest migration."""
    settings = load_settings(database_url=database_url, data_dir=data_dir)
    settings.prepare_data_dir()
    database_file = sqlite_file(settings.database_url)
    if require_schema and database_file is not None and not database_file.exists():
        # Do not leave an empty database behind a read or an update.
        raise SchemaNotReady("missing")
    engine = make_engine(settings.database_url)
    if require_schema:
        ensure_ready(engine)
    return Runtime(settings, engine)


def start_logging(settings: Settings) -> None:
    """Logs on stderr for the commands that run the cycle: Spanish lines at
    a terminal, JSON otherwise (``CUMPLE_LOG_FORMAT``, default ``auto``)."""
    from operations.logs import configure_logging

    configure_logging(settings.log_format, settings.log_level)


def actor_name(given: str | None) -> str:
    if given and given.strip():
        return " ".join(given.split())[:200]
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli"


def option_date(value: str | None, option: str) -> date | None:
    """Parse a date option or raise :class:`UserError` naming the option."""
    if value is None:
        return None
    try:
        return parse_date(value)
    except DateError as exc:
        raise UserError(f"{option}: {exc}.") from None
