"""Protocols keep their history, packages are built only for ended periods
(or marked PRELIMINAR), and a change dated inside a period whose package was
already sent is a rectification listed by the next package."""

from __future__ import annotations

import json
import shutil
import subprocess
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook
from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlmodel import Session

from config import load_settings
from flows.cycle import package_step
from importer import import_file
from models import Commitment, CommitmentEvent, OutboxMessage, Region
from reports.build import build_package
from reports.dispatch import due_packages
from reports.periods import parse_period, period_containing
from tests.helpers import Cli, row, write_csv
from tracking.errors import InvalidChange
from tracking.protocols import list_protocols, set_protocol
from tracking.updates import Change, apply_change

TODAY = datetime.now(UTC).astimezone(ZoneInfo("America/Santiago")).date()


def _load(engine: Engine, tmp_path: Path) -> int:
    rows = [row(compromiso="Transferencia", monto="15000000", plazo="2026-09-21")]
    import_file(engine, write_csv(tmp_path / "actas.csv", rows), actor="prueba")
    with Session(engine) as session:
        return session.scalars(select(Commitment.id)).one()


def _set(engine: Engine, to: str, every: str, since: date) -> object:
    with Session(engine) as session:
        change = set_protocol(session, region_text="Antofagasta", recipients=[to], every=every,
                              since=since, title=None)  # fmt: skip
        session.commit()
    return change


def test_a_new_version_keeps_the_periods_begun_under_the_earlier_one(
    engine: Engine, database_url: str, tmp_path: Path
) -> None:
    _load(engine, tmp_path)
    _set(engine, "a@gore.cl", "quarter", date(2026, 7, 1))
    assert [(d.period.key, d.recipients) for d in due_packages(engine, date(2026, 10, 1))] == [
        ("2026-Q3", ["a@gore.cl"])
    ]
    change = _set(engine, "b@gore.cl", "month", date(2026, 11, 30))
    assert not change.replaced and change.previous.since == date(2026, 7, 1)  # type: ignore[attr-defined]
    with Session(engine) as session:
        versions = [(v.since, v.until, v.every, v.recipients) for v in list_protocols(session)]
    assert versions == [
        (date(2026, 7, 1), date(2026, 11, 29), "quarter", ["a@gore.cl"]),
        (date(2026, 11, 30), None, "month", ["b@gore.cl"]),
    ]
    # On 4 January 2027 (1 January is a holiday) the quarter begun under the
    # first version goes to its recipients; December, to the new ones.
    due = [(d.period.key, d.recipients) for d in due_packages(engine, date(2027, 1, 4))]
    assert due == [
        ("2026-Q3", ["a@gore.cl"]), ("2026-Q4", ["a@gore.cl"]), ("2026-12", ["b@gore.cl"])
    ]  # fmt: skip
    settings = load_settings(database_url=database_url, data_dir=tmp_path / "var")
    assert package_step(engine, settings, date(2027, 1, 4), datetime.now(UTC)).built == 3
    assert package_step(engine, settings, date(2027, 1, 5), datetime.now(UTC)).built == 0
    with Session(engine) as session:
        mailed = sorted(
            (m.subject.split(",")[-1].strip(), m.recipient)
            for m in session.scalars(select(OutboxMessage))
        )
    assert len(mailed) == 3 and {r for _, r in mailed} == {"a@gore.cl", "b@gore.cl"}
    # The same date replaces that version instead of adding one.
    again = _set(engine, "c@gore.cl", "month", date(2026, 11, 30))
    assert again.replaced  # type: ignore[attr-defined]
    with Session(engine) as session:
        assert len(list_protocols(session)) == 2


def test_protocol_set_says_what_changes(sqlite_url: str, tmp_path: Path) -> None:
    cli = Cli(tmp_path, sqlite_url)
    first = cli("protocol", "set", "--region", "Antofagasta", "--to", "gobernacion@gore.cl",
                "--since", "2026-07-01")  # fmt: skip
    assert first.returncode == 0 and "el primero, 2026-Q3" in first.stdout
    second = cli("protocol", "set", "--region", "Antofagasta", "--to", "gobernador@gore.example",
                 "--every", "quarter", "--since", "2026-11-30")  # fmt: skip
    assert second.returncode == 0, second.stderr
    assert "nueva versión desde el 30 de noviembre de 2026" in second.stdout
    assert "el primero, 2027-Q1" in second.stdout
    assert "(hasta 2026-Q4, inclusive)" in second.stdout
    assert "versión del 1 de julio de 2026" in second.stdout
    assert "gobernacion@gore.cl" in second.stdout
    listed = cli.json("protocol", "list")
    assert [(v["desde"], v["hasta"]) for v in listed] == [
        ("2026-07-01", "2026-11-29"), ("2026-11-30", None)
    ]  # fmt: skip


def test_a_period_that_has_not_ended_is_refused_or_marked(sqlite_url: str, tmp_path: Path) -> None:
    cli = Cli(tmp_path, sqlite_url)
    current = period_containing(TODAY, "quarter").key
    refused = cli("report", "--region", "II", "--period", current)
    assert refused.returncode == 1 and "--preliminar" in refused.stderr
    assert "termina el" in refused.stderr and "Traceback" not in refused.stderr
    both = cli("report", "--region", "II", "--period", current, "--preliminar", "--send")
    assert both.returncode == 1 and "no se envía" in both.stderr
    draft = cli("report", "--region", "II", "--period", current, "--preliminar")
    assert draft.returncode == 0 and "Paquete PRELIMINAR" in draft.stdout
    folder = tmp_path / "var" / "reports" / "antofagasta" / f"{current}-preliminar"
    manifest = json.loads((folder / "manifest.json").read_text("utf-8"))
    assert manifest["preliminar"] is True
    assert json.loads((folder / "compromisos.json").read_text("utf-8"))["preliminar"] is True
    descriptor = json.loads((folder / "datapackage.json").read_text("utf-8"))
    assert descriptor["title"].startswith("PRELIMINAR")
    workbook = load_workbook(folder / "planilla.xlsx")
    assert workbook["Resumen"]["A2"].value.startswith("PRELIMINAR")
    assert all("PRELIMINAR" in sheet.oddHeader.center.text for sheet in workbook.worksheets)
    if shutil.which("pdftotext"):
        pages = subprocess.run(
            ["pdftotext", str(folder / "informe.pdf"), "-"], capture_output=True, text=True,
            check=True,
        ).stdout.split("\f")  # fmt: skip
        assert all("PRELIMINAR" in page for page in pages if page.strip())


def test_a_fact_inside_a_sent_period_is_a_rectification(
    engine: Engine, database_url: str, tmp_path: Path
) -> None:
    commitment_id = _load(engine, tmp_path)
    _set(engine, "a@gore.cl", "quarter", date(2026, 7, 1))
    settings = load_settings(database_url=database_url, data_dir=tmp_path / "var")
    sent_at = datetime(2026, 10, 1, 11, tzinfo=UTC)
    assert package_step(engine, settings, date(2026, 10, 1), sent_at).built == 1
    late_payment = Change(executed_amount=9_000_000, on=date(2026, 9, 15))
    with Session(engine) as session, pytest.raises(InvalidChange, match="rectificación"):
        apply_change(session, commitment_id, late_payment, "gerente", date(2026, 11, 25))
    with Session(engine) as session:
        apply_change(
            session, commitment_id,
            Change(executed_amount=9_000_000, reason="Pago omitido en el informe",
                   on=date(2026, 9, 15)),
            "gerente@loa", date(2026, 11, 25),
        )  # fmt: skip
        apply_change(session, commitment_id, Change(note="Sin efecto"), "gerente", TODAY)
        session.commit()
        marked = session.scalars(
            select(CommitmentEvent.rectifies).where(
                CommitmentEvent.commitment_id == commitment_id,
                CommitmentEvent.field == "executed_amount",
            )
        ).all()
        region = session.get(Region, 2)
    assert marked == ["2026-Q3"]
    assert region is not None
    q4 = build_package(engine, settings, region, parse_period("2026-Q4"), out=tmp_path / "q4")
    assert [(r.commitment_id, r.period, r.new, r.reason) for r in q4.figures.rectifications] == [
        (commitment_id, "2026-Q3", "9000000", "Pago omitido en el informe")
    ]
    sheet = load_workbook(q4.folder / "planilla.xlsx")["Rectificaciones"]
    values = list(sheet.iter_rows(min_row=2, values_only=True))
    assert [(v[0], v[3], v[5], v[6], v[8]) for v in values] == [
        (commitment_id, "2026-Q3", "$0", "$9.000.000", "Pago omitido en el informe")
    ]
    # The rebuilt Q3 package shows the rectified figure, and lists no
    # rectification of itself.
    q3 = build_package(engine, settings, region, parse_period("2026-Q3"), out=tmp_path / "q3")
    assert q3.figures.rectifications == []
    assert q3.figures.records[0].monto_ejecutado == 9_000_000
