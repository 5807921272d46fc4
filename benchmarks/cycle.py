"""Cost of a daily cycle against the number of commitments stored.

    .venv/bin/python -m benchmarks.cycle [--commitments 100000]

Imports a synthetic workbook (see ``benchmarks.import_xlsx``) into a new
SQLite file, then runs three daily cycles: an early day when few of the
stored commitments are due, the day after a long "downtime" (every overdue
commitment gets its current stage) and a steady business day. Planning and
delivery (to the local .eml sink) are timed apart, so that the cost per
message can be compared across sizes.
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import time
from datetime import UTC, date, datetime
from pathlib import Path

from config import load_settings
from importer import import_file
from models.db import make_engine
from models.schema import init_database
from notifications.delivery import deliver
from planning.cycle import plan_cycle
from testbed.workbook import write_workbook


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--commitments", type=int, default=100_000)
    args = parser.parse_args()
    folder = Path("var/bench") / f"cycle_{args.commitments}"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    workbook = folder / "actas.xlsx"
    write_workbook(workbook, args.commitments)
    url = f"sqlite:///{folder / 'cumple.db'}"
    settings = load_settings(database_url=url, data_dir=folder)
    engine = make_engine(url)
    init_database(engine)
    started = time.perf_counter()
    import_file(engine, workbook, actor="benchmark")
    print(f"{args.commitments} compromisos importados en {time.perf_counter() - started:.1f} s")
    # An early day (few of the stored commitments due yet), the day after a
    # long downtime (every overdue commitment at its current stage), and a
    # steady business day.
    for day in (date(2025, 3, 3), date(2026, 11, 24), date(2026, 11, 25)):
        now = datetime(day.year, day.month, day.day, 11, tzinfo=UTC)
        started = time.perf_counter()
        plan = plan_cycle(engine, settings, day, now)
        planned = time.perf_counter() - started
        started = time.perf_counter()
        report = asyncio.run(deliver(engine, settings, now=now))
        delivered = time.perf_counter() - started
        per_message = (planned + delivered) / max(plan.messages, 1) * 1000
        print(
            f"{day}: {plan.due} filas por revisar, {plan.reminders} recordatorios, "
            f"{plan.messages} correos; planificación {planned:.2f} s, entrega {delivered:.2f} s "
            f"({report.sent} enviados); {per_message:.2f} ms por correo"
        )


if __name__ == "__main__":
    main()
