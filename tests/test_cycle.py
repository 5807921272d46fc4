"""The daily cycle end to end: import, simulated days, a real SMTP server on
loopback; every message checked against the policy."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlmodel import Session

from importer import import_file
from models import Commitment, OutboxMessage
from models.calendar import calendar_for
from notifications.outbox import counts
from tests.cycle_helpers import (
    Policy,
    Tracked,
    digests,
    digests_of,
    noon,
    run_day,
    settings_for,
)
from tests.helpers import row, write_csv
from tests.smtp_server import smtp_server
from tracking.updates import Change, apply_change

AN = calendar_for("AN")
NB = calendar_for("NB")


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    for name in list(os.environ):
        if name.startswith("CUMPLE_") or name.startswith("PREFECT_API"):
            monkeypatch.delenv(name)


def load(engine: Engine, tmp_path: Path) -> dict[str, Tracked]:
    """Six commitments; FOSIS Antofagasta's director (d1) is the director
    of every FOSIS commitment in Antofagasta, whichever row named him."""
    rows = [
        row(compromiso="C1 transferencia", plazo="2026-09-21",
            responsable_email="r1@a.cl", institucion_director_email="d1@a.cl",
            territorio_gerente_email="g1@a.cl"),
        row(compromiso="C2 capacitación", acta_fecha="2026-08-03", acta_numero="13",
            plazo="20 días hábiles", responsable_email="r1@a.cl",
            institucion_director_email="d1@a.cl", territorio_gerente_email="g1@a.cl"),
        row(region="Ñuble", territorio="Valle del Itata", compromiso="C3 ñuble",
            acta_fecha="2026-07-01", plazo="2026-08-27", institucion_rut="",
            responsable_email="r3@b.cl", institucion_director_email="d3@b.cl",
            territorio_gerente_email="g3@b.cl"),
        row(compromiso="C4 acta reciente", acta_fecha="2026-10-26", acta_numero="20",
            plazo="2026-10-30", responsable_email="r4@a.cl",
            institucion_director_email="", territorio_gerente_email="g1@a.cl"),
        row(compromiso="C5 cumplido a tiempo", plazo="2026-10-15", responsable_email="r5@a.cl",
            institucion_director_email="", territorio_gerente_email="g1@a.cl"),
        row(compromiso="C6 reprogramado", plazo="2026-09-30", responsable_email="r6@a.cl",
            institucion_director_email="d1@a.cl", territorio_gerente_email="g1@a.cl"),
    ]  # fmt: skip
    import_file(engine, write_csv(tmp_path / "actas.csv", rows), actor="prueba")
    with Session(engine) as session:
        ids = {c.text.split()[0]: c.id for c in session.scalars(select(Commitment))}
    acta = date(2026, 6, 15)
    return {
        "C1": Tracked(ids["C1"], "AN", acta, "r1@a.cl", "g1@a.cl", "d1@a.cl",
                      [(acta, date(2026, 9, 21))]),
        "C2": Tracked(ids["C2"], "AN", date(2026, 8, 3), "r1@a.cl", "g1@a.cl", "d1@a.cl",
                      [(date(2026, 8, 3), AN.add(date(2026, 8, 3), 20))]),
        "C3": Tracked(ids["C3"], "NB", date(2026, 7, 1), "r3@b.cl", "g3@b.cl", "d3@b.cl",
                      [(date(2026, 7, 1), date(2026, 8, 27))]),
        "C4": Tracked(ids["C4"], "AN", date(2026, 10, 26), "r4@a.cl", "g1@a.cl", "d1@a.cl",
                      [(date(2026, 10, 26), date(2026, 10, 30))]),
        "C5": Tracked(ids["C5"], "AN", acta, "r5@a.cl", "g1@a.cl", "d1@a.cl",
                      [(acta, date(2026, 10, 15))]),
        "C6": Tracked(ids["C6"], "AN", acta, "r6@a.cl", "g1@a.cl", "d1@a.cl",
                      [(acta, date(2026, 9, 30))]),
    }  # fmt: skip


def test_a_simulated_quarter_follows_the_policy_message_by_message(
    engine: Engine, database_url: str, tmp_path: Path
) -> None:
    tracked = load(engine, tmp_path)
    policy = Policy(list(tracked.values()))
    facts = {
        date(2026, 9, 25): ("C6", Change(due_date=date(2026, 11, 16), reason="Nueva resolución")),
        date(2026, 10, 9): ("C5", Change(status="cumplido")),
    }
    checked = messages = 0
    with smtp_server() as (handler, port):
        settings = settings_for(tmp_path, database_url, port)
        day = date(2026, 8, 1)
        while day <= date(2026, 11, 30):
            if day in facts:
                name, change = facts[day]
                with Session(engine) as session:
                    apply_change(session, tracked[name].id, change, "gerente", day)
                    session.commit()
                if change.due_date:
                    tracked[name].due_dates.append((day, AN.roll_forward(change.due_date)))
                if change.status == "cumplido":
                    tracked[name].fulfilled_on = day
            before = len(handler.received)
            report = run_day(engine, settings, day)
            got = digests(handler, before)
            assert got == policy.expected(day), day
            assert report.sent == len(got) and report.failed == report.retrying == 0
            checked += 1
            messages += len(got)
            day += timedelta(days=1)
    # Non-business days of each región sent nothing: 20 August only in Ñuble.
    assert checked == 122 and messages > 40
    assert counts(engine) == {"sent": messages}


def test_second_run_for_the_same_day_sends_nothing(
    engine: Engine, database_url: str, tmp_path: Path
) -> None:
    load(engine, tmp_path)
    with smtp_server() as (handler, port):
        settings = settings_for(tmp_path, database_url, port)
        first = run_day(engine, settings, date(2026, 9, 21))
        received = len(handler.received)
        second = run_day(engine, settings, date(2026, 9, 21))
    assert first.sent > 0 and received == first.sent
    assert (second.reminders, second.messages, second.sent) == (0, 0, 0)
    assert len(handler.received) == received


def test_after_downtime_one_current_digest_goes_out(
    engine: Engine, database_url: str, tmp_path: Path
) -> None:
    tracked = load(engine, tmp_path)
    with smtp_server() as (handler, port):
        settings = settings_for(tmp_path, database_url, port)
        run_day(engine, settings, date(2026, 9, 1))
        # Down from 2 September to 5 October: C1 went through -10, -5, -1, 0,
        # +5 and is at +10 on 5 October.
        before = len(handler.received)
        run_day(engine, settings, date(2026, 10, 5))
        got = digests(handler, before)
    c1 = tracked["C1"].id
    assert c1 in got["r1@a.cl"] and c1 in got["g1@a.cl"] and c1 in got["d1@a.cl"]
    c1_messages = [r for r in handler.received[before:] if c1 in digests_of(r)]
    assert len(c1_messages) == 3  # responsable, gerente, director: one each
    text = next(r for r in c1_messages if r.envelope_to == ["r1@a.cl"]).text
    assert "vencido hace 10 días hábiles" in text
    assert text.count("/c/") == len(
        digests_of(next(r for r in c1_messages if r.envelope_to == ["r1@a.cl"]))
    )


@pytest.mark.parametrize("answer", ["451", "drop"])
def test_temporary_failures_are_retried_and_nothing_is_lost(
    engine: Engine, database_url: str, tmp_path: Path, answer: str
) -> None:
    load(engine, tmp_path)
    day = date(2026, 9, 21)
    with smtp_server() as (handler, port):
        handler.plan["r1@a.cl"] = [answer, answer]
        settings = settings_for(tmp_path, database_url, port)
        first = run_day(engine, settings, day)
        assert first.retrying == 1 and first.failed == 0
        assert "r1@a.cl" not in digests(handler)
        # Not yet due again a few seconds later...
        again = run_day(engine, settings, day, noon(day) + timedelta(seconds=5))
        assert again.sent == 0
        # ...then retried with backoff until it goes through, once.
        for minutes in (2, 10):
            run_day(engine, settings, day, noon(day) + timedelta(minutes=minutes))
    got = digests(handler)
    assert "r1@a.cl" in got
    assert counts(engine) == {"sent": first.messages}
    with Session(engine) as session:
        message = session.scalars(
            select(OutboxMessage).where(OutboxMessage.recipient == "r1@a.cl")
        ).one()
    assert message.attempts == 3


def test_permanent_failures_are_recorded_and_shown(
    engine: Engine, database_url: str, tmp_path: Path
) -> None:
    load(engine, tmp_path)
    with smtp_server() as (handler, port):
        handler.plan["r1@a.cl"] = ["550"]
        settings = settings_for(tmp_path, database_url, port)
        report = run_day(engine, settings, date(2026, 9, 21))
        later = run_day(engine, settings, date(2026, 9, 21), noon(date(2026, 9, 22)))
    assert report.failed == 1 and later.sent == 0
    with Session(engine) as session:
        failed = session.scalars(
            select(OutboxMessage).where(OutboxMessage.status == "failed")
        ).one()
    assert failed.recipient == "r1@a.cl" and failed.last_error is not None
    assert failed.last_error.startswith("550")
    assert "r1@a.cl" not in digests(handler)


def test_without_smtp_host_mail_goes_to_the_sink(
    engine: Engine, database_url: str, tmp_path: Path
) -> None:
    load(engine, tmp_path)
    settings = settings_for(tmp_path, database_url, None)
    report = run_day(engine, settings, date(2026, 9, 21))
    files = sorted((tmp_path / "var" / "mail" / "2026-09-21").glob("*.eml"))
    assert report.sent == len(files) > 0
    import email
    from email import policy

    message = email.message_from_bytes(files[0].read_bytes(), policy=policy.default)
    assert message["Message-ID"].startswith("<") and message.get_body(("html",)) is not None
