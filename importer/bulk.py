"""Set-based writing helpers shared by the importer's writers: each kind of
row is looked up by its natural key, the missing ones are inserted with one
executemany per chunk (no RETURNING, which SQLite would have to run row by
row to keep the order), and their ids are read back by the same key."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any, TypeVar

from sqlalchemy import Connection, Table, insert, select
from sqlmodel import Session, SQLModel

CHUNK = 500
INSERT_CHUNK = 5000
T = TypeVar("T")
K = TypeVar("K")


def chunks(items: Sequence[T], size: int = CHUNK) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def table_of(model: type[SQLModel]) -> Table:
    return model.__table__  # type: ignore[attr-defined,no-any-return]


def insert_rows(session: Session, model: type[SQLModel], rows: list[dict[str, Any]]) -> None:
    """Insert ``rows`` (dicts with the same keys) in chunks of one executemany."""
    connection = session.connection()
    if not rows:
        return
    fast = _positional_insert(connection, table_of(model), list(rows[0]))
    for chunk in chunks(rows, INSERT_CHUNK if fast else CHUNK):
        if fast is None:
            connection.execute(insert(table_of(model)), list(chunk))
        else:
            sql, pairs = fast
            connection.exec_driver_sql(
                sql,
                [tuple([row[k] if p is None else p(row[k]) for k, p in pairs]) for row in chunk],
            )


def _positional_insert(
    connection: Connection, table: Table, keys: list[str]
) -> tuple[str, list[tuple[str, Callable[[Any], Any] | None]]] | None:
    """The compiled INSERT of ``keys`` with each parameter's bind processor,
    for a driver with positional ``?`` parameters (SQLite), so that an
    executemany of thousands of rows skips SQLAlchemy's per-row parameter
    building (most of the import's write time). ``None`` for other drivers,
    or when the statement needs parameters the rows do not give (column
    defaults that SQLAlchemy would fill in)."""
    dialect = connection.dialect
    if dialect.paramstyle != "qmark":
        return None
    compiled = insert(table).compile(dialect=dialect, column_keys=keys)
    order = list(compiled.positiontup or ())
    if sorted(order) != sorted(keys):
        return None
    # The dialect's own form of each type (SQLite's DATETIME, a TypeDecorator
    # around it): the processors SQLAlchemy itself would apply.
    processors = [table.c[key].type.dialect_impl(dialect).bind_processor(dialect) for key in order]
    return str(compiled), list(zip(order, processors, strict=True))


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
