"""Building import files for tests (CSV text, real XLSX workbooks) and
running the ``cumple`` console script as a real process."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

from openpyxl import Workbook

HEADER = [
    "region",
    "territorio",
    "acta_fecha",
    "acta_instancia",
    "acta_numero",
    "institucion",
    "institucion_rut",
    "responsable",
    "responsable_email",
    "institucion_director_email",
    "territorio_gerente_email",
    "compromiso",
    "monto",
    "fuente",
    "plazo",
]


def row(**values: object) -> dict[str, object]:
    """A valid row (FOSIS in Loa Emprende), with ``values`` overriding."""
    base: dict[str, object] = {
        "region": "Antofagasta",
        "territorio": "Loa Emprende",
        "acta_fecha": "2026-06-15",
        "acta_instancia": "Consejo Público-Privado",
        "acta_numero": "12",
        "institucion": "FOSIS",
        "institucion_rut": "60.109.000-7",
        "responsable": "Marcela Jara",
        "responsable_email": "marcela.jara@fosis.cl.example",
        "institucion_director_email": "director@fosis.cl.example",
        "territorio_gerente_email": "gerente.loa@cumple.example",
        "compromiso": "Transferir $15.000.000 al convenio de Lasana",
        "monto": "$15.000.000",
        "fuente": "Presupuesto regular",
        "plazo": "2026-09-21",
    }
    base.update(values)
    return base


def write_csv(
    path: Path,
    rows: Sequence[dict[str, object]],
    *,
    header: Sequence[str] = HEADER,
    delimiter: str = ";",
    encoding: str = "utf-8",
) -> Path:
    with path.open("w", newline="", encoding=encoding) as handle:
        writer = csv.writer(handle, delimiter=delimiter)
        writer.writerow(header)
        for values in rows:
            writer.writerow(["" if values.get(k) is None else values.get(k) for k in header])
    return path


def write_xlsx(
    path: Path, rows: Sequence[dict[str, object]], *, header: Sequence[str] = HEADER
) -> Path:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(list(header))
    for values in rows:
        sheet.append([values.get(k) for k in header])
    workbook.save(path)
    return path


CUMPLE = str(Path(sys.executable).parent / "cumple")


class Cli:
    def __init__(self, folder: Path, database_url: str) -> None:
        self.folder = folder
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("CUMPLE_")}
        self.env["CUMPLE_DATABASE_URL"] = database_url
        self.env["CUMPLE_DATA_DIR"] = str(folder / "var")
        self.env["COLUMNS"] = "200"

    def __call__(
        self, *args: str, env: dict[str, str] | None = None, stdin: str = ""
    ) -> subprocess.CompletedProcess[str]:
        result = subprocess.run(
            [CUMPLE, *args],
            input=stdin,
            cwd=self.folder,
            env={**self.env, **(env or {})},
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert "Traceback" not in result.stderr, result.stderr
        return result

    def json(self, *args: str) -> list[dict[str, object]]:
        return self.records(self(*args, "--format", "json"))

    @staticmethod
    def records(result: subprocess.CompletedProcess[str]) -> list[dict[str, object]]:
        """The JSON list a successful ``--format json`` run printed."""
        assert result.returncode == 0, result.stderr
        data = json.loads(result.stdout)
        assert isinstance(data, list)
        return data

    def batch(
        self,
        runs: Sequence[Sequence[str]],
        stdin: Sequence[str | None] | None = None,
        *,
        env: dict[str, str] | None = None,
    ) -> list[subprocess.CompletedProcess[str]]:
        """Run the console script's ``main()`` once per item of ``runs``, in
        order, all in ONE process (:data:`BATCH_RUNNER`), in this folder and
        environment (plus ``env``): one start-up instead of one per run.
        ``stdin`` gives each run its standard input (``None`` items: the
        runner's default, a long password for ``users add``). Returns one
        result per run with ``returncode``, ``stdout`` and ``stderr``; fails
        when the process or any run wrote a traceback."""
        runs = [list(args) for args in runs]
        stdins = list(stdin) if stdin is not None else [None] * len(runs)
        assert len(stdins) == len(runs), "one stdin per run"
        done = subprocess.run(
            [sys.executable, "-c", BATCH_RUNNER, json.dumps(runs), json.dumps(stdins)],
            cwd=self.folder,
            env={**self.env, **(env or {})},
            capture_output=True,
            text=True,
            timeout=60 + 30 * len(runs),
        )
        assert "Traceback" not in done.stderr, done.stderr
        assert done.returncode == 0, done.stderr
        results = [
            subprocess.CompletedProcess([CUMPLE, *args], code, out, err)
            for args, (code, out, err) in zip(runs, json.loads(done.stdout), strict=True)
        ]
        for result in results:
            assert "Traceback" not in result.stderr, (result.args, result.stderr)
        return results


def pdf_bytes(text: str = "Resolución Exenta N° 1229") -> bytes:
    """A small real PDF (one page with ``text``), as evidence in tests."""
    import io

    from matplotlib.figure import Figure

    figure = Figure(figsize=(3, 1))
    figure.text(0.05, 0.5, text, parse_math=False)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="pdf", metadata={"CreationDate": None})
    return buffer.getvalue()


# Many console-script runs in one process (a run costs ~2 s of start-up):
# `python -c BATCH_RUNNER '[["import", "f.csv"], ...]'` prints a JSON list of
# [exit code, stdout, stderr]; `users add` reads its password from stdin. An
# optional second argument, a JSON list as long as the first, gives each run
# its standard input (null: the default above).
BATCH_RUNNER = """
import contextlib, gc, io, json, sys
from cli.app import main

runs = json.loads(sys.argv[1])
stdins = json.loads(sys.argv[2]) if len(sys.argv) > 2 else [None] * len(runs)
results = []
for args, stdin in zip(runs, stdins, strict=True):
    sys.argv = ["cumple", *args]
    if stdin is None:
        stdin = "una clave bien larga\\n" if args[:2] == ["users", "add"] else ""
    sys.stdin = io.StringIO(stdin)
    out, err = io.StringIO(), io.StringIO()
    code = 0
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            main()
        except SystemExit as exc:
            code = exc.code or 0
            if not isinstance(code, int):  # what the interpreter does with sys.exit("...")
                err.write(f"{code}\\n")
                code = 1
    results.append([code, out.getvalue(), err.getvalue()])
    # A run's engine is garbage: close its connections before the next run.
    gc.collect()
sys.__stdout__.write(json.dumps(results))
"""
