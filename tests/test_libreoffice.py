"""An XLSX written by LibreOffice Calc (as gerentes' own spreadsheets are),
with the date and number cells LibreOffice types by itself."""

from __future__ import annotations

import shutil
import subprocess
from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlmodel import Session

from importer import import_file
from models import Commitment
from tests.helpers import row, write_csv

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


@pytest.mark.slow
@pytest.mark.skipif(
    SOFFICE is None, reason="LibreOffice (libreoffice-calc-nogui) no está instalado"
)
def test_xlsx_converted_by_libreoffice_imports(engine: Engine, tmp_path: Path) -> None:
    source = write_csv(
        tmp_path / "actas.csv",
        [
            row(monto="15000000", plazo="2026-09-21"),
            row(compromiso="Capacitar", monto="2800000", plazo="25 días hábiles"),
            row(compromiso="Sin monto", monto="", plazo="2026-12-15"),
        ],
        delimiter=",",
    )
    profile = tmp_path / "lo-profile"
    subprocess.run(
        [
            str(SOFFICE),
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--infilter=CSV:44,34,76,1",
            "--convert-to",
            "xlsx:Calc MS Excel 2007 XML",
            "--outdir",
            str(tmp_path / "out"),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    converted = tmp_path / "out" / "actas.xlsx"
    workbook = load_workbook(converted, read_only=True)
    cells = next(workbook.worksheets[0].iter_rows(min_row=2, max_row=2, values_only=True))
    workbook.close()
    # LibreOffice typed the cells itself: dates as dates, amounts as numbers.
    assert isinstance(cells[2], datetime)
    assert isinstance(cells[12], int | float)
    report = import_file(engine, converted, actor="libreoffice")
    assert report.commitments == 3
    with Session(engine) as session:
        stored = session.scalars(select(Commitment).order_by(Commitment.id)).all()
    assert [c.amount for c in stored] == [15_000_000, 2_800_000, None]
    assert [c.plazo for c in stored] == [date(2026, 9, 21), date(2026, 7, 22), date(2026, 12, 15)]
