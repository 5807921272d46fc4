"""The cost of Prefect: one daily cycle at 1M commitments through
Prefect's engine (flow + three tasks, local ephemeral API already started)
against the same steps called directly, each on its own fresh copy, mail
to the ``.eml`` sink. Run in its own process: Prefect's settings come from
the environment it is started with."""

from __future__ import annotations

import asyncio
import json
import sys
import time
from datetime import date
from pathlib import Path

from benchmarks.data import BENCH_DAY, working_copy
from config import load_settings
from flows.cycle import prefect_environment, run_steps
from models.db import make_engine

SUNDAY = date(2026, 11, 22)  # nothing is due: warms imports, calendars, Prefect's server


def _direct(url: str, folder: Path) -> float:
    settings = load_settings(database_url=url, data_dir=folder / "directo", secret_key="b" * 40)
    engine = make_engine(url)
    asyncio.run(run_steps(engine, settings, SUNDAY))
    started = time.perf_counter()
    asyncio.run(run_steps(engine, settings, BENCH_DAY))
    elapsed = time.perf_counter() - started
    engine.dispose()
    return elapsed


def _through_prefect(url: str, folder: Path) -> float:
    settings = load_settings(
        database_url=url, data_dir=folder / "prefect", secret_key="b" * 40,
        orchestration="prefect",
    )  # fmt: skip
    with prefect_environment(settings):
        import os

        os.environ["CUMPLE_SECRET_KEY"] = "b" * 40
        from flows.prefect_flows import run_through_prefect

        asyncio.run(run_through_prefect(settings, SUNDAY))
        started = time.perf_counter()
        asyncio.run(run_through_prefect(settings, BENCH_DAY))
        return time.perf_counter() - started


def main() -> None:
    commitments, folder = int(sys.argv[1]), Path(sys.argv[2])
    # Alternated twice, the best of each: a single pair is within the noise
    # of these shared disks (page cache, copies of a 700 MB file).
    direct, prefect = [], []
    for round_ in range(2):
        direct.append(_direct(working_copy(commitments, "orq-directo"), folder / f"d{round_}"))
        prefect.append(
            _through_prefect(working_copy(commitments, "orq-prefect"), folder / f"p{round_}")
        )
    print(json.dumps({"direct_s": min(direct), "prefect_s": min(prefect),
                      "direct_runs": direct, "prefect_runs": prefect}))  # fmt: skip


if __name__ == "__main__":
    main()
