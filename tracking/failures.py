"""The cycle's record of what it could not do (one región's package, one
message) while it went on with the rest: one open row per thing that fails,
closed (``resolved_at``) when a later cycle gets the same thing done."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import insert, select, update
from sqlalchemy.engine import Engine

from models.reminders import CycleFailure, FailureKind

ERROR_LIMIT = 2000
"""Characters of the error kept; the traceback goes to the log, not here."""


def describe(exc: BaseException) -> str:
    """``ClaseDeError: mensaje`` on one line (white space folded), as it is
    stored and shown to operators; never a traceback."""
    message = " ".join(str(exc).split())
    text = f"{type(exc).__name__}: {message}" if message else type(exc).__name__
    return text[:ERROR_LIMIT]


def package_subject(period_key: str, region_name: str) -> str:
    """What failed, in Spanish: ``Paquete 2026-Q3 de la Región de Atacama``."""
    return f"Paquete {period_key} de la {region_name}"


def record_failure(
    engine: Engine,
    *,
    day: date,
    kind: FailureKind,
    subject: str,
    error: str,
    now: datetime,
    region_id: int | None = None,
    period: str | None = None,
) -> int:
    """Record that ``subject`` failed in the cycle of ``day``. While the same
    thing (kind, región, period, subject) is still unresolved, its one row is
    updated (latest cycle and error) instead of adding a row a day."""
    table = CycleFailure.__table__  # type: ignore[attr-defined]
    same = (
        (table.c.kind == kind.value)
        & (table.c.subject == subject)
        & table.c.resolved_at.is_(None)
        & (table.c.region_id.is_(None) if region_id is None else table.c.region_id == region_id)
        & (table.c.period.is_(None) if period is None else table.c.period == period)
    )
    with engine.begin() as connection:
        existing = connection.execute(select(table.c.id).where(same).limit(1)).scalar()
        if existing is not None:
            connection.execute(
                update(table).where(table.c.id == existing).values(cycle_date=day, error=error)
            )
            return int(existing)
        result = connection.execute(
            insert(table).values(
                cycle_date=day,
                kind=kind.value,
                region_id=region_id,
                period=period,
                subject=subject[:300],
                error=error,
                created_at=now,
            )
        )
        return int(result.inserted_primary_key[0])


def resolve_failures(
    engine: Engine, *, kind: FailureKind, region_id: int, period: str, now: datetime
) -> int:
    """Close the open failures of ``kind`` for ``region_id`` and ``period``
    (it has just been done); returns how many were closed."""
    table = CycleFailure.__table__  # type: ignore[attr-defined]
    with engine.begin() as connection:
        result = connection.execute(
            update(table)
            .where(
                table.c.kind == kind.value,
                table.c.region_id == region_id,
                table.c.period == period,
                table.c.resolved_at.is_(None),
            )
            .values(resolved_at=now)
        )
        return int(result.rowcount or 0)


@dataclass(frozen=True)
class OpenFailure:
    id: int
    cycle_date: date
    kind: str
    subject: str
    error: str
    created_at: datetime
    region_id: int | None


def open_failures(
    engine: Engine, *, region_ids: set[int] | None = None, limit: int = 50
) -> list[OpenFailure]:
    """The unresolved failures, newest first (``region_ids``: only those
    of these regiones; ``None``: all, including failures of no región)."""
    table = CycleFailure.__table__  # type: ignore[attr-defined]
    query = select(
        table.c.id, table.c.cycle_date, table.c.kind, table.c.subject, table.c.error,
        table.c.created_at, table.c.region_id,
    ).where(table.c.resolved_at.is_(None))  # fmt: skip
    if region_ids is not None:
        query = query.where(table.c.region_id.in_(sorted(region_ids)))
    with engine.connect() as connection:
        rows = connection.execute(query.order_by(table.c.id.desc()).limit(limit)).all()
    return [OpenFailure(*row) for row in rows]
