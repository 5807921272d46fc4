"""A database from before the record (revision 0006) gets its chains built,
its states replayed and the acta's words back, on SQLite and PostgreSQL."""

from __future__ import annotations

import itertools
import json
import uuid
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select, text
from sqlalchemy.engine import Engine, make_url
from sqlmodel import Session

from models import Commitment, CommitmentEvent, CommitmentState, Reminder
from models.db import make_engine
from models.schema import _alembic_config, init_database, seed_reference_data
from tests.conftest import POSTGRES_URL, _pg_execute, _postgres_reason
from tracking.audit import audit
from tracking.evidence_store import EvidenceStore
from tracking.protocols import list_protocols, set_protocol
from tracking.queries import Filters, list_commitments

OLD_ROWS = (
    "INSERT INTO territory (id, region_id, name, name_key, created_at) "
    "VALUES (1, 2, 'Loa', 'loa', '2026-01-01 00:00:00+00')",
    "INSERT INTO institution (id, name, name_key, created_at) "
    "VALUES (1, 'FOSIS', 'fosis', '2026-01-01 00:00:00+00')",
    "INSERT INTO contact (id, role, email, region_id, institution_id, scope, created_at) "
    "VALUES (1, 'responsable', 'a@b.cl', 2, 1, 'i:1', '2026-01-01 00:00:00+00')",
    "INSERT INTO acta (id, region_id, territory_id, kind, instance, instance_key, number, "
    "held_on, created_at) VALUES (1, 2, 1, 'acta', 'Mesa', 'mesa', '', '2026-06-15', "
    "'2026-01-01 00:00:00+00')",
    # Commitment 1: a new due date overwrote the acta's words (the old bug),
    # then a payment and a fulfilment.
    "INSERT INTO commitment (id, acta_id, region_id, territory_id, institution_id, "
    "responsable_id, text, text_key, amount, executed_amount, plazo_text, original_plazo, "
    "plazo, due_date, status, fulfilled_on, created_at, updated_at) VALUES (1, 1, 2, 1, 1, 1, "
    "'Transferir', 'k1', 5000000, 5000000, '2026-12-08', '2026-09-18', '2026-12-08', "
    "'2026-12-09', 'cumplido', '2026-10-05', '2026-01-01 00:00:00+00', "
    "'2026-01-01 00:00:00+00')",
    "INSERT INTO commitment (id, acta_id, region_id, territory_id, institution_id, "
    "responsable_id, text, text_key, executed_amount, plazo_text, original_plazo, plazo, "
    "due_date, status, created_at, updated_at) VALUES (2, 1, 2, 1, 1, 1, 'Capacitar', 'k2', 0, "
    "'20 días hábiles', '2026-07-13', '2026-07-13', '2026-07-13', 'pendiente', "
    "'2026-01-01 00:00:00+00', '2026-01-01 00:00:00+00')",
    "INSERT INTO commitment_event (commitment_id, recorded_at, effective_on, actor, field, "
    "old_value, new_value, reason) VALUES "
    "(1, '2026-06-16 12:00:00+00', '2026-06-15', 'a', 'created', NULL, '2026-09-18', NULL), "
    "(2, '2026-06-16 12:00:00+00', '2026-06-15', 'a', 'created', NULL, '2026-07-13', NULL), "
    "(1, '2026-09-10 12:00:00+00', '2026-09-10', 'a', 'plazo', '2026-09-18', '2026-12-08', "
    "'Retraso'), "
    "(1, '2026-10-06 12:00:00+00', '2026-10-01', 'a', 'executed_amount', '0', '5000000', NULL), "
    "(1, '2026-10-06 12:00:01+00', '2026-10-05', 'a', 'status', 'pendiente', 'cumplido', NULL)",
    "INSERT INTO commitment_deadline (commitment_id, agreed_on, plazo, due_date, reason, "
    "recorded_at) VALUES (1, '2026-06-15', '2026-09-18', '2026-09-21', NULL, "
    "'2026-01-01 00:00:00+00'), (1, '2026-09-10', '2026-12-08', '2026-12-09', 'Retraso', "
    "'2026-01-01 00:00:00+00'), (2, '2026-06-15', '2026-07-13', '2026-07-13', NULL, "
    "'2026-01-01 00:00:00+00')",
    "INSERT INTO reminder (commitment_id, due_date, stage, stage_on, cycle_date, created_at) "
    "VALUES (2, '2026-07-13', 0, '2026-07-13', '2026-07-13', '2026-07-13 12:00:00+00')",
    "INSERT INTO protocol (region_id, every, since, recipient_title, created_at, updated_at) "
    "VALUES (2, 'quarter', '2026-07-01', 'Gobernador', '2026-01-01 00:00:00+00', "
    "'2026-01-01 00:00:00+00')",
)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def empty_engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    if request.param == "sqlite":
        engine = make_engine(f"sqlite:///{tmp_path / 'old.db'}")
        yield engine
        engine.dispose()
        return
    reason = _postgres_reason()
    if reason is not None:
        pytest.skip(f"PostgreSQL no responde en {POSTGRES_URL}: {reason}")
    name = f"cumple_old_{uuid.uuid4().hex[:10]}"
    _pg_execute(f"CREATE DATABASE {name}")
    engine = make_engine(make_url(POSTGRES_URL).set(database=name).render_as_string(False))
    yield engine
    engine.dispose()
    _pg_execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def test_the_record_migration_builds_chains_and_states(
    empty_engine: Engine, tmp_path: Path
) -> None:
    from alembic import command

    config = _alembic_config()
    with empty_engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0006")
    with Session(empty_engine) as session:
        seed_reference_data(session)
        session.commit()
    with empty_engine.begin() as connection:
        for statement in OLD_ROWS:
            connection.execute(text(statement))
    init_database(empty_engine)

    report = audit(empty_engine, EvidenceStore(tmp_path / "evidencias"))
    assert report.ok, report.problems
    assert (report.commitments, report.entries) == (2, 5)
    with Session(empty_engine) as session:
        first = session.get(Commitment, 1)
        assert first is not None
        assert first.plazo_text == "2026-09-18"  # the acta's date, no longer the new one
        assert (first.history_length, first.verified_on) == (4, date(2026, 10, 5))
        events = session.scalars(
            select(CommitmentEvent)
            .where(CommitmentEvent.commitment_id == 1)
            .order_by(CommitmentEvent.position)  # type: ignore[arg-type]
        ).all()
        assert [e.field for e in events] == ["created", "plazo", "executed_amount", "status"]
        created = json.loads(events[0].new_value or "")
        assert (created["plazo"], created["monto"], created["plazo_texto"]) == (
            "2026-09-18", 5_000_000, "2026-09-18",
        )  # fmt: skip
        assert events[0].previous_hash == "0" * 64
        assert all(b.previous_hash == a.hash for a, b in itertools.pairwise(events))
        states = session.scalars(
            select(CommitmentState.valid_from).where(CommitmentState.commitment_id == 1)
        ).all()
        assert sorted(states) == [
            date(2026, 6, 15), date(2026, 9, 10), date(2026, 10, 1), date(2026, 10, 5)
        ]  # fmt: skip
        on = {
            day: next(v for v in list_commitments(session, Filters(), day) if v.id == 1)
            for day in (date(2026, 9, 22), date(2026, 10, 2), date(2026, 10, 5))
        }
        kinds = session.scalars(select(Reminder.kind)).all()
        set_protocol(session, region_text="II", recipients=["b@gore.cl"], every="month",
                     since=date(2026, 12, 1), title=None)  # fmt: skip
        session.commit()
        versions = len(list_protocols(session))
    september = on[date(2026, 9, 22)]
    assert (september.vencimiento, september.monto_ejecutado) == (date(2026, 12, 9), 0)
    assert on[date(2026, 10, 2)].monto_ejecutado == 5_000_000
    assert on[date(2026, 10, 2)].estado.value != "cumplido"
    assert on[date(2026, 10, 5)].estado.value == "cumplido"
    assert kinds == ["plazo"] and versions == 2
