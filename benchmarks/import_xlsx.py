"""Import throughput: a synthetic XLSX of N rows across the 16 regiones,
imported into a fresh database.

    .venv/bin/python -m benchmarks.import_xlsx [--rows 50000] [--database-url URL]

Prints the time to write the workbook, the import time, rows/s and the
peak RSS of the process. With no URL, a new SQLite file under var/bench/.
"""

from __future__ import annotations

import argparse
import random
import resource
import time
from datetime import date, timedelta
from pathlib import Path

from openpyxl import Workbook

from importer import import_file
from models.db import make_engine
from models.reference import regions
from models.schema import init_database

HEADER = [
    "region", "territorio", "acta_fecha", "acta_instancia", "acta_numero", "institucion",
    "institucion_rut", "responsable", "responsable_email", "institucion_director_email",
    "territorio_gerente_email", "compromiso", "monto", "fuente", "plazo",
]  # fmt: skip
INSTITUTIONS = ["FOSIS", "SERCOTEC", "INDAP", "SENCE", "CORFO", "SERNATUR", "SERNAPESCA"]
INSTANCES = ["Consejo Público-Privado", "Directorio Ejecutivo", "Secretaría Técnica"]


def write_workbook(
    path: Path, rows: int, seed: int = 7, region_codes: list[str] | None = None
) -> None:
    """``rows`` commitments, ~10 per acta, with dates as date cells, amounts
    as numbers or text and a fifth of the plazos in días hábiles."""
    rng = random.Random(seed)
    refs = [r for r in regions() if region_codes is None or r.code in region_codes]
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("actas")
    sheet.append(HEADER)
    for index in range(rows):
        acta = index // 10
        region = refs[acta % len(refs)]
        held_on = date(2025, 1, 1) + timedelta(days=acta % 600)
        institution = INSTITUTIONS[index % len(INSTITUTIONS)]
        amount: object = rng.choice([None, rng.randrange(1, 500) * 100_000])
        if amount is not None and index % 3 == 0:
            amount = f"${amount:,}".replace(",", ".")
        plazo: object = (
            f"{rng.randrange(5, 90)} días hábiles"
            if index % 5 == 0
            else held_on + timedelta(days=rng.randrange(10, 400))
        )
        sheet.append(
            [
                region.name,
                f"Territorio {acta % 40} {region.abbreviation}",
                held_on,
                INSTANCES[acta % len(INSTANCES)],
                str(acta),
                f"{institution} {region.abbreviation}",
                None,
                f"Responsable {index % 500}",
                f"responsable{index % 500}@{institution.lower()}.cl.example",
                f"director@{institution.lower()}-{region.code}.cl.example",
                f"gerente{acta % 40}@cumple.example",
                f"Compromiso {index}: ejecutar la acción comprometida número {index}",
                amount,
                "Presupuesto regular",
                plazo,
            ]
        )
    workbook.save(path)


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
