"""The year's instruments (ARI, IRAL) of a región, built through the console
script and read back with real readers (csv, json, openpyxl, pdfplumber,
frictionless); every figure is checked against sums this test computes by
hand from the rows it inserted."""

from __future__ import annotations

import csv
import hashlib
import json
import shutil
import subprocess
import sys
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import frictionless
import pdfplumber
import pytest
from openpyxl import load_workbook
from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlmodel import Session

from importer import import_file
from models import Commitment, Package, Region
from models.db import make_engine
from models.geography import CommitmentComuna, TerritoryComuna
from models.money import format_clp
from models.parties import Territory
from reports.build import previous_package_at
from reports.instrument_rows import instrument_data
from reports.instruments import ComunaInfo, InstrumentRow, iral_figures, select_rows, shades
from reports.periods import parse_period
from tests.helpers import BATCH_RUNNER, HEADER, Cli, row, write_csv
from tracking.updates import Change, apply_change

TODAY_OF_CHANGES = date(2026, 11, 25)
LIMARI, ELQUI = "Limarí Rural", "Elqui Costero"
OVALLE, PUNITAQUI, COMBARBALA, MONTE_PATRIA, RIO_HURTADO = (
    "04301", "04304", "04302", "04303", "04305"
)  # fmt: skip
LA_SERENA, VICUNA = "04101", "04106"


@dataclass
class Planted:
    """What the test inserted about one commitment, to recompute from."""

    key: str
    institution: str
    programme: str
    territory: str
    amount: int | None
    due: date
    cancelled: bool = False
    comunas: dict[str, int | None] | None = None
    """Its own comunas with the stated part (``None``: the territorio's)."""


PLANTED = [
    Planted("A", "INDAP", "PRODESAL", LIMARI, 30_000_000, date(2027, 3, 15),
            comunas={OVALLE: 20_000_000, PUNITAQUI: 10_000_000}),
    Planted("B", "INDAP", "PRODESAL", LIMARI, 9_000_001, date(2027, 6, 30),
            comunas={COMBARBALA: None, MONTE_PATRIA: None, RIO_HURTADO: None}),
    Planted("C", "FOSIS", "", LIMARI, None, date(2027, 5, 10)),
    Planted("D", "SERCOTEC", "Almacenes de Chile", ELQUI, 12_000_000, date(2027, 9, 1)),
    Planted("E", "FOSIS", "Yo Emprendo", ELQUI, 5_000_000, date(2027, 2, 1), cancelled=True,
            comunas={LA_SERENA: None}),
    Planted("F", "INDAP", "PRODESAL", LIMARI, 7_000_000, date(2027, 1, 20),
            comunas={OVALLE: None}),
    Planted("G", "FOSIS", "Yo Emprendo", ELQUI, 6_000_000, date(2028, 2, 1),
            comunas={VICUNA: None}),
    Planted("H", "SERCOTEC", "Almacenes de Chile", ELQUI, 2_000_000, date(2028, 3, 1)),
    Planted("I", "FOSIS", "Yo Emprendo", ELQUI, 4_000_000, date(2027, 8, 2),
            comunas={LA_SERENA: None}),
    Planted("J", "INDAP", "Riego", LIMARI, 1_500_000, date(2026, 10, 15),
            comunas={OVALLE: None}),
    Planted("K", "INDAP", "", LIMARI, 3_000_000, date(2027, 4, 5),
            comunas={OVALLE: 1_000_000, VICUNA: None}),
]  # fmt: skip
"""F was due in 2026 and moved into 2027; G was due in 2027 and moved into
2028; E was cancelled; J and H fall outside 2027; K names two comunas but
states only one part (so its amount is split evenly)."""
ORIGINAL_PLAZO = {"F": date(2026, 12, 15), "G": date(2027, 11, 30)}
TERRITORY_COMUNAS = {LIMARI: [OVALLE, PUNITAQUI]}  # Elqui Costero has none registered


def load_coquimbo(engine: Engine, tmp_path: Path) -> dict[str, int]:
    """Import the planted commitments for Coquimbo, give them comunas, move
    F's and G's due dates and cancel E (all dated before today)."""
    rows = [
        row(region="Coquimbo", territorio=p.territory, institucion=p.institution,
            institucion_rut="", acta_fecha="2026-03-10", acta_numero="7",
            compromiso=f"{p.key} compromiso de {p.institution}",
            monto="" if p.amount is None else str(p.amount), programa=p.programme,
            plazo=ORIGINAL_PLAZO.get(p.key, p.due).isoformat(),
            territorio_gerente_email="gerente.coquimbo@cumple.example")
        for p in PLANTED
    ]  # fmt: skip
    csv_path = write_csv(tmp_path / "coquimbo.csv", rows, header=[*HEADER, "programa"])
    import_file(engine, csv_path, actor="prueba")
    with Session(engine) as session:
        ids = {c.text[0]: c.id for c in session.scalars(select(Commitment))}
        territories = {t.name: t.id for t in session.scalars(select(Territory))}
        # Rows written directly: what the import (or `territory set`) records.
        session.execute(CommitmentComuna.__table__.delete())  # type: ignore[attr-defined]
        session.execute(TerritoryComuna.__table__.delete())  # type: ignore[attr-defined]
        for name, codes in TERRITORY_COMUNAS.items():
            for code in codes:
                session.add(TerritoryComuna(territory_id=territories[name], comuna_code=code))
        for planted in PLANTED:
            for code, part in (planted.comunas or {}).items():
                session.add(
                    CommitmentComuna(commitment_id=ids[planted.key], comuna_code=code, amount=part)
                )
        session.commit()
        for key in ("F", "G"):
            planted = next(p for p in PLANTED if p.key == key)
            change = Change(due_date=planted.due, reason="Reprogramado", on=date(2026, 7, 1))
            apply_change(session, ids[key], change, "gerente", TODAY_OF_CHANGES)
            session.commit()
        apply_change(
            session, ids["E"], Change(status="cancelado", reason="Sin financiamiento",
                                      on=date(2026, 8, 3)), "gerente", TODAY_OF_CHANGES,
        )  # fmt: skip
        session.commit()
    return ids


def in_2027() -> list[Planted]:
    return [p for p in PLANTED if p.due.year == 2027 and not p.cancelled]


def comuna_parts(planted: Planted) -> dict[str, int]:
    """By hand: the pesos of one commitment per comuna."""
    comunas = planted.comunas or dict.fromkeys(TERRITORY_COMUNAS.get(planted.territory, []))
    if planted.amount is None or not comunas:
        return {}
    if all(part is not None for part in comunas.values()):
        return {code: int(part or 0) for code, part in comunas.items()}
    codes = sorted(comunas)
    share, rest = divmod(planted.amount, len(codes))
    return {code: share + (1 if i < rest else 0) for i, code in enumerate(codes)}


def run_cli(cli: Cli, *runs: list[str]) -> list[tuple[int, str, str]]:
    result = subprocess.run(
        [sys.executable, "-c", BATCH_RUNNER, json.dumps(runs)], cwd=cli.folder, env=cli.env,
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    return [tuple(item) for item in json.loads(result.stdout)]


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def pdf_text(path: Path) -> str:
    with pdfplumber.open(path) as pdf:
        return " ".join(" ".join((page.extract_text() or "").split()) for page in pdf.pages)


@pytest.fixture(scope="module")
def built(sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Both instruments built once by the console script over the planted rows."""
    tmp_path = tmp_path_factory.mktemp("instrumentos")
    shutil.copyfile(sqlite_template, tmp_path / "cumple.db")
    url = f"sqlite:///{tmp_path / 'cumple.db'}"
    engine = make_engine(url)
    try:
        load_coquimbo(engine, tmp_path)
    finally:
        engine.dispose()
    cli = Cli(tmp_path, url)
    results = run_cli(
        cli,
        ["report", "--region", "Coquimbo", "--period", "2027-ARI"],
        ["report", "--region", "Coquimbo", "--period", "2027-IRAL"],
        ["report", "--region", "Coquimbo", "--period", "2027-ARI", "--preliminar"],
        ["report", "--region", "Coquimbo", "--period", "2027-IRAL", "--send"],
        ["report", "--help"],
    )
    (ari_code, ari_out, ari_err), (iral_code, iral_out, iral_err) = results[:2]
    assert (ari_code, iral_code) == (0, 0), ari_err + iral_err
    total = sum(p.amount or 0 for p in in_2027())
    assert ari_out.startswith(
        "Anteproyecto Regional de Inversión (ARI) 2027 de la Región de Coquimbo, al "
    )
    assert f"{len(in_2027())} compromisos (1 sin monto), {format_clp(total)}." in ari_out
    assert "Inversión Regional de Asignación Local (IRAL) 2027" in iral_out
    preliminary, unsent, helped = results[2:]
    assert "ARI o AAAA-IRAL (instrumentos del año AAAA" in " ".join(helped[1].split())
    assert preliminary[0] == 1 and "no lleva --preliminar" in preliminary[2]
    assert unsent[0] == 1 and "--every iral" in unsent[2]
    assert "Traceback" not in preliminary[2] + unsent[2]
    root = tmp_path / "var" / "reports" / "coquimbo"
    return {"ari": root / "2027-ARI", "iral": root / "2027-IRAL"}


def test_ari_figures_match_the_rows_in_every_file(built: dict[str, Path]) -> None:
    folder = built["ari"]
    expected: dict[tuple[str, str], list[int | None]] = defaultdict(list)
    for p in in_2027():
        expected[(p.institution, p.programme or "Sin programa")].append(p.amount)
    lines = read_csv(folder / "ari-instituciones-programas.csv")
    assert {(r["institucion"], r["programa"]) for r in lines} == set(expected)
    for line in lines:
        amounts = expected[(line["institucion"], line["programa"])]
        assert int(line["compromisos"]) == len(amounts)
        assert int(line["sin_monto"]) == sum(1 for a in amounts if a is None)
        assert int(line["con_monto"]) == sum(1 for a in amounts if a is not None)
        assert int(line["monto"]) == sum(a or 0 for a in amounts)
    records = json.loads((folder / "ari-compromisos.json").read_text())["registros"]
    assert sorted(r["compromiso"][0] for r in records) == sorted(p.key for p in in_2027())
    by_key = {p.key: p for p in PLANTED}
    for record in records:
        planted = by_key[record["compromiso"][0]]
        assert record["monto"] == planted.amount
        assert record["vencimiento"] == planted.due.isoformat()
    # The workbook: typed integers with a CLP format, frozen header, no formulas.
    workbook = load_workbook(folder / "planilla.xlsx")
    sheet = workbook["Por institución y programa"]
    assert sheet.freeze_panes == "A2"
    header = [c.value for c in sheet[1]]
    amount_col = header.index("Monto proyectado")
    cells = [r[amount_col] for r in sheet.iter_rows(min_row=2)]
    assert all(isinstance(c.value, int) and c.number_format == '"$"#,##0' for c in cells)
    assert sum(c.value for c in cells) == sum(p.amount or 0 for p in in_2027())
    for ws in workbook.worksheets:
        for cells_row in ws.iter_rows():
            assert not any(isinstance(c.value, str) and c.value.startswith("=") for c in cells_row)
    text = pdf_text(folder / "informe.pdf")
    for label in ("ORD. N°", "ANT.:", "MAT.:", "DE:", "A:"):
        assert label in text
    assert "Gobernador(a) Regional de la Región de Coquimbo" in text
    assert "proyección de la inversión del año 2027 por institución y programa" in text
    assert format_clp(sum(p.amount or 0 for p in in_2027())) in text
    indap = sum(p.amount or 0 for p in in_2027() if p.institution == "INDAP")
    assert format_clp(indap) in text and "Sin programa" in text
    manifest = json.loads((folder / "manifest.json").read_text())
    for item in manifest["archivos"]:
        data = (folder / item["nombre"]).read_bytes()
        assert (len(data), hashlib.sha256(data).hexdigest()) == (item["bytes"], item["sha256"])
    assert manifest["totales"]["monto"] == sum(p.amount or 0 for p in in_2027())
    report = frictionless.validate(str(folder / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])


def test_iral_places_the_investment_by_comuna_and_provincia(built: dict[str, Path]) -> None:
    folder = built["iral"]
    per_comuna: dict[str, int] = defaultdict(int)
    counted: dict[str, int] = defaultdict(int)
    unplaced = 0
    for p in in_2027():
        parts = comuna_parts(p)
        places = p.comunas or dict.fromkeys(TERRITORY_COMUNAS.get(p.territory, []))
        if not places:
            unplaced += 1
        for code in places:
            counted[code] += 1
            per_comuna[code] += parts.get(code, 0)
    cells = {r["comuna_codigo"]: r for r in read_csv(folder / "iral-comunas.csv")}
    assert len(cells) == 15  # every comuna of Coquimbo, planned or not
    assert list(cells) == sorted(cells)
    for code, cell in cells.items():
        assert int(cell["monto"]) == per_comuna.get(code, 0), cell
        assert int(cell["compromisos"]) == counted.get(code, 0), cell
        assert (cell["quintil"] == "0") == (per_comuna.get(code, 0) == 0)
    # Shades grow with the amount.
    ranked = sorted((int(c["monto"]), int(c["quintil"])) for c in cells.values())
    assert [q for _, q in ranked] == sorted(q for _, q in ranked)
    assert int(cells[OVALLE]["monto"]) == 28_500_000
    provinces = {r["provincia"]: r for r in read_csv(folder / "iral-provincias.csv")}
    assert list(provinces) == ["Elqui", "Choapa", "Limarí"]
    for name, province in provinces.items():
        codes = [c for c, cell in cells.items() if cell["provincia"] == name]
        assert int(province["monto"]) == sum(per_comuna.get(c, 0) for c in codes)
    lines = read_csv(folder / "iral-territorios-comunas.csv")
    sin_comuna = [r for r in lines if r["comuna"] == "Sin comuna registrada"]
    assert len(sin_comuna) == 1 and sin_comuna[0]["territorio"] == ELQUI
    assert int(sin_comuna[0]["compromisos"]) == unplaced
    assert int(sin_comuna[0]["monto"]) == 12_000_000
    placements = json.loads((folder / "iral-compromisos-comunas.json").read_text())["registros"]
    stated = {(r["compromiso"][0], r["comuna_codigo"]): r for r in placements}
    assert stated[("A", OVALLE)]["parte_declarada"] is True
    assert stated[("K", OVALLE)]["parte_declarada"] is False
    assert stated[("K", OVALLE)]["monto_planificado"] == 1_500_000
    workbook = load_workbook(folder / "planilla.xlsx")
    sheet = workbook["Por provincia y comuna"]
    header = [c.value for c in sheet[1]]
    amounts = [r[header.index("Monto planificado")] for r in sheet.iter_rows(min_row=2)]
    assert all(isinstance(c.value, int) and c.number_format == '"$"#,##0' for c in amounts)
    assert sum(c.value for c in amounts) == sum(per_comuna.values())
    text = pdf_text(folder / "informe.pdf")
    assert "Mapa de la inversión por provincia" in text and "Río Hurtado" in text
    assert format_clp(per_comuna[OVALLE]) in text
    # Every comuna where nothing lands says so in its tile (Choapa's four among them).
    assert text.count("sin inversión") == sum(1 for code in cells if not counted.get(code))
    assert "Sin comuna registrada" in text
    report = frictionless.validate(str(folder / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])


def test_selection_and_shades_are_pure_functions() -> None:
    period = parse_period("2027-IRAL")
    ovalle = ComunaInfo(OVALLE, "Ovalle", "043", "Limarí")

    def planted(number: int, amount: int | None, due: date, status: str) -> InstrumentRow:
        return InstrumentRow(number, "T", "I", None, "x", amount, due, status, ((OVALLE, None),))

    rows = [
        planted(1, 100, date(2027, 1, 4), "pendiente"),
        planted(2, 100, date(2027, 1, 4), "cancelado"),
        planted(3, 100, date(2028, 1, 4), "pendiente"),
        planted(4, None, date(2027, 12, 31), "cumplido"),
    ]
    assert [r.id for r in select_rows(rows, period)] == [1, 4]
    found, _ = shades({"a": 0, "b": 10, "c": 20, "d": 30, "e": 40, "f": 50})
    assert found == {"a": 0, "b": 1, "c": 2, "d": 3, "e": 4, "f": 5}
    assert shades({"a": 7})[0] == {"a": 5}
    figures = iral_figures(rows, period, date(2026, 12, 1), [ovalle], [OVALLE])
    assert (figures.total.commitments, figures.total.without_amount) == (2, 1)
    assert [(c.sums.commitments, c.sums.amount) for b in figures.provinces for c in b.cells] == [
        (2, 100)
    ]


def test_the_rows_query_reads_the_state_on_the_build_day(engine: Engine, tmp_path: Path) -> None:
    ids = load_coquimbo(engine, tmp_path)
    with Session(engine) as session:
        region = session.scalars(select(Region).where(Region.name == "Coquimbo")).one()
    data = instrument_data(engine, region.id, parse_period("2027-ARI"), date(2026, 12, 1))
    # Cancelled E is read (the figures leave it out); F's and G's moved dates count.
    expected = sorted(ids[p.key] for p in PLANTED if p.due.year == 2027)
    assert [r.id for r in data.rows] == expected
    by_id = {r.id: r for r in data.rows}
    assert by_id[ids["E"]].status == "cancelado"
    assert by_id[ids["A"]].comunas == ((OVALLE, 20_000_000), (PUNITAQUI, 10_000_000))
    assert by_id[ids["C"]].comunas == () and by_id[ids["C"]].territory_comunas == (
        OVALLE,
        PUNITAQUI,
    )
    assert len(data.region_comunas) == 15
    # Before F's due date was moved (1 July 2026), F was due in 2026 and G in 2027.
    early = instrument_data(engine, region.id, parse_period("2027-ARI"), date(2026, 6, 1))
    assert ids["F"] not in {r.id for r in early.rows} and ids["G"] in {r.id for r in early.rows}


def test_an_instrument_is_not_the_previous_package_of_a_period(sqlite_engine: Engine) -> None:
    """Rectifications since the región's previous *periodic* package go into
    the next one: an ARI mailed later does not move that date."""
    quarter_at = datetime(2027, 1, 4, 12, tzinfo=UTC)
    with Session(sqlite_engine) as session:
        for key, at in (
            ("2026-Q4", quarter_at),
            ("2027-ARI", datetime(2027, 4, 1, 12, tzinfo=UTC)),
        ):
            period = parse_period(key)
            session.add(
                Package(region_id=4, period=key, period_start=period.start,
                        period_end=period.end, folder="/tmp/x", manifest_sha256="0" * 64,
                        automatic_key="protocolo", generated_at=at)
            )  # fmt: skip
        session.commit()
    found = previous_package_at(sqlite_engine, 4, parse_period("2028-Q1"))
    assert found is not None and found.replace(tzinfo=UTC) == quarter_at
