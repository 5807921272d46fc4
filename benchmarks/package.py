"""Building one región's information package at 100,000 commitments.

    .venv/bin/python -m benchmarks.package [--commitments 100000]

Imports a synthetic workbook whose commitments all belong to Antofagasta
(once; the database is kept under var/bench/), then builds the 2026-Q3
package in a fresh process and prints its wall time and peak RSS.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from config import load_settings
from importer import import_file
from models.db import make_engine
from models.geography import Region
from models.schema import head_revision, init_database
from testbed.workbook import write_workbook


def build_once(folder: Path) -> None:
    """Runs in its own process, so its peak RSS is the build's alone."""
    from sqlmodel import Session

    from reports.build import build_package
    from reports.periods import parse_period

    url = f"sqlite:///{folder / 'cumple.db'}"
    settings = load_settings(database_url=url, data_dir=folder)
    engine = make_engine(url)
    with Session(engine) as session:
        region = session.get(Region, 2)
    assert region is not None
    started = time.perf_counter()
    built = build_package(engine, settings, region, parse_period("2026-Q3"), now=datetime.now(UTC))
    elapsed = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    sizes = {p.name: p.stat().st_size for p in built.files}
    print(json.dumps({"seconds": elapsed, "peak_rss_mb": peak, "commitments": built.commitments,
                      "bytes": sizes}))  # fmt: skip


def measure(commitments: int) -> dict[str, object]:
    """Build the package in a fresh process (its peak RSS is the build's)."""
    # One imported database per schema revision: an older one cannot be read.
    folder = Path("var/bench") / f"package_{commitments}-r{head_revision()}"
    database = folder / "cumple.db"
    if not database.exists():
        folder.mkdir(parents=True, exist_ok=True)
        workbook = folder / "actas.xlsx"
        write_workbook(workbook, commitments, region_codes=["02"])
        partial = folder / "cumple.partial.db"
        engine = make_engine(f"sqlite:///{partial}")
        init_database(engine)
        import_file(engine, workbook, actor="benchmark")
        engine.dispose()
        partial.rename(database)
        for suffix in ("-wal", "-shm"):
            Path(f"{partial}{suffix}").unlink(missing_ok=True)
    result = subprocess.run(
        [sys.executable, "-m", "benchmarks.package", "--build-only", str(folder)],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    return json.loads(result.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--commitments", type=int, default=100_000)
    parser.add_argument("--build-only", type=Path)
    args = parser.parse_args()
    if args.build_only:
        build_once(args.build_only)
        return
    figures = measure(args.commitments)
    print(
        f"paquete de {figures['commitments']} compromisos: {figures['seconds']:.1f} s, "
        f"RSS máximo {figures['peak_rss_mb']:.0f} MB; archivos: "
        + ", ".join(f"{k} {v / 1e6:.1f} MB" for k, v in figures["bytes"].items())  # type: ignore[attr-defined]
    )


if __name__ == "__main__":
    main()
