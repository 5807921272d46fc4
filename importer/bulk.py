"""Set-based writing helpers shared by the importer's writers: each kind of
row is looked up by its natural key, the missing ones are inserted with one
executemany per chunk (no RETURNING, which SQLite would have to run row by
row to keep the order), and their ids are read back by the same key."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any, TypeVar

from sqlalchemy import Table, insert, select
from sqlmodel import Session, SQLModel

CHUNK = 500
T = TypeVar("T")
K = TypeVar("K")


def chunks(items: Sequence[T], size: int = CHUNK) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def table_of(model: type[SQLModel]) -> Table:
    return model.__table__  # type: ignore[attr-defined,no-any-return]


def insert_rows(session: Session, model: type[SQLModel], rows: list[dict[str, Any]]) -> None:
    connection = session.connection()
    for chunk in chunks(rows):
        connection.execute(insert(table_of(model)), list(chunk))


def lookup(
    session: Session,
    columns: Sequence[Any],
    column: Any,
    values: Sequence[Any],
    key: Callable[[Any], K],
) -> dict[K, Any]:
    """``key(row) -> row`` for every row whose ``column`` is in ``values``."""
    found: dict[K, Any] = {}
    for chunk in chunks(sorted(set(values))):
        for row in session.execute(select(*columns).where(column.in_(chunk))):
            found[key(row)] = row
    return found


def ensure(
    session: Session,
    model: type[SQLModel],
    wanted: dict[K, dict[str, Any]],
    columns: Sequence[Any],
    column: Any,
    key: Callable[[Any], K],
) -> tuple[dict[K, int], int]:
    """Get-or-create: the id of every ``wanted`` row by its natural key,
    inserting the missing ones (values from ``wanted``). ``column`` narrows
    the lookup; ``key`` builds a natural key from a looked-up row. Returns
    the ids and how many rows were created."""
    values = [row[column.key] for row in wanted.values()]

    def stored() -> dict[K, int]:
        return {k: r.id for k, r in lookup(session, columns, column, values, key).items()}

    ids = stored()
    missing = [row for k, row in wanted.items() if k not in ids]
    if missing:
        insert_rows(session, model, missing)
        ids = stored()
    return ids, len(missing)
