"""The year's instruments and the self-evaluation used as a hostile user
would use them, read back as the recipients' software reads them: text that
spreadsheets execute and markup in every field (CSV neutralised, XLSX
without formulas, PDF escaped and inside the page, DOCX and JSON exact),
amounts beyond 2^31 and 2^53 pesos (JSON and XLSX exact), a región with
nothing due (an empty package frictionless still validates), periods and
years out of range, ``--out`` where it cannot or should not write, the web
page's tampered parameters and HEAD, and the cycle's catch-up day with a
protocol version changed the day before the due day."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import frictionless
import pdfplumber
import pytest
from docx import Document
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy import select, update
from sqlmodel import Session

from config import load_settings
from importer import import_file
from models import Commitment
from models.db import make_engine
from models.geography import CommitmentComuna
from reports.instrument_build import refuse_foreign_files
from reports.instrument_document import drawable
from reports.instrument_tables import EXACT_LIMIT, EXACT_NOTE, exact_cell
from reports.periods import PeriodError, parse_period
from reports.spreadsheet import Formatted
from tests.cycle_helpers import run_day, settings_for
from tests.helpers import BATCH_RUNNER, HEADER, Cli, row, write_csv
from tests.smtp_server import smtp_server
from tracking.accounts import add_user
from tracking.protocols import set_protocol
from web.app import create_app

HOSTILE = [
    '=HYPERLINK("http://x","y")',
    "+1",
    "-1",
    "@SUM(1)",
    "<script>alert(1)</script>",
    "</td></tr></table><h1>X</h1>",
    "Palabra" + "muylarga" * 30,
    "\u202eRTL\u202c y \u200fmarca",
    "Emoji 🚜🌾 programa",
]
BEYOND_53 = 2**53 + 1
BEYOND_31 = 2**31 + 1
PASSWORD = "una-clave-larga-de-prueba"
MARGIN = 18 / 25.4 * 72 - 2
"""The page's side margins (18 mm), in points, less 2 points of leeway."""


def _rows() -> list[dict[str, object]]:
    return [
        row(region="Coquimbo", territorio=f"T {text}"[:150], institucion=text[:150],
            institucion_rut="", acta_fecha="2026-03-10", acta_numero=str(number),
            compromiso=text, monto=str(1_000_000 * number), programa=text[:200],
            plazo=f"2027-0{number}-15", territorio_gerente_email="gerente@coquimbo.example")
        for number, text in enumerate(HOSTILE, start=1)
    ]  # fmt: skip


def _batch(folder: Path, url: str, runs: list[list[str]]) -> list[tuple[int, str, str]]:
    cli = Cli(folder, url)
    result = subprocess.run(
        [sys.executable, "-c", BATCH_RUNNER, json.dumps(runs)], cwd=folder, env=cli.env,
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    return [tuple(item) for item in json.loads(result.stdout)]  # type: ignore[misc]


@pytest.fixture(scope="module")
def hostile(sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """The hostile rows of Coquimbo (two with amounts beyond 2^53 and 2^31)
    and one batch of console-script runs over them."""
    folder = tmp_path_factory.mktemp("hostil")
    shutil.copyfile(sqlite_template, folder / "cumple.db")
    url = f"sqlite:///{folder / 'cumple.db'}"
    engine = make_engine(url)
    import_file(engine, write_csv(folder / "hostil.csv", _rows(), header=[*HEADER, "programa"]),
                actor="prueba")  # fmt: skip
    with engine.begin() as connection:
        for text, amount in ((HOSTILE[0], BEYOND_53), (HOSTILE[1], BEYOND_31)):
            connection.execute(
                update(Commitment).where(Commitment.text == text).values(amount=amount)
            )
    with Session(engine) as session:
        # The largest amount lands in two comunas (stated rows, as the import records them).
        first = session.scalars(select(Commitment).where(Commitment.text == HOSTILE[0])).one()
        for code in ("04101", "04301"):
            session.add(CommitmentComuna(commitment_id=first.id, comuna_code=code, amount=None))
        for email, role, region in (("gore@coquimbo.cl", "gore", "Coquimbo"),
                                    ("admin@cumple.cl", "admin", None)):  # fmt: skip
            add_user(session, email=email, password=PASSWORD, role=role, territories=[],
                     region=region)  # fmt: skip
        session.commit()
    engine.dispose()
    existing = folder / "existente.docx"
    existing.write_text("no es un documento")
    documents = folder / "documentos"
    documents.mkdir()
    (documents / "tesis.docx").write_text("lo único que hay")
    today = date.today()
    evaluation = ["evaluation", "--region", "Coquimbo", "--year", str(today.year)]
    results = _batch(
        folder, url,
        [
            ["report", "--region", "Coquimbo", "--period", "2027-ARI"],
            ["report", "--region", "Coquimbo", "--period", "2027-IRAL"],
            ["report", "--region", "Antofagasta", "--period", "2027-ARI"],
            ["report", "--region", "Antofagasta", "--period", "2027-IRAL"],
            ["report", "--region", "Coquimbo", "--period", "0000-ARI"],
            ["report", "--region", "Coquimbo", "--period", "9999-IRAL"],
            ["report", "--region", "Coquimbo", "--period", "2027-ARI; rm"],
            ["report", "--region", "Coquimbo", "--period", "2027-ari", "--send"],
            [*evaluation, "--out", str(existing)],
            [*evaluation, "--out", str(folder)],
            [*evaluation, "--date", (today + timedelta(days=2)).isoformat()],
            [*evaluation, "--out", "/proc/cumple-autoevaluacion.pdf"],
            ["report", "--region", "Coquimbo", "--period", "2027-ARI", "--out", str(documents)],
            ["report", "--region", "Coquimbo", "--period", "2026-Q1", "--out", str(documents)],
        ],
    )  # fmt: skip
    root = folder / "var" / "reports"
    return {
        "folder": folder, "url": url, "results": results, "existing": existing,
        "ari": root / "coquimbo" / "2027-ARI", "iral": root / "coquimbo" / "2027-IRAL",
        "empty": [root / "antofagasta" / "2027-ARI", root / "antofagasta" / "2027-IRAL"],
    }  # fmt: skip


def _csv_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def _invalid(folder: Path) -> list[list[object]]:
    report = frictionless.validate(str(folder / "datapackage.json"))
    return [] if report.valid else report.flatten(["rowNumber", "fieldName", "type", "note"])


def test_period_years_stay_within_the_calendar() -> None:
    """0000-ARI used to crash with a traceback (year 0); 9999-Q4 too."""
    for text in ("0000-ARI", "0001-ARI", "9999-IRAL", "9999-Q4", "1989-03"):
        with pytest.raises(PeriodError, match="el año debe estar entre 1990 y 2100"):
            parse_period(text)
    assert parse_period(" 2027-ari ").key == "2027-ARI"
    assert parse_period("2100-IRAL").key == "2100-IRAL"


def test_workbook_cells_keep_every_peso() -> None:
    assert exact_cell(EXACT_LIMIT) == EXACT_LIMIT
    assert exact_cell(BEYOND_31) == BEYOND_31
    assert exact_cell(BEYOND_53) == Formatted(str(BEYOND_53), "@")
    assert exact_cell(-BEYOND_53) == Formatted(str(-BEYOND_53), "@")
    assert exact_cell(True) is True and exact_cell("=1") == "=1"


def test_only_a_package_folder_is_replaced(tmp_path: Path) -> None:
    refuse_foreign_files(tmp_path / "nueva")
    refuse_foreign_files(tmp_path)
    (tmp_path / "informe.pdf").write_bytes(b"%PDF")
    (tmp_path / "manifest.json").write_text(json.dumps({"archivos": [{"nombre": "informe.pdf"}]}))
    refuse_foreign_files(tmp_path)
    (tmp_path / "notas.txt").write_text("mías")
    with pytest.raises(FileExistsError, match=r"\(notas.txt\) y se borrarían"):
        refuse_foreign_files(tmp_path)


def test_the_pdf_draws_what_its_font_has() -> None:
    assert drawable("Ñuble, Río Hurtado: $15.000.000") == "Ñuble, Río Hurtado: $15.000.000"
    assert drawable("Emoji 🚜 中") == "Emoji \ufffd \ufffd"
    # Marks the shaper drops without a glyph stay: bidi, joiners, selectors.
    kept = "\u202eRTL\u202c \u200f a\u200db \u2764\ufe0f\n"
    assert drawable(kept) == kept


def test_console_script_refusals_are_spanish_and_write_nothing(
    hostile: dict[str, object],
) -> None:
    results = hostile["results"]
    assert isinstance(results, list)
    codes = [code for code, _, _ in results]
    assert codes == [0, 0, 0, 0, 1, 1, 1, 1, 0, 1, 1, 1, 1, 1], results
    errors = [err for _, _, err in results]
    assert all("Traceback" not in err and "Warning" not in err for err in errors)
    assert "«0000-ARI»: el año debe estar entre 1990 y 2100" in errors[4]
    assert "«9999-IRAL»: el año debe estar entre 1990 y 2100" in errors[5]
    assert "«2027-ARI; rm» no es un periodo" in errors[6]
    assert "no tiene protocolo con destinatarios" in errors[7] and "--every ari" in errors[7]
    # An existing file is replaced whole, and the command says so.
    assert "(reemplazó el archivo que existía)" in results[8][1]
    existing = hostile["existing"]
    assert isinstance(existing, Path)
    assert Document(str(existing)).paragraphs[0].text.startswith("Autoevaluación")
    assert "es una carpeta; indique un archivo .docx o .pdf" in errors[9]
    assert "es posterior a hoy" in errors[10]
    assert "No se pudo escribir «/proc/cumple-autoevaluacion.pdf»" in errors[11]
    assert "no se escribió nada" in errors[11] and "No such file" not in errors[11]
    folder = hostile["folder"]
    assert isinstance(folder, Path)
    # --out at a folder of documents used to replace it whole (they were deleted).
    for err in errors[12:14]:
        assert "ya contiene archivos que no son de un paquete (tesis.docx)" in err
    assert [p.name for p in (folder / "documentos").iterdir()] == ["tesis.docx"]
    assert not list(folder.glob(".cumple-*")) and not (folder / "var" / "reports" / "coquimbo" /
                                                        "0000-ARI").exists()  # fmt: skip


def test_hostile_text_reaches_each_file_as_text(hostile: dict[str, object]) -> None:
    ari, iral = hostile["ari"], hostile["iral"]
    assert isinstance(ari, Path) and isinstance(iral, Path)
    for folder in (ari, iral):
        assert _invalid(folder) == []
        for path in folder.glob("*.csv"):
            for record in _csv_rows(path):
                for value in record.values():
                    assert not value.startswith(("=", "+", "-", "@")), (path.name, value)
        workbook = load_workbook(folder / "planilla.xlsx")
        for sheet in workbook.worksheets:
            for cells in sheet.iter_rows():
                assert not any(cell.data_type == "f" for cell in cells), sheet.title
    compromisos = _csv_rows(ari / "ari-compromisos.csv")
    assert {r["compromiso"] for r in compromisos} >= {"'=HYPERLINK(\"http://x\",\"y\")", "'+1",
                                                      "'-1", "'@SUM(1)"}  # fmt: skip
    records = json.loads((ari / "ari-compromisos.json").read_text())["registros"]
    assert sorted(r["compromiso"] for r in records) == sorted(HOSTILE)
    sheet = load_workbook(ari / "planilla.xlsx")["Compromisos"]
    header = [c.value for c in sheet[1]]
    texts = {r[header.index("Compromiso")].value for r in sheet.iter_rows(min_row=2)}
    assert texts == set(HOSTILE)
    for path in (iral / "informe.pdf", ari / "informe.pdf"):
        with pdfplumber.open(path) as pdf:
            flat = "".join("".join((page.extract_text() or "").split()) for page in pdf.pages)
            for page in pdf.pages:
                # Long words and sums of trillions wrap inside their cells:
                # nothing is drawn past the side margins.
                outside = [c["text"] for c in page.chars
                           if not MARGIN <= c["x0"] <= c["x1"] <= page.width - MARGIN]  # fmt: skip
                assert outside == [], (path.parent.name, page.page_number)
    # One emoji used to leave the whole PDF without extractable text (the
    # font's .notdef glyph); now it is U+FFFD in the PDF and exact elsewhere.
    for text in ("<script>alert(1)</script>", "</td></tr></table><h1>X</h1>", "@SUM(1)",
                 "Emoji\ufffd\ufffdprograma", "$9.007.199.254.740.993"):  # fmt: skip
        assert text in flat


def test_amounts_beyond_2_31_and_2_53_stay_exact(hostile: dict[str, object]) -> None:
    ari = hostile["ari"]
    assert isinstance(ari, Path)
    total = BEYOND_53 + BEYOND_31 + sum(1_000_000 * n for n in range(3, len(HOSTILE) + 1))
    records = json.loads((ari / "ari-compromisos.json").read_text())["registros"]
    assert {r["compromiso"]: r["monto"] for r in records}[HOSTILE[0]] == BEYOND_53
    assert json.loads((ari / "manifest.json").read_text())["totales"]["monto"] == total
    workbook = load_workbook(ari / "planilla.xlsx")
    sheet = workbook["Compromisos"]
    header = [c.value for c in sheet[1]]
    amounts = {r[header.index("Compromiso")].value: r[header.index("Monto")].value
               for r in sheet.iter_rows(min_row=2)}  # fmt: skip
    assert amounts[HOSTILE[0]] == str(BEYOND_53)  # text: a number cell would round it
    assert amounts[HOSTILE[1]] == BEYOND_31 and isinstance(amounts[HOSTILE[1]], int)
    summary = {r[0].value: r[1].value for r in workbook["Resumen"].iter_rows(min_row=2)}
    assert summary["Monto de los compromisos (CLP)"] == str(total)
    assert EXACT_NOTE in summary


def test_the_iral_splits_a_sum_beyond_2_53_exactly(hostile: dict[str, object]) -> None:
    iral = hostile["iral"]
    assert isinstance(iral, Path)
    cells = {r["comuna_codigo"]: r for r in _csv_rows(iral / "iral-comunas.csv")}
    half, rest = divmod(BEYOND_53, 2)
    assert (int(cells["04101"]["monto"]), int(cells["04301"]["monto"])) == (half + rest, half)
    manifest = json.loads((iral / "manifest.json").read_text())
    assert manifest["totales"]["monto_planificado_en_comunas"] == BEYOND_53


def test_a_region_with_nothing_due_gets_an_empty_valid_package(
    hostile: dict[str, object],
) -> None:
    folders = hostile["empty"]
    assert isinstance(folders, list)
    for folder in folders:
        assert _invalid(folder) == [], folder.name
        descriptor = json.loads((folder / "datapackage.json").read_text())
        plain = [r for r in descriptor["resources"] if r["type"] == "json"]
        assert plain and all(r["hash"].startswith("sha256:") for r in plain)
        with pdfplumber.open(folder / "informe.pdf") as pdf:
            text = " ".join((page.extract_text() or "") for page in pdf.pages)
        assert "que graficar" in " ".join(text.split())
        # The check can fail: a JSON file changed after the build is caught.
        copy = folder.parent / f"{folder.name}-alterado"
        shutil.copytree(folder, copy)
        with (copy / plain[0]["path"]).open("a") as handle:
            handle.write(" ")
        assert any(error[2] in ("hash-count", "byte-count") for error in _invalid(copy))


def _login(app, email: str) -> TestClient:  # type: ignore[no-untyped-def]
    client = TestClient(app)
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").text)
    assert token is not None
    answer = client.post(
        "/login",
        data={"email": email, "password": PASSWORD, "csrf_token": token[1], "next": "/"},
        follow_redirects=False,
    )
    assert answer.status_code == 303, answer.text
    return client


def test_the_evaluation_page_refuses_tampering_in_spanish(hostile: dict[str, object]) -> None:
    folder, url = hostile["folder"], hostile["url"]
    assert isinstance(folder, Path) and isinstance(url, str)
    app = create_app(load_settings(database_url=url, data_dir=folder / "var"),
                     with_scheduler=False)  # fmt: skip
    gore = _login(app, "gore@coquimbo.cl")
    year = date.today().year
    future = (date.today() + timedelta(days=2)).isoformat()
    expected = {
        "/evaluacion?anio=abc": (400, "no es un año; escríbalo con cuatro cifras"),
        "/evaluacion?anio=99999": (400, "no es un año"),
        "/evaluacion?anio=%C2%B2%E2%81%B0%C2%B2%E2%81%B6": (400, "no es un año"),  # ²⁰²⁶
        "/evaluacion?anio=0000": (400, "es anterior a los primeros datos registrados"),
        f"/evaluacion?anio={year}&fecha={future}": (400, "es posterior a hoy"),
        "/evaluacion?region=antofagasta": (404, "no está en su alcance"),
        "/evaluacion?region=narnia": (404, "no está en su alcance"),
        f"/evaluacion/documento?region=antofagasta&anio={year}&formato=pdf": (404, "alcance"),
        f"/evaluacion/documento?region=coquimbo&anio={year}&formato=exe": (400, "use pdf o docx"),
    }
    for address, (status, words) in expected.items():
        answer = gore.get(address)
        assert (answer.status_code, words in answer.text) == (status, True), address
        assert answer.headers["content-type"].startswith("text/html")
    page = gore.get(f"/evaluacion?region=coquimbo&anio={year}")
    assert page.status_code == 200
    assert "<script>alert(1)</script>" not in page.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text
    pdf = gore.get(f"/evaluacion/documento?region=coquimbo&anio={year}&formato=pdf")
    with pdfplumber.open(io.BytesIO(pdf.content)) as opened:
        flat = "".join("".join((page.extract_text() or "").split()) for page in opened.pages)
    assert "<script>alert(1)</script>" in flat and "Emoji\ufffd\ufffdprograma" in flat
    docx = gore.get(f"/evaluacion/documento?region=coquimbo&anio={year}&formato=docx")
    cells = [c.text for t in Document(io.BytesIO(docx.content)).tables for r in t.rows
             for c in r.cells]  # fmt: skip
    assert all(any(text[:150] in cell for cell in cells) for text in HOSTILE)
    head = gore.head(f"/evaluacion?region=coquimbo&anio={year}")
    assert (head.status_code, head.content) == (200, b"")
    head = gore.head(f"/evaluacion/documento?region=coquimbo&anio={year}&formato=docx")
    assert head.status_code == 200 and "wordprocessingml" in head.headers["content-type"]
    assert gore.head("/evaluacion?region=antofagasta").status_code == 404
    admin = _login(app, "admin@cumple.cl")
    assert admin.get(f"/evaluacion?region=antofagasta&anio={year}").status_code == 200


def test_the_cycle_catches_up_once_for_the_version_in_force_on_the_due_day(
    hostile: dict[str, object], tmp_path: Path
) -> None:
    """The 2028 ARI is due on 1 April 2027; a new version of its protocol
    from 31 March (the day before) takes it over, and the cycle that did not
    run that day mails it once, on the next day it runs."""
    source = hostile["folder"]
    assert isinstance(source, Path)
    shutil.copyfile(source / "cumple.db", tmp_path / "cumple.db")
    url = f"sqlite:///{tmp_path / 'cumple.db'}"
    engine = make_engine(url)
    with Session(engine) as session:
        for to, since in (("antes@gore.example", date(2026, 11, 2)),
                          ("ahora@gore.example", date(2027, 3, 31))):  # fmt: skip
            set_protocol(session, region_text="Coquimbo", recipients=[to], every="ari",
                         since=since, title=None)  # fmt: skip
        session.commit()
    sent: dict[date, list[list[str]]] = {}
    with smtp_server() as (handler, port):
        settings = settings_for(tmp_path, url, port)
        for day in (date(2027, 4, 5), date(2027, 4, 6)):
            before = len(handler.received)
            run_day(engine, settings, day)
            sent[day] = [m.envelope_to for m in handler.received[before:]
                         if "(ARI) 2028" in str(m.message["Subject"])]  # fmt: skip
    engine.dispose()
    assert sent == {date(2027, 4, 5): [["ahora@gore.example"]], date(2027, 4, 6): []}
