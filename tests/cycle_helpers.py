"""Running simulated days of the daily cycle against a loopback SMTP server,
and the independent reading of the reminder policy they are checked with."""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy.engine import Engine

from config import Settings, load_settings
from flows.cycle import CycleReport, run_steps
from models.calendar import calendar_for
from tests.smtp_server import Handler, Received
from tests.test_stages import oracle
from tracking.links import read_commitment_token

LINK = re.compile(r"/(?:compromisos/(\d+)|c/([A-Za-z0-9_.\-]+))")
SECRET = "clave-de-prueba-para-enlaces"


def settings_for(tmp_path: Path, database_url: str, port: int | None) -> Settings:
    return load_settings(
        database_url=database_url,
        data_dir=tmp_path / "var",
        smtp_host="127.0.0.1" if port else None,
        smtp_port=port or 25,
        base_url="http://cumple.test",
        secret_key=SECRET,
    )


def noon(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 15, 0, tzinfo=UTC)


def run_day(
    engine: Engine, settings: Settings, day: date, now: datetime | None = None
) -> CycleReport:
    return asyncio.run(run_steps(engine, settings, day, now=now or noon(day)))


def digests_of(item: Received) -> set[int]:
    """The commitment ids a message's links point to."""
    return {
        int(number) if number else read_commitment_token(SECRET, token)
        for number, token in LINK.findall(item.text)
    }


def digests(handler: Handler, since: int = 0) -> dict[str, set[int]]:
    """recipient → commitment ids in the messages received after ``since``;
    fails if someone got two messages."""
    found: dict[str, set[int]] = {}
    for item in handler.received[since:]:
        ids = digests_of(item)
        for address in item.envelope_to:
            assert address not in found, f"two messages to {address}"
            found[address] = ids
    return found


@dataclass
class Tracked:
    """What the test knows about one commitment, independently of the code."""

    id: int
    region: str
    acta: date
    responsable: str
    gerente: str | None
    director: str | None
    due_dates: list[tuple[date, date]]  # (agreed on, effective due date)
    fulfilled_on: date | None = None

    def due_on(self, day: date) -> date:
        in_force = [due for agreed, due in self.due_dates if agreed <= day]
        return in_force[-1] if in_force else self.due_dates[0][1]


@dataclass
class Policy:
    """The contract's reminder policy, read literally, day by day."""

    commitments: list[Tracked]
    sent: set[tuple[int, date, int]] = field(default_factory=set)

    def expected(self, day: date) -> dict[str, set[int]]:
        out: dict[str, set[int]] = {}
        for c in self.commitments:
            if c.fulfilled_on is not None and c.fulfilled_on <= day:
                continue
            due = c.due_on(day)
            found = oracle(due, day, c.acta, c.region)
            if found is None or (c.id, due, found[0]) in self.sent:
                continue
            self.sent.add((c.id, due, found[0]))
            people = [c.responsable]
            if found[0] >= 5 and c.gerente:
                people.append(c.gerente)
            if found[0] >= 10 and c.director:
                people.append(c.director)
            for person in people:
                out.setdefault(person, set()).add(c.id)
        return out


def business_days(region: str, start: date, end: date) -> list[date]:
    calendar = calendar_for(region)
    days = []
    day = start
    while day <= end:
        if calendar.is_business_day(day):
            days.append(day)
        day += timedelta(days=1)
    return days
