"""Planning a daily cycle against the raw SQL selection of the same rows."""

from __future__ import annotations

import statistics
import time
from datetime import UTC, datetime

from sqlalchemy.dialects import sqlite

from benchmarks.data import BENCH_DAY, working_copy
from config import load_settings
from models.calendar import calendar_for
from models.db import make_engine, sqlite_file
from models.reference import regions
from planning.cycle import due_query, plan_cycle


def raw_selection_seconds(url: str, repeats: int = 5) -> tuple[float, int]:
    """Median time of the planner's selection run as plain SQL through the
    DB-API cursor (no SQLAlchemy, no objects), and the rows it returns."""
    import sqlite3

    sql = str(
        due_query(BENCH_DAY).compile(
            dialect=sqlite.dialect(), compile_kwargs={"literal_binds": True}
        )
    )
    connection = sqlite3.connect(sqlite_file(url))
    times, rows = [], 0
    for _ in range(repeats):
        started = time.perf_counter()
        rows = len(connection.execute(sql).fetchall())
        times.append(time.perf_counter() - started)
    connection.close()
    return statistics.median(times), rows


def measure(commitments: int, folder: str) -> dict[str, float]:
    """Plan ``BENCH_DAY`` on a fresh copy; the calendars of the 16 regiones
    are built first (once per process, ~0.2 s, paid by any long-lived
    scheduler or worker at start-up)."""
    url = working_copy(commitments, f"plan-{commitments}")
    settings = load_settings(database_url=url, data_dir=folder, secret_key="b" * 40)
    for region in regions():
        calendar_for(region.iso_code).add(BENCH_DAY, 30)
    raw, rows = raw_selection_seconds(url)
    engine = make_engine(url)
    started = time.perf_counter()
    report = plan_cycle(engine, settings, BENCH_DAY, datetime(2026, 11, 25, 10, tzinfo=UTC))
    planned = time.perf_counter() - started
    engine.dispose()
    return {
        "url": url,  # type: ignore[dict-item]
        "due": report.due,
        "reminders": report.reminders,
        "messages": report.messages,
        "plan_s": planned,
        "raw_sql_s": raw,
        "raw_rows": rows,
    }
