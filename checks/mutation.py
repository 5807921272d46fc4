"""``make mutation``: mutation testing of the rules that decide money, dates
and mail (the modules listed under ``[tool.mutmut]`` in pyproject.toml),
with mutmut, against the tests that exercise them.

Runs ``mutmut run`` from scratch (the ``mutants/`` folder is rebuilt),
then writes ``var/mutation/results.json`` (``total``, ``killed``,
``survived``, ``timeout``, ``no_tests``, the score and the modules covered,
each with its own counts) and prints a table per module and every surviving
mutant with its diff. Exit 1 when fewer than ``--goal`` (default 90 %) of
the mutants are killed."""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import time
import tomllib
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "var" / "mutation" / "results.json"
MUTMUT = str(Path(sys.executable).with_name("mutmut"))
NAME = re.compile(r"^(?P<module>[\w.]+?)\.x[_ǁ](?P<function>.+?)__mutmut_(?P<n>\d+)$")
KILLED = {"killed", "caught by type check"}


def run_mutmut(children: int) -> float:
    shutil.rmtree(ROOT / "mutants", ignore_errors=True)
    started = time.monotonic()
    log = ROOT / "var" / "mutation" / "mutmut.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("w") as handle:
        result = subprocess.run(
            [MUTMUT, "run", "--max-children", str(children)],
            cwd=ROOT, stdout=handle, stderr=subprocess.STDOUT, check=False,
        )  # fmt: skip
    if result.returncode not in (0, 1):
        tail = log.read_text(errors="replace")[-3000:]
        raise SystemExit(f"mutmut terminó con {result.returncode}:\n{tail}")
    return time.monotonic() - started


def statuses() -> dict[str, str]:
    """Every mutant with its status, as ``mutmut results --all true`` says."""
    out = subprocess.run(
        [MUTMUT, "results", "--all", "true"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    found = {}
    for line in out.splitlines():
        name, _, status = line.strip().rpartition(": ")
        if name:
            found[name] = status
    return found


def diff_of(name: str) -> str:
    return subprocess.run(
        [MUTMUT, "show", name], cwd=ROOT, capture_output=True, text=True, check=False
    ).stdout.strip()


def summarise(found: dict[str, str], seconds: float | None) -> dict[str, object]:
    modules: dict[str, Counter[str]] = defaultdict(Counter)
    for name, status in found.items():
        match = NAME.match(name)
        module = match.group("module") if match else name
        modules[module][status] += 1
    totals: Counter[str] = Counter(found.values())
    total = len(found)
    killed = sum(totals[s] for s in KILLED)
    survivors = sorted(n for n, s in found.items() if s not in KILLED | {"timeout"})
    configured = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["mutmut"]
    return {
        "total": total,
        "killed": killed,
        "survived": totals["survived"],
        "timeout": totals["timeout"],
        "no_tests": totals["no tests"],
        "suspicious": totals["suspicious"],
        "skipped": totals["skipped"],
        "score": round((killed + totals["timeout"]) / total, 4) if total else 0.0,
        "seconds": round(seconds, 1) if seconds is not None else None,
        "modules_covered": configured["only_mutate"],
        "modules": {
            module: {
                "total": sum(counts.values()),
                "killed": sum(counts[s] for s in KILLED),
                "survived": counts["survived"],
                "timeout": counts["timeout"],
                "no_tests": counts["no tests"],
            }
            for module, counts in sorted(modules.items())
        },
        "survivors": [
            {"name": name, "status": found[name], "diff": diff_of(name)} for name in survivors
        ],
    }


def report(summary: dict[str, object]) -> None:
    print(f"{'módulo':32} {'total':>6} {'muertos':>8} {'vivos':>6} {'sin pruebas':>11}")
    for module, counts in summary["modules"].items():  # type: ignore[attr-defined]
        print(f"{module:32} {counts['total']:>6} {counts['killed']:>8} "
              f"{counts['survived']:>6} {counts['no_tests']:>11}")  # fmt: skip
    for survivor in summary["survivors"]:  # type: ignore[attr-defined]
        print(f"\n--- {survivor['name']} ({survivor['status']})\n{survivor['diff']}")
    print(
        f"\nmutation: total={summary['total']} killed={summary['killed']} "
        f"survived={summary['survived']} timeout={summary['timeout']} "
        f"no_tests={summary['no_tests']} score={summary['score']:.1%}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--children", type=int, default=2)
    parser.add_argument("--goal", type=float, default=0.90)
    parser.add_argument("--report-only", action="store_true", help="no run: read mutants/")
    args = parser.parse_args()
    seconds = None if args.report_only else run_mutmut(args.children)
    summary = summarise(statuses(), seconds)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(summary, ensure_ascii=False, indent=2) + "\n")
    report(summary)
    print(f"resultados: {RESULTS.relative_to(ROOT)}")
    if summary["score"] < args.goal:  # type: ignore[operator]
        raise SystemExit(1)


if __name__ == "__main__":
    main()
