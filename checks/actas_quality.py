"""The acta reader's precision and recall over the corpus, without the test
suite: build the corpus (DOCX, text PDF exported by LibreOffice, scanned
PDF), read every document with ``importer.actas.read.read_acta``, score it
against the commitments each acta states, print the Spanish table with
every miss, and write the figures as JSON.

    python -m checks.actas_quality [--out var/actas_quality] [--base demo|vacia]
                                   [--fallos N]

Exit 0 when the issue's thresholds are met (commitments found ≥ 95 %;
institution, amount and due date right in ≥ 90 % of the fields filled; no
invented amount or date), 1 when they are not, 2 when the corpus cannot be
built (LibreOffice or poppler-utils missing)."""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

from testbed.actas_corpus.build import BuildError, build_corpus
from testbed.actas_corpus.measure import measure, registry
from testbed.actas_corpus.report import format_documents, format_summary

ROOT = Path(__file__).resolve().parent.parent


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m checks.actas_quality",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=ROOT / "var" / "actas_quality",
        help="carpeta donde quedan el corpus construido y calidad.json",
    )
    parser.add_argument(
        "--base",
        choices=("demo", "vacia"),
        default="demo",
        help="instituciones conocidas: las del demo (uso real) o una base vacía",
    )
    parser.add_argument(
        "--fallos", type=int, default=1000, help="cuántos fallos listar (por omisión, todos)"
    )
    args = parser.parse_args(argv)
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=out, prefix="corpus-") as work:
        try:
            documents = build_corpus(Path(work) / "documentos")
        except BuildError as exc:
            print(f"No se pudo construir el corpus: {exc}", file=sys.stderr)
            return 2
        known = registry(Path(work) / "base", with_demo=args.base == "demo")
        data = measure(documents, known).to_json()
    target = out / "calidad.json"
    target.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
    for line in [*format_summary(data, misses=args.fallos), *format_documents(data)]:
        print(line)
    print(f"Cifras en {target}")
    return 1 if data["incumplidos"] else 0


if __name__ == "__main__":
    sys.exit(main())
