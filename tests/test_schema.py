"""Migrations and reference data, on SQLite and PostgreSQL."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import func, inspect, select, text
from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel

from models import Comuna, Region, RegionAlias
from models.schema import current_revision, ensure_ready, head_revision, init_database


def test_init_is_idempotent_and_loads_reference_data(engine: Engine) -> None:
    first = init_database(engine)
    second = init_database(engine)
    assert first == second
    assert first.regions == 16 and first.comunas == 346
    assert current_revision(engine) == head_revision()
    ensure_ready(engine)
    with Session(engine) as session:
        antofagasta = session.get(Region, 2)
        assert antofagasta is not None
        assert (antofagasta.code, antofagasta.iso_code, antofagasta.roman) == ("02", "AN", "II")
        nuble = session.get(Region, 16)
        assert nuble is not None and nuble.iso_code == "NB" and nuble.name == "Ñuble"
        ovalle = session.get(Comuna, "04301")
        assert ovalle is not None and ovalle.name == "Ovalle" and ovalle.region_id == 4
        aliases = session.scalar(select(func.count()).select_from(RegionAlias))
        assert aliases is not None and aliases > 16 * 8


def test_migrations_match_the_models(engine: Engine) -> None:
    """The migration history builds exactly the tables the models declare."""
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": False})
        differences = compare_metadata(context, SQLModel.metadata)
    assert differences == []


def test_sqlite_runs_with_wal_and_foreign_keys(sqlite_engine: Engine) -> None:
    with sqlite_engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1


def test_every_table_exists(engine: Engine) -> None:
    names = set(inspect(engine).get_table_names())
    assert {
        "region",
        "region_alias",
        "comuna",
        "territory",
        "institution",
        "contact",
        "acta",
        "commitment",
        "commitment_event",
        "protocol",
        "protocol_recipient",
        "alembic_version",
    } <= names
