"""Synthetic databases for the benchmarks, generated once per size and
kept under ``var/bench/data/`` (a million commitments take a minute or two
to write); each measurement works on its own copy."""

from __future__ import annotations

import shutil
import sqlite3
from datetime import date
from pathlib import Path

from benchmarks.synthetic import generate
from models.db import make_engine
from models.schema import init_database, upgrade

DATA = Path("var/bench/data")
BENCH_DAY = date(2026, 11, 25)
VERSION = 3  # bump when the generator or the schema changes


def pristine(commitments: int) -> Path:
    """The generated database for ``commitments`` (made if missing)."""
    DATA.mkdir(parents=True, exist_ok=True)
    path = DATA / f"synthetic-{commitments}-v{VERSION}.db"
    if path.exists():
        return path
    partial = path.with_suffix(".partial")
    for suffix in ("", "-wal", "-shm"):
        Path(f"{partial}{suffix}").unlink(missing_ok=True)
    engine = make_engine(f"sqlite:///{partial}")
    init_database(engine)
    result = generate(engine, commitments, BENCH_DAY)
    engine.dispose()
    connection = sqlite3.connect(partial)
    connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    connection.execute("ANALYZE")
    connection.close()
    partial.rename(path)
    print(f"  datos sintéticos: {commitments:,} compromisos en {result.seconds:.0f} s", flush=True)
    return path


def working_copy(commitments: int, name: str) -> str:
    """A fresh copy of the pristine database, migrated to the latest
    schema; its SQLAlchemy URL."""
    source = pristine(commitments)
    target = DATA.parent / "work" / f"{name}.db"
    target.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(source, target)
    url = f"sqlite:///{target}"
    # The pristine data stays at the schema it was generated with (a new
    # migration must not cost a 1M regeneration): the copy is brought up to
    # date, which also builds any index added since.
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    return url
