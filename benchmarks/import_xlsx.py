"""Import throughput: a synthetic XLSX of N rows across the 16 regiones,
imported into a fresh database.

    .venv/bin/python -m benchmarks.import_xlsx [--rows 50000] [--database-url URL]

Prints the time to write the workbook, the import time, rows/s and the
peak RSS of the process. With no URL, a new SQLite file under var/bench/.
"""

from __future__ import annotations

import argparse
import resource
import time
from pathlib import Path

from importer import import_file
from models.db import make_engine
from models.schema import init_database
from testbed.workbook import write_workbook


def measure(rows: int, url: str | None = None) -> dict[str, float]:
    """Write a workbook of ``rows`` and import it into a new database."""
    folder = Path("var/bench")
    folder.mkdir(parents=True, exist_ok=True)
    workbook = folder / f"import_{rows}.xlsx"
    started = time.perf_counter()
    write_workbook(workbook, rows)
    written = time.perf_counter() - started
    if url is None:
        database = folder / "import.db"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{database}{suffix}").unlink(missing_ok=True)
        url = f"sqlite:///{database}"
    engine = make_engine(url)
    init_database(engine)
    started = time.perf_counter()
    report = import_file(engine, workbook, actor="benchmark")
    elapsed = time.perf_counter() - started
    engine.dispose()
    return {
        "rows": rows,
        "workbook_s": written,
        "import_s": elapsed,
        "rows_per_s": rows / elapsed,
        "commitments": report.commitments,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--database-url")
    args = parser.parse_args()
    figures = measure(args.rows, args.database_url)
    print(f"workbook: {args.rows} filas escritas en {figures['workbook_s']:.1f} s")
    print(
        f"import: {figures['commitments']:.0f} compromisos en {figures['import_s']:.1f} s = "
        f"{figures['rows_per_s']:,.0f} filas/s; RSS máximo {figures['peak_rss_mb']:.0f} MB"
    )


if __name__ == "__main__":
    main()
