"""The instruments' hardening carried over to the periodic package and the
commands, each read back as its recipients read it: an empty package that
``frictionless validate`` accepts and that prints no warning, amounts beyond
2^53 exact in ``planilla.xlsx``, an emoji that no longer leaves
``informe.pdf`` without extractable text (and stays exact in CSV, JSON and
XLSX), Spanish write errors of ``report``, ``agenda`` and ``actas read``, and
Spanish 405 answers with an ``Allow`` header."""

from __future__ import annotations

import csv
import errno
import json
import shutil
import subprocess
import sys
import warnings
from datetime import date
from pathlib import Path

import frictionless
import pdfplumber
import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy import update
from sqlmodel import Session
from xlsxwriter.exceptions import FileCreateError

from cli.runtime import UserError
from cli.write_errors import cause_of, refused_writes, why
from config import load_settings
from importer import import_file
from models import Commitment
from models.db import make_engine
from reports import instrument_document
from reports.charts import committed_vs_executed, status_by_territory, wrap_label
from reports.exact import EXACT_LIMIT, EXACT_NOTE, Formatted, exact_cell
from reports.figures import Group
from reports.safe_text import drawable
from tests.helpers import BATCH_RUNNER, Cli, row, write_csv
from tracking.protocols import set_protocol
from web.app import create_app

EMOJI_TEXT = "Emoji 🚜🌾 programa"
EMOJI_INSTITUTION = "Cooperativa 🌾 del Loa"
BEYOND_53 = 2**53 + 1
BEYOND_31 = 2**31 + 1
PERIOD = "2026-Q3"
NO_WAY = "/proc/cumple-no-existe"
"""A folder no one can write in, root included (procfs takes no files)."""


def _batch(folder: Path, url: str, runs: list[list[str]]) -> tuple[list[list[object]], str]:
    """The console script's runs in one process: ``[code, stdout, stderr]``
    each, and the process's own stderr."""
    result = subprocess.run(
        [sys.executable, "-c", BATCH_RUNNER, json.dumps(runs)], cwd=folder,
        env=Cli(folder, url).env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout), result.stderr


@pytest.fixture(scope="module")
def periodic(sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """Antofagasta with an emoji in a name and amounts beyond 2^31 and 2^53;
    Atacama with a protocol and no commitment; one batch of console runs."""
    folder = tmp_path_factory.mktemp("periodico")
    shutil.copyfile(sqlite_template, folder / "cumple.db")
    url = f"sqlite:///{folder / 'cumple.db'}"
    engine = make_engine(url)
    rows = [
        row(compromiso=EMOJI_TEXT, institucion=EMOJI_INSTITUTION, institucion_rut="",
            acta_numero="1", monto="$3.000.000"),
        row(compromiso="Compromiso de monto enorme", acta_numero="2", monto="$1"),
        row(compromiso="Compromiso mayor que 2^31", acta_numero="3", monto="$1"),
    ]  # fmt: skip
    import_file(engine, write_csv(folder / "actas.csv", rows), actor="prueba")
    with engine.begin() as connection:
        for text, amount in (("Compromiso de monto enorme", BEYOND_53),
                             ("Compromiso mayor que 2^31", BEYOND_31)):  # fmt: skip
            connection.execute(
                update(Commitment).where(Commitment.text == text).values(amount=amount)
            )
    with Session(engine) as session:
        set_protocol(session, region_text="Atacama", recipients=["gore@atacama.example"],
                     every="quarter", since=date(2026, 1, 2), title=None)  # fmt: skip
        session.commit()
    engine.dispose()
    acta = folder / "acta.docx"
    results, stderr = _batch(
        folder, url,
        [
            # The empty package first: Python shows a warning once per place,
            # so an earlier chart could hide this one's.
            ["report", "--region", "Atacama", "--period", PERIOD],
            ["report", "--region", "Antofagasta", "--period", PERIOD],
            ["agenda", "--template", "--out", str(acta)],
            ["report", "--region", "Antofagasta", "--period", PERIOD, "--out", f"{NO_WAY}/p"],
            ["agenda", "--template", "--out", "/proc/plantilla.docx"],
            ["agenda", "--territory", "Loa Emprende", "--out", "/proc/tabla.pdf"],
            ["actas", "read", str(acta), "--out", "/proc/propuesta.xlsx"],
        ],
    )  # fmt: skip
    root = folder / "var" / "reports"
    return {
        "folder": folder, "url": url, "results": results, "stderr": stderr,
        "empty": root / "atacama" / PERIOD, "full": root / "antofagasta" / PERIOD,
    }  # fmt: skip


def _invalid(folder: Path) -> list[list[object]]:
    report = frictionless.validate(str(folder / "datapackage.json"))
    return [] if report.valid else report.flatten(["rowNumber", "fieldName", "type", "note"])


def _pdf_text(path: Path) -> str:
    with pdfplumber.open(path) as pdf:
        return "".join("".join((page.extract_text() or "").split()) for page in pdf.pages)


def test_the_workbook_helpers_are_shared_not_copied() -> None:
    from reports import instrument_tables, spreadsheet

    assert instrument_document.drawable is drawable
    assert instrument_tables.exact_cell is exact_cell and spreadsheet.Formatted is Formatted
    assert exact_cell(EXACT_LIMIT) == EXACT_LIMIT
    assert exact_cell(Formatted(BEYOND_53, '"$"#,##0')) == Formatted(str(BEYOND_53), "@")
    assert exact_cell(Formatted(BEYOND_31, "0")) == Formatted(BEYOND_31, "0")


def test_charts_with_nothing_to_draw_are_left_out_without_warnings() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert committed_vs_executed([]) is None
        assert committed_vs_executed([Group(name="FOSIS", commitments=2)]) is None
        assert status_by_territory([]) is None
        # Every status is drawn: «informado» used to be left out of the bars.
        drawn = status_by_territory([Group(name="Loa", by_status={"informado": 1})])
        assert drawn is not None and "Informado, por verificar" in drawn
        # The emoji is measured and drawn as U+FFFD, with no glyph warning.
        chart = committed_vs_executed([Group(name=EMOJI_INSTITUTION, committed=5)])
        assert chart is not None and "Cooperativa \ufffd del Loa" in chart
    assert wrap_label(EMOJI_TEXT) == "Emoji \ufffd\ufffd programa"


def test_an_empty_package_is_valid_and_quiet(periodic: dict[str, object]) -> None:
    results, stderr = periodic["results"], periodic["stderr"]
    folder = periodic["empty"]
    assert isinstance(results, list) and isinstance(stderr, str) and isinstance(folder, Path)
    code, out, err = results[0]
    assert code == 0 and "0 compromisos" in out, (out, err)
    # matplotlib's "No artists with labels found to put in legend" was here.
    assert err == "" and "Warning" not in stderr and "No artists" not in stderr
    assert _invalid(folder) == []
    descriptor = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    table, plain = descriptor["resources"]
    assert table["type"] == "table" and table["schema"]["primaryKey"] == ["id"]
    assert plain["type"] == "json" and plain["hash"].startswith("sha256:")
    with (folder / "compromisos.csv").open(encoding="utf-8-sig", newline="") as handle:
        assert list(csv.reader(handle)) == [[f["name"] for f in table["schema"]["fields"]]]
    assert json.loads((folder / "compromisos.json").read_text())["compromisos"] == []
    text = _pdf_text(folder / "informe.pdf")
    assert "Sinmontoscomprometidosniejecutadosquegraficar." in text
    assert "Sincompromisosalcierrequegraficarporestado." in text
    # The check can fail: the JSON changed after the build is caught.
    copy = folder.parent / f"{folder.name}-alterado"
    shutil.copytree(folder, copy)
    with (copy / "compromisos.json").open("a") as handle:
        handle.write(" ")
    assert any(error[2] in ("hash-count", "byte-count") for error in _invalid(copy))


def test_amounts_beyond_2_53_stay_exact_in_the_workbook(periodic: dict[str, object]) -> None:
    folder = periodic["full"]
    assert isinstance(folder, Path)
    assert _invalid(folder) == []
    records = json.loads((folder / "compromisos.json").read_text())["compromisos"]
    assert {r["compromiso"]: r["monto"] for r in records}["Compromiso de monto enorme"] == BEYOND_53
    workbook = load_workbook(folder / "planilla.xlsx")
    sheet = workbook["Compromisos"]
    header = [c.value for c in sheet[1]]
    amounts = {r[header.index("Acción")].value: r[header.index("Monto invertido")]
               for r in sheet.iter_rows(min_row=2)}  # fmt: skip
    assert amounts["Compromiso de monto enorme"].value == str(BEYOND_53)  # a number would round
    assert amounts["Compromiso de monto enorme"].number_format == "@"
    assert amounts["Compromiso mayor que 2^31"].value == BEYOND_31
    assert amounts[EMOJI_TEXT].value == 3_000_000 and amounts[EMOJI_TEXT].data_type == "n"
    total = BEYOND_53 + BEYOND_31 + 3_000_000
    summary = {r[0].value: r[1].value for r in workbook["Resumen"].iter_rows(min_row=2)}
    assert summary["Monto comprometido (CLP)"] == str(total)
    assert summary["Monto ejecutado (CLP)"] == 0
    assert EXACT_NOTE in summary
    group = workbook["Por territorio"]
    header = [c.value for c in group[1]]
    assert group.cell(2, header.index("Monto comprometido") + 1).value == str(total)


def test_an_emoji_leaves_the_pdf_readable_and_the_data_exact(
    periodic: dict[str, object],
) -> None:
    folder = periodic["full"]
    assert isinstance(folder, Path)
    text = _pdf_text(folder / "informe.pdf")
    for words in ("Emoji\ufffd\ufffdprograma", "Cooperativa\ufffddelLoa", "LoaEmprende",
                  "Compromisodemontoenorme", "$9.007.199.254.740.993"):  # fmt: skip
        assert words in text
    assert "quegraficar" not in text  # both charts are drawn
    with (folder / "compromisos.csv").open(encoding="utf-8-sig", newline="") as handle:
        texts = {(r["compromiso"], r["institucion"]) for r in csv.DictReader(handle)}
    assert (EMOJI_TEXT, EMOJI_INSTITUTION) in texts
    records = json.loads((folder / "compromisos.json").read_text())["compromisos"]
    assert EMOJI_TEXT in {r["compromiso"] for r in records}
    sheet = load_workbook(folder / "planilla.xlsx")["Compromisos"]
    assert EMOJI_INSTITUTION in {r[3].value for r in sheet.iter_rows(min_row=2)}


def test_write_errors_are_spanish_and_name_the_path(periodic: dict[str, object]) -> None:
    results, folder = periodic["results"], periodic["folder"]
    assert isinstance(results, list) and isinstance(folder, Path)
    assert results[1][0] == 0 and results[2][0] == 0, results[1:3]
    expected = [
        f"No se pudo escribir el paquete en «{NO_WAY}/p»",
        "No se pudo escribir «/proc/plantilla.docx»",
        "No se pudo escribir «/proc/tabla.pdf»",
        "No se pudo escribir «/proc/propuesta.xlsx»",
    ]
    for (code, _, err), start in zip(results[3:], expected, strict=True):
        assert code == 1 and start in err, err
        assert "no se escribió nada" in err and "--out" in err
        assert "No such file" not in err and "Traceback" not in err
    assert not list(folder.glob(".propuesta-*")) and not list(folder.glob(".cumple-*"))


def test_write_reasons_are_spanish_whatever_the_error() -> None:
    assert (
        why(PermissionError(errno.EACCES, "Permission denied")) == "sin permiso para escribir allí"
    )
    assert why(OSError(errno.ENOSPC, "No space left on device")) == "no queda espacio en el disco"
    # A reason the program wrote itself is kept; the system's English is not.
    own = FileExistsError(errno.EEXIST, "la carpeta ya contiene archivos", "/tmp/x")
    assert why(own) == "la carpeta ya contiene archivos"
    assert why(OSError(errno.EMFILE, "Too many open files")) == "el sistema no lo permitió (EMFILE)"
    # XlsxWriter turns a full disk into its own error.
    full = FileCreateError(OSError(errno.ENOSPC, "No space left on device"))
    assert cause_of(full) is full.args[0] and cause_of(ValueError("x")) is None
    hint = "Elija otra ubicación con --out."
    with pytest.raises(UserError) as refused, refused_writes(Path("/x.xlsx"), hint=hint):
        raise full
    assert str(refused.value) == (
        "No se pudo escribir «/x.xlsx»: no queda espacio en el disco; no se escribió nada. "
        "Elija otra ubicación con --out."
    )
    with pytest.raises(ValueError, match="otro"), refused_writes(Path("/x.xlsx"), hint=hint):
        raise ValueError("otro")


def test_method_not_allowed_is_spanish_with_allow(periodic: dict[str, object]) -> None:
    folder, url = periodic["folder"], periodic["url"]
    assert isinstance(folder, Path) and isinstance(url, str)
    app = create_app(load_settings(database_url=url, data_dir=folder / "var"),
                     with_scheduler=False)  # fmt: skip
    client = TestClient(app)
    head = client.head("/")
    assert head.status_code == 405 and head.headers["allow"] == "GET"
    assert head.headers["content-type"].startswith("text/html")
    page = client.put("/login")
    assert page.status_code == 405 and page.headers["allow"] == "GET, POST"
    assert "Operación no permitida" in page.text and "no admite PUT (admite GET, POST)" in page.text
    api = client.delete("/api/compromisos")
    assert api.status_code == 405 and api.headers["allow"] == "GET"
    assert api.json() == {"detail": "Método DELETE no permitido en esta dirección; use GET."}
    # The other answers are as they were.
    assert client.get("/api/no-existe").json() == {"detail": "Not Found"}
    assert "La dirección no existe" in client.get("/no-existe").text
