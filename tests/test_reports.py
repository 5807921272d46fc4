"""Information packages read back with real readers (csv, json, openpyxl,
pdftotext) and checked against figures computed here, by hand."""

from __future__ import annotations

import csv
import hashlib
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
from models import Commitment, Region
from models.calendar import calendar_for
from reports.build import build_package
from reports.periods import parse_period
from tests.helpers import HEADER, row, write_csv
from tracking.updates import Change, apply_change, decide

AN = calendar_for("AN")
Q3 = parse_period("2026-Q3")
NOW = datetime(2026, 10, 1, 12, tzinfo=UTC)


def load(engine: Engine, tmp_path: Path) -> dict[str, int]:
    rows = [
        row(compromiso="A transferencia", monto="15000000", plazo="2026-09-21",
            programa="Chile Emprende", productos="Convenio firmado", beneficiarios="40"),
        row(compromiso="B convocatoria", monto="20000000", plazo="40 días hábiles"),
        row(compromiso="C diagnóstico", acta_fecha="2026-08-03", acta_numero="13",
            monto="", plazo="2026-10-30"),
        row(compromiso="D señalética", monto="10000000", plazo="2026-07-31"),
        row(compromiso="E posterior", acta_fecha="2026-10-05", acta_numero="14",
            monto="1000000", plazo="2026-12-01"),
        row(compromiso="F capacitación", monto="8000000", plazo="2026-09-01"),
        row(compromiso="G feria", territorio="Alto El Loa", institucion="SERCOTEC",
            institucion_rut="", monto="3000000", plazo="2026-09-15"),
    ]  # fmt: skip
    header = [*HEADER, "programa", "productos", "beneficiarios"]
    import_file(engine, write_csv(tmp_path / "actas.csv", rows, header=header), actor="prueba")
    with Session(engine) as session:
        ids = {c.text[0]: c.id for c in session.scalars(select(Commitment))}
        facts = [
            ("A", Change(status="cumplido", executed_amount=15_000_000, on=date(2026, 9, 17))),
            ("D", Change(due_date=date(2026, 10, 9), reason="Retraso en la licitación",
                         on=date(2026, 7, 20))),
            ("F", Change(status="cumplido", executed_amount=5_000_000, on=date(2026, 9, 10))),
            ("F", "reopen"),
            ("F", Change(executed_amount=8_000_000, on=date(2026, 10, 2))),
            ("G", Change(status="cancelado", reason="Sin local disponible", on=date(2026, 8, 20))),
        ]  # fmt: skip
        for name, change in facts:
            if change == "reopen":
                # A payment recorded after the fulfilment: closed is closed, so
                # the gerente reopens it (dated today, 25 November) first.
                decide(session, ids[name], "reopen", "gerente", date(2026, 11, 25),
                       "Falta registrar el segundo pago")  # fmt: skip
            else:
                apply_change(session, ids[name], change, "gerente", date(2026, 11, 25))
            session.commit()
    return ids


def build(engine: Engine, database_url: str, tmp_path: Path, out: Path | None = None):  # type: ignore[no-untyped-def]
    settings = load_settings(database_url=database_url, data_dir=tmp_path / "var")
    with Session(engine) as session:
        region = session.get(Region, 2)
    assert region is not None
    return build_package(engine, settings, region, Q3, out=out, now=NOW)


def test_package_numbers_agree_across_every_file(
    engine: Engine, database_url: str, tmp_path: Path
) -> None:
    ids = load(engine, tmp_path)
    built = build(engine, database_url, tmp_path)
    folder = tmp_path / "var" / "reports" / "antofagasta" / "2026-Q3"
    assert built.folder == folder
    names = sorted(p.name for p in folder.iterdir())
    assert names == sorted(
        ["informe.pdf", "planilla.xlsx", "compromisos.csv", "compromisos.json",
         "datapackage.json", "catalogo.jsonld", "manifest.json"]
    )  # fmt: skip

    # What the period looked like on 30 September 2026, worked out by hand.
    late_b = AN.between(AN.add(date(2026, 6, 15), 40), date(2026, 9, 30))
    expected = {
        ids["A"]: ("cumplido", 15_000_000, 15_000_000, None, "2026-09-17"),
        ids["B"]: ("vencido", 20_000_000, 0, late_b, None),
        ids["C"]: ("pendiente", None, 0, None, None),
        ids["D"]: ("por_vencer", 10_000_000, 0, None, None),
        ids["F"]: ("cumplido", 8_000_000, 5_000_000, None, "2026-09-10"),
        ids["G"]: ("cancelado", 3_000_000, 0, None, None),
    }

    text = (folder / "compromisos.csv").read_bytes().decode("utf-8-sig")
    records = list(csv.DictReader(io.StringIO(text)))
    got = {
        int(r["id"]): (
            r["estado"],
            int(r["monto"]) if r["monto"] else None,
            int(r["monto_ejecutado"]),
            int(r["dias_atraso"]) if r["dias_atraso"] else None,
            r["cumplido_el"] or None,
        )
        for r in records
    }
    assert got == expected
    by_id = {int(r["id"]): r for r in records}
    assert by_id[ids["D"]]["plazo"] == "2026-10-09"
    assert by_id[ids["C"]]["nuevo_en_periodo"] == "true"
    assert by_id[ids["A"]]["programa"] == "Chile Emprende"
    assert by_id[ids["A"]]["beneficiarios"] == "40"
    assert "@" not in text  # no personal e-mail addresses in open data

    document = json.loads((folder / "compromisos.json").read_text("utf-8"))
    assert document["periodo"] == "2026-Q3"
    assert {c["id"]: c["estado"] for c in document["compromisos"]} == {
        k: v[0] for k, v in expected.items()
    }

    workbook = load_workbook(folder / "planilla.xlsx")
    assert workbook.sheetnames == [
        "Resumen", "Por territorio", "Por institución", "Compromisos", "Evidencias",
        "Vencidos", "Cumplidos", "Nuevos", "Cambios de plazo", "Rectificaciones",
    ]  # fmt: skip
    sheet = workbook["Compromisos"]
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref == "A1:X7"
    header = [c.value for c in sheet[1]]
    amount_col = header.index("Monto invertido") + 1
    start_col = header.index("Fecha de inicio") + 1
    first = sheet.cell(row=2, column=amount_col)
    assert isinstance(first.value, int) and first.number_format == '"$"#,##0'
    assert isinstance(sheet.cell(row=2, column=start_col).value, datetime)
    territories = {r[0].value: r for r in workbook["Por territorio"].iter_rows(min_row=2)}
    loa = territories["Loa Emprende"]
    assert [c.value for c in loa[1:4]] == [5, 53_000_000, 20_000_000]
    assert loa[4].number_format == "0.0%" and abs(loa[4].value - 20 / 53) < 1e-9
    assert [c.value for c in loa[5:9]] == [1, 1, 1, 1]  # new, on time, late, overdue
    overdue = list(workbook["Vencidos"].iter_rows(min_row=2, values_only=True))
    assert [(r[0], r[6]) for r in overdue] == [(ids["B"], late_b)]
    changes = list(workbook["Cambios de plazo"].iter_rows(min_row=2, values_only=True))
    assert [(r[0], r[6]) for r in changes] == [(ids["D"], "Retraso en la licitación")]
    assert [c[3:6] for c in changes] == [
        (datetime(2026, 7, 31), datetime(2026, 10, 9), datetime(2026, 7, 20))
    ]

    # Every sheet read back row by row, not only summed.
    def rows_of(name: str) -> list[tuple[object, ...]]:
        # Rates (floats) compared to 12 decimals: XLSX keeps 15 significant digits.
        return [
            tuple(round(v, 12) if isinstance(v, float) else v for v in row)
            for row in workbook[name].iter_rows(min_row=2, values_only=True)
        ]

    assert rows_of("Por territorio") == [
        ("Alto El Loa", 1, 3_000_000, 0, 0.0, 0, 0, 0, 0, 0, 0),
        ("Loa Emprende", 5, 53_000_000, 20_000_000, round(20 / 53, 12), 1, 1, 1, 1, 0, 0),
    ]
    assert rows_of("Por institución") == [
        ("FOSIS", 5, 53_000_000, 20_000_000, round(20 / 53, 12), 1, 1, 1, 1, 0, 0),
        ("SERCOTEC", 1, 3_000_000, 0, 0.0, 0, 0, 0, 0, 0, 0),
    ]
    # F was due 1 September and fulfilled on the 10th: 2-4 and 7-10, 7 days.
    assert rows_of("Cumplidos") == [
        (ids["F"], "FOSIS", "F capacitación", datetime(2026, 9, 1), datetime(2026, 9, 10),
         datetime(2026, 9, 10), "no", 7),
        (ids["A"], "FOSIS", "A transferencia", datetime(2026, 9, 21), datetime(2026, 9, 17),
         datetime(2026, 9, 17), "sí", 0),
    ]  # fmt: skip
    assert [(r[0], r[4], r[5]) for r in rows_of("Nuevos")] == [
        (ids["C"], datetime(2026, 8, 3), None)
    ]
    assert rows_of("Vencidos") == [
        (ids["B"], "Loa Emprende", "FOSIS", "B convocatoria", 20_000_000,
         datetime.combine(AN.add(date(2026, 6, 15), 40), datetime.min.time()), late_b),
    ]  # fmt: skip
    summary = dict(rows_of("Resumen"))  # type: ignore[arg-type]
    assert {k: summary[k] for k in (
        "Compromisos al cierre", "Monto comprometido (CLP)", "Monto ejecutado (CLP)",
        "Compromisos nuevos en el periodo", "Cumplidos en el periodo a tiempo",
        "Cumplidos en el periodo con atraso", "Vencidos al cierre",
        "Cambios de plazo acordados en el periodo",
    )} == {
        "Compromisos al cierre": 6, "Monto comprometido (CLP)": 56_000_000,
        "Monto ejecutado (CLP)": 20_000_000, "Compromisos nuevos en el periodo": 1,
        "Cumplidos en el periodo a tiempo": 1, "Cumplidos en el periodo con atraso": 1,
        "Vencidos al cierre": 1, "Cambios de plazo acordados en el periodo": 1,
    }  # fmt: skip
    propir = {r[0]: r for r in rows_of("Compromisos")}
    assert propir[ids["A"]][1:13] == (
        "Loa Emprende", "Chile Emprende", "FOSIS", "A transferencia", "Acta de Consejo "
        "Público-Privado N° 12 del 15 de junio de 2026", "Presupuesto regular", 15_000_000,
        15_000_000, "no", datetime(2026, 6, 15), datetime(2026, 9, 17), datetime(2026, 9, 21),
    )  # fmt: skip

    pdf = subprocess.run(
        ["pdftotext", "-layout", str(folder / "informe.pdf"), "-"],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    for expected_text in (
        "ORD. N°", "02-2026-Q3", "ANT.:", "MAT.:", "DE:", "A:",
        "Gobernador(a) Regional de la Región de Antofagasta",
        "tercer trimestre de 2026", "$56.000.000", "$20.000.000",
        "Página 1 de", "Resumen ejecutivo", "Por territorio", "Por institución",
        "Compromisos vencidos al cierre", "Retraso en la licitación", "PROPIR",
    ):  # fmt: skip
        # Words wrap inside their (fixed-width) column: compare word sequences.
        assert expected_text in " ".join(pdf.split()), expected_text
    assert "E posterior" not in pdf

    manifest = json.loads((folder / "manifest.json").read_text("utf-8"))
    for item in manifest["archivos"]:
        digest = hashlib.sha256((folder / item["nombre"]).read_bytes()).hexdigest()
        assert digest == item["sha256"], item["nombre"]
    assert manifest["filas"]["compromisos"] == 6 and manifest["periodo"] == "2026-Q3"

    descriptor = json.loads((folder / "datapackage.json").read_text("utf-8"))
    fields = [f["name"] for f in descriptor["resources"][0]["schema"]["fields"]]
    assert fields == list(records[0])


def test_same_data_gives_the_same_open_data_bytes(
    engine: Engine, database_url: str, tmp_path: Path
) -> None:
    load(engine, tmp_path)
    first = build(engine, database_url, tmp_path, out=tmp_path / "uno")
    second = build(engine, database_url, tmp_path, out=tmp_path / "dos")
    for name in ("compromisos.csv", "compromisos.json", "datapackage.json"):
        assert (first.folder / name).read_bytes() == (second.folder / name).read_bytes()


def test_a_failed_build_leaves_nothing_half_written(
    engine: Engine, database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    load(engine, tmp_path)
    good = build(engine, database_url, tmp_path)
    before = {p.name: p.read_bytes() for p in good.folder.iterdir()}

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("renderer failed")

    monkeypatch.setattr("reports.build.write_pdf", broken)
    with pytest.raises(RuntimeError):
        build(engine, database_url, tmp_path)
    assert {p.name: p.read_bytes() for p in good.folder.iterdir()} == before
    leftovers = [p for p in good.folder.parent.iterdir() if p.name.startswith(".")]
    assert leftovers == []


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils no instalado")
def test_pdf_pages_render(engine: Engine, database_url: str, tmp_path: Path) -> None:
    load(engine, tmp_path)
    built = build(engine, database_url, tmp_path)
    subprocess.run(
        ["pdftoppm", "-png", "-r", "40", str(built.folder / "informe.pdf"), str(tmp_path / "p")],
        check=True,
    )
    pages = sorted(tmp_path.glob("p-*.png"))
    assert len(pages) >= 3


@pytest.mark.parametrize("count", [0, 1, 3])
def test_streamed_json_is_the_plain_sorted_dump(tmp_path: Path, count: int) -> None:
    from reports.figures import CommitmentRecord, EvidenceRef
    from reports.open_data import record_dict, write_json

    evidence = EvidenceRef("archivo", "res.pdf", "ab" * 32, 1234, None, date(2026, 1, 20))

    records = [
        CommitmentRecord(
            id=i,
            territorio="Limarí",
            programa=None,
            institucion="FOSIS",
            institucion_rut=None,
            acta="Acta",
            acta_fecha=date(2026, 1, 1),
            compromiso='dice "sí"',
            fuente=None,
            monto=5,
            monto_ejecutado=0,
            sobre_ejecucion=False,
            plazo=date(2026, 2, 1),
            vencimiento=date(2026, 2, 2),
            estado="vencido",
            informado_el=None,
            cumplido_el=None,
            verificacion="sin informe",
            verificado_el=None,
            dias_atraso=3,
            nuevo_en_periodo=True,
            productos=None,
            beneficiarios=None,
            evidencias=(evidence,) * i,
            historial_entradas=i + 1,
            historial_sha256="cd" * 32,
        )
        for i in range(count)
    ]
    meta = {"region": "Coquimbo", "periodo": "2026-Q1", "a": 1}
    write_json(tmp_path / "x.json", records, meta)
    document = {**meta, "compromisos": [record_dict(r) for r in records]}
    expected = json.dumps(document, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    assert (tmp_path / "x.json").read_text("utf-8") == expected
