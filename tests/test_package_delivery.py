"""The daily cycle mails each protocol period's package once, with its
files attached, and catches up a missed day."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlmodel import Session

from models import OutboxMessage, Package, PackageDelivery
from tests.cycle_helpers import run_day, settings_for
from tests.smtp_server import smtp_server
from tests.test_reports import load
from tracking.protocols import set_protocol

FILES = {
    "informe.pdf", "planilla.xlsx", "compromisos.csv", "compromisos.json",
    "datapackage.json", "catalogo.jsonld", "manifest.json",
}  # fmt: skip


def package_messages(handler, since: int = 0) -> list:  # type: ignore[no-untyped-def]
    return [
        r for r in handler.received[since:] if "Informe de compromisos" in str(r.message["Subject"])
    ]


def test_cycle_mails_each_period_once_with_its_files(
    engine: Engine, database_url: str, tmp_path: Path
) -> None:
    load(engine, tmp_path)
    with Session(engine) as session:
        set_protocol(
            session, region_text="Antofagasta",
            recipients=["gobernador@gore.cl.example", "core@gore.cl.example"],
            every="quarter", since=date(2026, 7, 1), title=None,
        )  # fmt: skip
        session.commit()
    with smtp_server() as (handler, port):
        settings = settings_for(tmp_path, database_url, port)
        seen: dict[date, int] = {}
        day = date(2026, 9, 28)
        while day <= date(2026, 10, 6):
            before = len(handler.received)
            report = run_day(engine, settings, day)
            seen[day] = len(package_messages(handler, before))
            assert report.packages == (1 if day == date(2026, 10, 1) else 0)
            day += timedelta(days=1)
    assert {d: n for d, n in seen.items() if n} == {date(2026, 10, 1): 2}
    messages = package_messages(handler)
    assert sorted(m.envelope_to[0] for m in messages) == [
        "core@gore.cl.example", "gobernador@gore.cl.example"
    ]  # fmt: skip
    for message in messages:
        assert "tercer trimestre de 2026" in str(message.message["Subject"])
        attached = {part.get_filename() for part in message.message.iter_attachments()}
        assert attached == FILES
        pdf = next(
            p for p in message.message.iter_attachments() if p.get_filename() == "informe.pdf"
        )
        assert pdf.get_content_type() == "application/pdf"
        assert pdf.get_content().startswith(b"%PDF")
    with Session(engine) as session:
        packages = session.scalars(select(Package)).all()
        deliveries = session.scalars(select(PackageDelivery)).all()
        sent = {
            m.recipient: m.sent_at
            for m in session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "package"))
        }
    assert [(p.period, p.automatic_key) for p in packages] == [("2026-Q3", "protocolo")]
    assert sorted(d.recipient for d in deliveries) == sorted(sent)
    assert all(set(json.loads(d.files)) == FILES for d in deliveries)
    assert all(value is not None for value in sent.values())


def test_a_missed_day_is_caught_up_by_the_next_cycle(
    engine: Engine, database_url: str, tmp_path: Path
) -> None:
    load(engine, tmp_path)
    with Session(engine) as session:
        set_protocol(
            session, region_text="II", recipients=["gore@gore.cl.example"],
            every="month", since=date(2026, 9, 1), title="Consejo Regional de Antofagasta",
        )  # fmt: skip
        session.commit()
    with smtp_server() as (handler, port):
        settings = settings_for(tmp_path, database_url, port)
        # No cycle on 1 October (September's first business day after); the
        # next one, on 5 October, builds and mails September's package.
        report = run_day(engine, settings, date(2026, 10, 5))
        again = run_day(engine, settings, date(2026, 10, 6))
    assert report.packages == 1 and again.packages == 0
    [message] = package_messages(handler)
    assert "septiembre de 2026" in str(message.message["Subject"])
    assert "Consejo Regional de Antofagasta" in message.text
