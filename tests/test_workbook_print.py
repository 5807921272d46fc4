"""``planilla.xlsx`` as Excel and LibreOffice print it: formats on every sheet
(the Resumen included), Letter landscape one page wide with the header row
repeated and numbered pages, document properties, the same bytes for the
same data; LibreOffice exports a small package in a few pages per sheet."""

from __future__ import annotations

import shutil
import subprocess
from datetime import datetime
from pathlib import Path

import pikepdf
import pytest
from openpyxl import load_workbook
from sqlalchemy.engine import Engine

from tests.report_samples import build_sample, load_sample

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


def test_every_sheet_is_formatted_and_set_up_for_print(
    engine: Engine, database_url: str, tmp_path: Path
) -> None:
    load_sample(engine, tmp_path, 6)
    first = build_sample(engine, database_url, tmp_path)
    workbook = load_workbook(first.folder / "planilla.xlsx")
    summary = {r[0].value: r[1] for r in workbook["Resumen"].iter_rows(min_row=2)}
    assert summary["Monto comprometido (CLP)"].number_format == '"$"#,##0'
    assert summary["Monto ejecutado (CLP)"].number_format == '"$"#,##0'
    assert summary["Tasa de ejecución"].number_format == "0.0%"
    assert summary["Compromisos al cierre"].number_format == "#,##0"
    compromisos = workbook["Compromisos"]
    header = [c.value for c in compromisos[1]]
    start = compromisos.cell(row=2, column=header.index("Fecha de inicio") + 1)
    assert start.number_format == "dd-mm-yyyy"
    for sheet in workbook.worksheets:
        setup = sheet.page_setup
        assert (sheet.title, setup.orientation, setup.paperSize) == (sheet.title, "landscape", 1)
        assert sheet.sheet_properties.pageSetUpPr.fitToPage is True
        # fitToWidth absent means its OOXML default, 1 page wide.
        assert (setup.fitToWidth, setup.fitToHeight) == (None, 0)
        assert sheet.print_title_rows == "$1:$1"
        assert sheet.oddFooter.center.text == "Página &P de &N"
        assert sheet.oddHeader.left.text == sheet.title
    properties = workbook.properties
    assert properties.title == (
        "Planilla de compromisos — Región de Antofagasta — tercer trimestre de 2026"
    )
    assert properties.creator == "Coordinación Regional de Seguimiento de Compromisos"
    assert properties.subject.startswith("Compromisos territoriales de la Región de Antofagasta")
    assert "2026-Q3" in properties.keywords and properties.description
    assert properties.created == datetime(2026, 10, 1, 12, 0)
    second = build_sample(engine, database_url, tmp_path / "otra")
    assert (first.folder / "planilla.xlsx").read_bytes() == (
        second.folder / "planilla.xlsx"
    ).read_bytes()


@pytest.mark.slow
@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (libreoffice-calc-nogui) no instalado")
def test_libreoffice_prints_a_small_workbook_in_a_few_pages(
    sqlite_engine: Engine, sqlite_url: str, tmp_path: Path
) -> None:
    load_sample(sqlite_engine, tmp_path, 12)
    built = build_sample(sqlite_engine, sqlite_url, tmp_path)
    subprocess.run(
        [str(SOFFICE), f"-env:UserInstallation=file://{tmp_path / 'lo-profile'}", "--headless",
         "--convert-to", "pdf", "--outdir", str(tmp_path / "pdf"),
         str(built.folder / "planilla.xlsx")],
        check=True, capture_output=True, timeout=180,
    )  # fmt: skip
    with pikepdf.open(tmp_path / "pdf" / "planilla.pdf") as pdf:
        pages = len(pdf.pages)
        sizes = {(round(float(p.mediabox[2])), round(float(p.mediabox[3]))) for p in pdf.pages}
    assert pages <= 10 * 3
    assert sizes == {(792, 612)}  # Letter, landscape
