"""``cumple import``: read, validate, write, all or nothing."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from importer.errors import ImportFailed, RowError, UnreadableFile
from importer.limits import Limits
from importer.reader import Sheet, read_sheet
from importer.rows import CommitmentRow, Progress, RegionIndex, parse_sheet
from importer.writer import write_rows
from models.geography import Region, RegionAlias
from tracking.comunas import load_comuna_index


class ConcurrentImport(Exception):
    """Another writer changed the same rows while this import ran."""


@dataclass
class ImportReport:
    """What an import created (or, with ``dry_run``, would create)."""

    rows: int
    dry_run: bool
    territories: int = 0
    actas: int = 0
    commitments: int = 0
    institutions: int = 0
    contacts: int = 0
    unchanged: int = 0
    duplicate_rows: list[int] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def load_region_index(session: Session) -> RegionIndex:
    """Every alias of every región, and every comuna, from the database."""
    by_alias = dict(session.execute(select(RegionAlias.alias, RegionAlias.region_id)).all())
    iso_code = dict(session.execute(select(Region.id, Region.iso_code)).all())
    return RegionIndex(by_alias=by_alias, iso_code=iso_code, comunas=load_comuna_index(session))


def import_file(
    engine: Engine,
    path: Path,
    *,
    actor: str,
    dry_run: bool = False,
    progress: Progress | None = None,
    limits: Limits | None = None,
) -> ImportReport:
    """Import ``path`` in one transaction. Raises :class:`ImportFailed` with
    every mistake (nothing written), ``UnreadableFile`` when the file cannot
    be read or is over ``limits`` (default: the settings' defaults; callers
    pass ``Limits.from_settings(settings)``), or :class:`ConcurrentImport`."""
    sheet = read_sheet(path, limits)
    return import_sheet(engine, sheet, actor=actor, dry_run=dry_run, progress=progress)


def import_sheet(
    engine: Engine,
    sheet: Sheet,
    *,
    actor: str,
    dry_run: bool = False,
    progress: Progress | None = None,
    check: Callable[[list[CommitmentRow]], list[RowError]] | None = None,
) -> ImportReport:
    """Import rows already read (a file, or a web form laid out as one).
    ``check`` may refuse valid rows for reasons of its own (a user's scope)."""
    with Session(engine) as session:
        parsed = parse_sheet(sheet, load_region_index(session), progress)
        if not parsed.rows and not parsed.duplicate_rows:
            raise UnreadableFile(
                "el archivo solo tiene la fila de encabezados y ninguna fila de compromisos; "
                "agregue una fila por compromiso bajo los encabezados"
            )
        refused = check(parsed.rows) if check else []
        if refused:
            raise ImportFailed(refused)
        try:
            written = write_rows(session, parsed.rows, actor)
            if written.errors:
                session.rollback()
                raise ImportFailed(written.errors)
            if dry_run:
                session.rollback()
            else:
                session.commit()
        except IntegrityError:
            session.rollback()
            raise ConcurrentImport() from None
        except BaseException:
            session.rollback()
            raise
    return ImportReport(
        rows=len(parsed.rows) + len(parsed.duplicate_rows),
        dry_run=dry_run,
        territories=written.territories,
        actas=written.actas,
        commitments=written.commitments,
        institutions=written.institutions,
        contacts=written.contacts,
        unchanged=written.unchanged,
        duplicate_rows=parsed.duplicate_rows,
        ignored_columns=parsed.ignored_columns,
        warnings=written.warnings,
    )


__all__ = [
    "ConcurrentImport",
    "ImportFailed",
    "ImportReport",
    "Limits",
    "RowError",
    "import_file",
]
