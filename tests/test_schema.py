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


def test_deadline_migration_backfills_existing_commitments(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """A database created before 0002 gets one agreement per commitment and
    one per recorded change of plazo."""
    from alembic import command

    from models.db import make_engine
    from models.schema import _alembic_config, seed_reference_data

    engine = make_engine(f"sqlite:///{tmp_path / 'old.db'}")
    config = _alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0001")
    with Session(engine) as session:
        seed_reference_data(session)
        session.commit()
    with engine.begin() as connection:
        for statement in (
            "INSERT INTO territory (id, region_id, name, name_key, created_at) "
            "VALUES (1, 2, 'Loa', 'loa', '2026-01-01')",
            "INSERT INTO institution (id, name, name_key, created_at) "
            "VALUES (1, 'FOSIS', 'fosis', '2026-01-01')",
            "INSERT INTO contact (id, role, email, region_id, institution_id, scope, created_at) "
            "VALUES (1, 'responsable', 'a@b.cl', 2, 1, 'i:1', '2026-01-01')",
            "INSERT INTO acta (id, region_id, territory_id, kind, instance, instance_key, number, "
            "held_on, created_at) VALUES (1, 2, 1, 'acta', 'Mesa', 'mesa', '', '2026-06-15', "
            "'2026-01-01')",
            "INSERT INTO commitment (id, acta_id, region_id, territory_id, institution_id, "
            "responsable_id, text, text_key, executed_amount, plazo_text, original_plazo, plazo, "
            "due_date, status, created_at, updated_at) VALUES (1, 1, 2, 1, 1, 1, 'x', 'k', 0, "
            "'2026-09-18', '2026-09-18', '2026-12-08', '2026-12-09', 'pendiente', "
            "'2026-01-01', '2026-01-01')",
            "INSERT INTO commitment_event (commitment_id, recorded_at, effective_on, actor, field, "
            "old_value, new_value, reason) VALUES (1, '2026-01-01', '2026-09-10', 'a', 'plazo', "
            "'2026-09-18', '2026-12-08', 'Retraso')",
        ):
            connection.execute(text(statement))
    init_database(engine)
    with engine.connect() as connection:
        rows = connection.execute(
            text("SELECT agreed_on, plazo, due_date, reason FROM commitment_deadline ORDER BY id")
        ).all()
    assert [tuple(map(str, r)) for r in rows] == [
        ("2026-06-15", "2026-09-18", "2026-09-21", "None"),
        ("2026-09-10", "2026-12-08", "2026-12-09", "Retraso"),
    ]
    engine.dispose()


def test_head_revision_is_alembics_own() -> None:
    from alembic.script import ScriptDirectory

    from models.schema import _alembic_config, head_revision

    assert head_revision() == ScriptDirectory.from_config(_alembic_config()).get_current_head()
