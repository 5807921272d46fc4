"""The throttled-relay scenario, shared by ``make faults`` and the
benchmarks: a few thousand messages through a relay that enforces a
per-minute cap and a daily quota (421/452, :class:`CappedRelay`), with two
dispatchers at once, over as many days as the quota needs.

Time runs ``scale`` times faster (a test-only knob: the dispatchers and the
relay share one :class:`notifications.limits.Clock`), so a day's quota goes
out in seconds. Our configured rate is above the relay's on purpose: the
first refusals must teach delivery the server's own limit.

    python -m testbed.throttle
"""

from __future__ import annotations

import asyncio
import shutil
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from aiosmtpd.controller import Controller
from sqlalchemy import insert, select

from config import load_settings
from models.db import make_engine
from models.reminders import OutboxMessage
from models.schema import init_database
from notifications.delivery import deliver
from notifications.limits import Clock
from testbed.smtp_recorder import CappedRelay

START = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)  # 09:00 in Santiago
OUTBOX = OutboxMessage.__table__  # type: ignore[attr-defined]


@dataclass(frozen=True)
class ThrottledResult:
    messages: int
    accepted: int
    refused: int
    lost: int
    duplicates: int
    not_sent: int
    days: int
    worst_minute: int
    seconds: float

    @property
    def refused_ratio(self) -> float:
        """Refusals for rate or quota over every attempt the relay saw."""
        attempts = self.accepted + self.refused
        return self.refused / attempts if attempts else 0.0

    @property
    def ok(self) -> bool:
        return self.lost == 0 and self.duplicates == 0 and self.not_sent == 0


def _seed(url: str, count: int) -> None:
    engine = make_engine(url)
    body = "Compromisos por vencer en su territorio.\n" * 20
    rows = [
        {
            "key": f"throttled:{index}", "kind": "package" if index % 50 == 0 else "digest",
            "cycle_date": date(2026, 11, 25), "recipient": f"persona{index % 997}@cumple.test",
            "recipient_name": None, "subject": f"Compromisos: recordatorio {index}",
            "body_text": body, "body_html": f"<p>{body}</p>",
            "message_id": f"<throttled.{index}@cumple.test>", "status": "pending",
            "attempts": 0, "next_attempt_at": START, "claimed_by": None, "claimed_at": None,
            "sent_at": None, "last_error": None, "created_at": START,
        }
        for index in range(count)
    ]  # fmt: skip
    try:
        init_database(engine)
        with engine.begin() as connection:
            for start in range(0, len(rows), 1000):
                connection.execute(insert(OUTBOX), rows[start : start + 1000])
    finally:
        engine.dispose()


def _free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def run_throttled(
    folder: Path,
    url: str | None = None,
    *,
    messages: int = 3000,
    relay_per_minute: int = 100,
    our_per_minute: int = 120,
    daily: int = 1200,
    dispatchers: int = 2,
    scale: float = 60.0,
    max_days: int = 10,
) -> ThrottledResult:
    """Deliver ``messages`` from a fresh database (``url``, migrated here;
    default a SQLite file in ``folder``) through the capped relay, one
    simulated day after another until none is left, and count what the
    relay took."""
    scratch = Path(tempfile.mkdtemp(prefix="throttled-", dir=folder))
    try:
        url = url or f"sqlite:///{scratch / 'throttled.db'}"
        caps = (relay_per_minute, our_per_minute, daily)
        return _run(scratch, url, messages, caps, dispatchers, scale, max_days)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _run(
    folder: Path,
    url: str,
    messages: int,
    caps: tuple[int, int, int],
    dispatchers: int,
    scale: float,
    max_days: int,
) -> ThrottledResult:
    relay_per_minute, our_per_minute, daily = caps
    _seed(url, messages)
    clock = Clock(START, scale)
    relay = CappedRelay(clock.now, per_minute=relay_per_minute, daily=daily)
    port = _free_port()
    controller = Controller(relay, hostname="127.0.0.1", port=port)
    controller.start()
    settings = load_settings(
        database_url=url, data_dir=folder, smtp_host="127.0.0.1", smtp_port=port,
        smtp_rate_per_minute=our_per_minute, smtp_daily_quota=daily,
    )  # fmt: skip
    engine = make_engine(url)
    started = time.monotonic()
    days = 0
    errors: list[BaseException] = []
    try:
        while days < max_days:
            with engine.connect() as connection:
                pending = connection.execute(
                    select(OUTBOX.c.id).where(OUTBOX.c.status != "sent").limit(1)
                ).first()
            if pending is None:
                break
            clock = Clock(START + timedelta(days=days), scale)
            relay.clock = clock.now
            relay.new_day()
            days += 1

            def dispatch(name: str, day_clock: Clock = clock) -> None:
                own = make_engine(url)
                try:
                    asyncio.run(
                        deliver(own, settings, now=day_clock.start, clock=day_clock, worker=name)
                    )
                except BaseException as exc:  # reported after the threads end
                    errors.append(exc)
                finally:
                    own.dispose()

            threads = [
                threading.Thread(target=dispatch, args=(f"relay-{days}-{n}",))
                for n in range(dispatchers)
            ]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            if errors:
                raise errors[0]
        with engine.connect() as connection:
            statuses = dict(connection.execute(select(OUTBOX.c.message_id, OUTBOX.c.status)).all())
    finally:
        engine.dispose()
        controller.stop()
    counts = Counter(relay.accepted)
    return ThrottledResult(
        messages=len(statuses),
        accepted=len(relay.accepted),
        refused=relay.refused,
        lost=sum(1 for message_id in statuses if message_id not in counts),
        duplicates=sum(n - 1 for n in counts.values() if n > 1),
        not_sent=sum(1 for status in statuses.values() if status != "sent"),
        days=days,
        worst_minute=relay.worst_minute,
        seconds=time.monotonic() - started,
    )


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        result = run_throttled(Path(folder))
    print(
        f"throttled: messages={result.messages} days={result.days} "
        f"worst_minute={result.worst_minute} lost={result.lost} "
        f"duplicates={result.duplicates} refused_ratio={result.refused_ratio:.4f} "
        f"seconds={result.seconds:.1f}"
    )


if __name__ == "__main__":
    main()


def run_scenario(folder: Path) -> dict[str, object]:
    """The scenario as ``benchmarks.run`` records it: ``throttled_lost``,
    ``throttled_duplicates``, ``throttled_refused_ratio`` (and context)."""
    result = run_throttled(folder)
    return {
        "throttled_lost": result.lost,
        "throttled_duplicates": result.duplicates,
        "throttled_refused_ratio": round(result.refused_ratio, 4),
        "throttled_messages": result.messages,
        "throttled_days": result.days,
        "throttled_worst_minute": result.worst_minute,
        "throttled_s": round(result.seconds, 1),
    }
