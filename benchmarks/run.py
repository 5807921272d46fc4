"""``make bench``: the cost of a day at national scale against the goals.

Synthetic data across the 16 regiones at 10k, 100k and 1M commitments
(generated once into ``var/bench/data/``), every ratio measured in the same
run as its reference (these machines are shared and noisy). Prints a table
and writes ``var/bench/results.json`` with every key of ``GOALS``: a
measurement that cannot run here (the throttled relay's scenario before it
exists) is written as null with a note, never a crash. Needs nothing
outside the Python index (no ``wrk``).

    .venv/bin/python -m benchmarks.run [--sizes 10000,100000,1000000]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from benchmarks import delivery_cost, import_xlsx, package, planning_cost, portal_cost, web_cost

RESULTS = Path("var/bench/results.json")
GOALS: dict[str, tuple[str, float, str]] = {
    "plan_1m_s": ("<=", 0.5, "planificar un ciclo con 1M compromisos, 1 % con mensaje"),
    "plan_vs_raw_sql_ratio": ("<=", 5.0, "planificación / selección SQL cruda de esas filas"),
    "delivery_vs_raw_ratio": (
        ">=",
        0.8,
        "correos/s del producto / aiosmtplib crudo, 10 conexiones",
    ),
    "package_100k_s": ("<=", 15.0, "paquete de una región con 100k compromisos"),
    "package_100k_peak_rss_mb": ("<=", 300.0, "RSS máximo de ese paquete"),
    "import_rows_per_s": (">=", 20_000.0, "filas/s al importar un XLSX de 50.000 filas"),
    "run_oneoff_s": ("<=", 5.0, "«cumple run» en frío, base vacía, proceso nuevo"),
    "web_dashboard_p95_ms": ("<=", 100.0, "p95 del tablero con 1M (2 conexiones, 15 s)"),
    "orchestration_overhead_ratio": ("<=", 0.05, "(Prefect − directo) / directo, ciclo con 1M"),
    "portal_region_p95_ms": (
        "<=",
        50.0,
        "p95 de la página de la región más grande del portal con 1M (2 conexiones)",
    ),
    "throttled_lost": ("<=", 0.0, "correos perdidos con un relé que limita por minuto y día"),
    "throttled_duplicates": ("<=", 0.0, "correos duplicados con ese relé"),
    "throttled_refused_ratio": ("<", 0.01, "intentos rechazados por ritmo / intentos"),
}
THROTTLED = ("throttled_lost", "throttled_duplicates", "throttled_refused_ratio")


def run_oneoff(folder: Path) -> float:
    """A cold ``cumple run`` in a new process on a new, empty database."""
    cumple = str(Path(sys.executable).with_name("cumple"))
    with tempfile.TemporaryDirectory(dir=folder) as scratch:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("CUMPLE_", "PREFECT_"))}
        env.update(CUMPLE_DATABASE_URL=f"sqlite:///{scratch}/cumple.db", CUMPLE_DATA_DIR=scratch)
        subprocess.run([cumple, "init"], env=env, check=True, capture_output=True)
        started = time.perf_counter()
        subprocess.run([cumple, "run"], env=env, check=True, capture_output=True)
        return time.perf_counter() - started


def throttled(folder: Path) -> tuple[dict[str, object], str | None]:
    """The throttled relay's scenario (``testbed.throttle.run_scenario``):
    its keys (the three of ``GOALS`` and its context), or null keys and why
    when it is not available."""
    try:
        from testbed.throttle import run_scenario
    except ImportError:
        missing = "escenario del relé con límites no disponible (testbed.throttle)"
        return dict.fromkeys(THROTTLED), missing
    folder.mkdir(parents=True, exist_ok=True)
    figures = run_scenario(folder)
    return {**figures, **{key: figures.get(key) for key in THROTTLED}}, None


def verdict(key: str, value: float | None) -> str:
    if value is None:
        return "SIN MEDIR"
    sense, goal, _ = GOALS[key]
    ok = {"<=": value <= goal, "<": value < goal, ">=": value >= goal}[sense]
    return "cumple" if ok else "NO CUMPLE"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="10000,100000,1000000")
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",")]
    largest = max(sizes)
    folder = Path("var/bench")
    folder.mkdir(parents=True, exist_ok=True)
    results: dict[str, object] = {
        "machine": f"{platform.node()} · {os.cpu_count()} núcleos compartidos · "
        f"Python {platform.python_version()}",
        "started": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    started = time.perf_counter()

    def step(name: str) -> None:
        print(f"[{time.perf_counter() - started:5.0f} s] {name}", flush=True)

    def show(figures: object) -> None:
        print(f"        {json.dumps(figures, ensure_ascii=False, default=str)}", flush=True)

    step("importación de un XLSX de 50.000 filas")
    results["import_50k"] = import_xlsx.measure(50_000)
    show(results["import_50k"])
    results["import_rows_per_s"] = results["import_50k"]["rows_per_s"]  # type: ignore[index]
    planned_url = None
    for size in sizes:
        step(f"planificación con {size:,} compromisos")
        figures = planning_cost.measure(size, str(folder / "plan"))
        results[f"plan_{size}"] = {k: v for k, v in figures.items() if k != "url"}
        show(results[f"plan_{size}"])
        if size == largest:
            planned_url = str(figures["url"])
    plan_large = results[f"plan_{largest}"]
    assert isinstance(plan_large, dict)
    results["plan_1m_s"] = plan_large["plan_s"]
    results["plan_vs_raw_sql_ratio"] = plan_large["plan_s"] / plan_large["raw_sql_s"]
    step("entrega: producto contra aiosmtplib crudo")
    assert planned_url is not None
    delivery = delivery_cost.measure(planned_url, folder / "delivery")
    results["delivery"] = delivery
    show(delivery)
    results["delivery_vs_raw_ratio"] = delivery["product_per_s"] / delivery["raw_per_s"]
    step(f"orquestación: ciclo con {largest:,} por Prefect y directo")
    orchestration = subprocess.run(
        [sys.executable, "-m", "benchmarks.orchestration_cost", str(largest),
         str((folder / "orchestration").resolve())],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    timing = json.loads(orchestration.stdout.strip().splitlines()[-1])
    results["orchestration"] = timing
    show(timing)
    results["orchestration_overhead_ratio"] = (timing["prefect_s"] - timing["direct_s"]) / timing[
        "direct_s"
    ]
    step("paquete de una región con 100.000 compromisos")
    built = package.measure(100_000)
    results["package_100k"] = built
    show(built)
    results["package_100k_s"] = built["seconds"]
    results["package_100k_peak_rss_mb"] = built["peak_rss_mb"]
    step("«cumple run» en frío")
    results["run_oneoff_s"] = run_oneoff(folder)
    step(f"tablero web con {largest:,} compromisos")
    web = web_cost.measure(largest, folder / "web")
    results["web"] = web
    show(web)
    results["web_dashboard_p95_ms"] = web["p95_ms"]
    step(f"portal público con {largest:,} compromisos")
    portal = portal_cost.measure(largest, folder / "portal")
    results["portal"] = portal
    show(portal)
    results["portal_region_p95_ms"] = portal["p95_ms"]
    step("relé con límites por minuto y por día (421/452)")
    figures, missing = throttled(folder / "throttle")
    results.update(figures)
    show(figures)
    notes = [f"sin medir: {missing}"] if missing else []
    results["notes"] = notes
    results["seconds"] = time.perf_counter() - started
    RESULTS.write_text(json.dumps(results, indent=2, ensure_ascii=False), encoding="utf-8")
    print()
    print(f"{'clave':32} {'valor':>10}  {'meta':>8}  resultado")
    for key, (sense, goal, meaning) in GOALS.items():
        raw = results[key]
        value = None if raw is None else float(raw)  # type: ignore[arg-type]
        shown = "—" if value is None else f"{value:10.3f}"
        print(f"{key:32} {shown:>10}  {sense}{goal:<6}  {verdict(key, value)} — {meaning}")
    print()
    for note in notes:
        print(note)
    print(f"importación: {results['import_50k']['rows_per_s']:,.0f} filas/s (XLSX de 50.000)")  # type: ignore[index]
    for size in sizes:
        plan: dict[str, float] = results[f"plan_{size}"]  # type: ignore[assignment]
        print(
            f"planificación con {size:>9,}: {plan['plan_s']:.2f} s para "
            f"{plan['reminders']:,.0f} recordatorios y {plan['messages']:,.0f} correos; "
            f"SQL crudo {plan['raw_sql_s'] * 1000:.0f} ms"
        )
    print(f"resultados en {RESULTS} ({results['seconds']:.0f} s)")


if __name__ == "__main__":
    main()
