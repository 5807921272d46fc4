"""The dashboard's figures (``status_totals``: grouped by the state
columns first, the status decided per group) against each commitment's own
status from the list, over every filter path the dashboard and the lists
use, on both backends."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlmodel import Session

from importer import import_file
from models.parties import Territory
from tests.helpers import row, write_csv
from tracking.evidence import report_progress
from tracking.queries import Filters, list_commitments
from tracking.totals import status_totals
from tracking.updates import Change, Report, apply_change

TODAY = date(2026, 11, 25)


@pytest.fixture
def varied(engine: Engine, tmp_path: Path) -> Engine:
    rows = [
        row(compromiso="vencido", plazo="2026-11-02", monto="1000"),
        row(compromiso="por vencer", plazo="2026-12-04", monto="2000"),
        row(compromiso="pendiente", plazo="2027-03-01"),
        row(compromiso="se cumple", plazo="2026-11-10", monto="500"),
        row(compromiso="se cancela", plazo="2027-01-10"),
        row(compromiso="se informa", plazo="2026-11-03", monto="700"),
        row(region="Atacama", territorio="Huasco", compromiso="atacama", plazo="2026-12-09"),
        row(institucion="SERCOTEC", institucion_rut="", compromiso="otra", plazo="2026-11-25"),
    ]
    import_file(engine, write_csv(tmp_path / "a.csv", rows), actor="prueba")
    with Session(engine) as session:
        apply_change(session, 4, Change(status="cumplido", executed_amount=450,
                                        on=date(2026, 11, 20)), "a", TODAY)  # fmt: skip
        apply_change(session, 5, Change(status="cancelado", reason="sin fondos",
                                        on=date(2026, 11, 21)), "a", TODAY)  # fmt: skip
        report_progress(session, 6, Report(fulfilled=True, executed_amount=700,
                                           on=date(2026, 11, 22)),
                        [], ["Res. 1230"], "enlace: r", TODAY)  # fmt: skip
        apply_change(session, 3, Change(due_date=date(2027, 4, 1), reason="r",
                                        on=date(2026, 11, 23)), "a", TODAY)  # fmt: skip
        session.commit()
    return engine


def _expected(session: Session, filters: Filters, day: date) -> dict[tuple[str, str], list[int]]:
    expected: dict[tuple[str, str], list[int]] = {}
    for view in list_commitments(session, filters, day):
        line = expected.setdefault((view.territorio, view.estado.value), [0, 0, 0])
        line[0] += 1
        line[1] += view.monto or 0
        line[2] += view.monto_ejecutado
    return expected


@pytest.mark.parametrize("day", [date(2026, 11, 21), TODAY, date(2027, 2, 1)])
def test_dashboard_figures_equal_the_statuses_one_by_one(varied: Engine, day: date) -> None:
    with Session(varied) as session:
        huasco = session.scalar(select(Territory.id).where(Territory.name == "Huasco"))
        assert huasco is not None
        cases = [
            Filters(),
            Filters(text="sercotec"),  # matches the institution's name
            Filters(region="III"),
            Filters(territory_ids=frozenset({huasco})),
            Filters(status="vencido"),
        ]
        seen: set[str] = set()
        for filters in cases:
            got = {
                (t.territory, t.status.value): [t.commitments, t.committed, t.executed]
                for t in status_totals(session, filters, day)
            }
            assert got == _expected(session, filters, day), filters
            seen |= {status for _, status in got}
    if day == TODAY:  # every status the dashboard shows, each added up here
        assert seen == {"vencido", "por_vencer", "pendiente", "cumplido", "cancelado", "informado"}
