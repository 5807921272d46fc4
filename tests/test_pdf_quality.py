"""``informe.pdf`` read back by readers nobody here wrote (pdfplumber, pikepdf,
pdftotext): it fits its pages, is tagged PDF/A-3b, and speaks correct Spanish,
on a machine whose only fonts are matplotlib's own."""

from __future__ import annotations

import logging
import re
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import matplotlib
import pdfplumber
import pikepdf
import pytest
from matplotlib import font_manager

from models.db import make_engine
from reports.build import BuiltPackage
from reports.wording import count_words, plural
from tests.report_samples import build_sample, load_sample

MM = 72 / 25.4
ROW_RULE = (0.811765, 0.847059, 0.890196)
"""The colour of the rule under each table row (#cfd8e3)."""


@dataclass
class Sample:
    package: BuiltPackage
    logs: list[logging.LogRecord]

    @property
    def pdf(self) -> Path:
        return self.package.folder / "informe.pdf"


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def _build(folder: Path, template: Path, count: int) -> Sample:
    """Build a package with matplotlib seeing only its own bundled fonts, as
    on a fresh Debian without Liberation Sans, and keep every warning logged."""
    folder.mkdir()
    database = folder / "cumple.db"
    shutil.copyfile(template, database)
    url = f"sqlite:///{database}"
    engine = make_engine(url)
    bundled = str(Path(matplotlib.get_data_path()))
    handler = _Collect()
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        with pytest.MonkeyPatch.context() as patch:
            manager = font_manager.fontManager
            own = [f for f in manager.ttflist if f.fname.startswith(bundled)]
            patch.setattr(manager, "ttflist", own)
            manager._findfont_cached.cache_clear()
            load_sample(engine, folder, count)
            package = build_sample(engine, url, folder)
        manager._findfont_cached.cache_clear()
    finally:
        root.removeHandler(handler)
        engine.dispose()
    return Sample(package, handler.records)


@pytest.fixture(scope="module")
def big(sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sample]:
    yield _build(tmp_path_factory.mktemp("grande") / "p", sqlite_template, 60)


@pytest.fixture(scope="module")
def single(sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sample]:
    yield _build(tmp_path_factory.mktemp("uno") / "p", sqlite_template, 1)


def _text(pdf: Path) -> str:
    if shutil.which("pdftotext") is None:
        pytest.skip("poppler-utils no instalado")
    return subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout


def test_building_logs_no_font_or_layout_warning(big: Sample) -> None:
    messages = [r.getMessage() for r in big.logs]
    assert [m for m in messages if "findfont" in m] == []
    assert [r.name for r in big.logs if r.name.startswith(("weasyprint", "matplotlib"))] == []


def test_only_the_bundled_dejavu_fonts_are_embedded(big: Sample) -> None:
    with pikepdf.open(big.pdf) as pdf:
        names = {
            str(font.get("/BaseFont")).split("+", 1)[-1]
            for page in pdf.pages
            for _, font in page.resources.get("/Font", {}).items()
        }
    assert names == {"Cumple-DejaVu-Sans", "Cumple-DejaVu-Sans-Bold"}


def test_every_character_lies_inside_the_page_margins(big: Sample) -> None:
    with pdfplumber.open(big.pdf) as pdf:
        assert len(pdf.pages) > 10
        outside = [
            (page.page_number, char["text"], round(char["x0"]), round(char["top"]))
            for page in pdf.pages
            for char in page.chars
            if char["x0"] < 12 * MM
            or char["x1"] > page.width - 12 * MM
            or char["top"] < 5 * MM
            or char["bottom"] > page.height - 5 * MM
        ]
    assert outside == []


def test_table_headers_and_dates_are_read_whole(big: Sample) -> None:
    text = _text(big.pdf)
    headers = [line.split() for line in text.splitlines() if "Compromisos" in line]
    group_headers = [h for h in headers if h[0] in ("Territorio", "Institución")]
    assert len(group_headers) == 2
    assert all(h[-1] == "Vencidos" for h in group_headers)
    assert "Ven…" not in text and "Vencimient " not in text
    propir = text[text.index("Inversión pública (formato PROPIR)") :]
    assert re.findall(r"\b\d{2}-\d{2}-\d{3}\b", propir) == []
    # Two whole dates (start and end) on each of the 60 rows.
    assert len(re.findall(r"\b\d{2}-\d{2}-2026\b", propir)) == 120


def test_no_page_holds_a_single_table_row(big: Sample) -> None:
    with pdfplumber.open(big.pdf) as pdf:
        rows_per_page = {
            page.page_number: len(
                {
                    round(line["top"], 1)
                    for line in page.lines
                    if tuple(round(c, 6) for c in line.get("stroking_color") or ()) == ROW_RULE
                }
            )
            for page in pdf.pages
        }
    with_rows = {n: c for n, c in rows_per_page.items() if c}
    assert len(with_rows) > 8
    assert {n: c for n, c in with_rows.items() if c < 2} == {}


def test_pdf_is_tagged_pdf_a_3b_with_its_metadata(big: Sample) -> None:
    with pikepdf.open(big.pdf) as pdf:
        root = pdf.Root
        assert "/StructTreeRoot" in root
        assert bool(root.MarkInfo.Marked) is True
        assert str(root.Lang) == "es-CL"
        intents = list(root.OutputIntents)
        assert [str(i.S) for i in intents] == ["/GTS_PDFA1"]
        assert "/DestOutputProfile" in intents[0]
        meta = pdf.open_metadata()
        assert meta["pdfaid:part"] == "3"
        assert meta["pdfaid:conformance"] == "B"
        assert meta["dc:title"].startswith("Informe de compromisos — Región de Antofagasta")
        assert meta["dc:creator"] == ["Coordinación Regional de Seguimiento de Compromisos"]
        assert str(pdf.docinfo["/Subject"]).startswith("Estado de los compromisos")
        assert "2026-Q3" in str(pdf.docinfo["/Keywords"])
        assert str(pdf.docinfo["/CreationDate"]).startswith("D:20261001120000")


def test_counts_agree_with_their_nouns(single: Sample) -> None:
    text = " ".join(_text(single.pdf).split())
    for expected in (
        "se registra 1 compromiso,",
        "se suscribió 1 compromiso nuevo,",
        "se cumplieron 0 (0 dentro de plazo)",
        "permanece 1 vencido.",
        "compromiso comprometido ejecutado (0,0 %) vencido al cierre",
        "nuevo en el periodo cumplidos a tiempo cumplidos con atraso cambios de plazo",
    ):
        assert expected in text, expected
    assert re.findall(r"(?<![\d.])1 (?:compromisos|vencidos|nuevos|días)\b", text) == []


@pytest.mark.parametrize(
    ("count", "expected", "word"),
    [(0, "0 compromisos", "días hábiles"), (1, "1 compromiso", "día hábil"),
     (2, "2 compromisos", "días hábiles"), (1234, "1.234 compromisos", "días hábiles")],
)  # fmt: skip
def test_count_words(count: int, expected: str, word: str) -> None:
    assert count_words(count, "compromiso", "compromisos") == expected
    assert plural(count, "día hábil", "días hábiles") == word
