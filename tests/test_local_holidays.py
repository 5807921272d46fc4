"""Holidays of some comunas (Ley 20.768: 20 August in Chillán and Chillán
Viejo): the rule held to the law's text, and commitments in Chillán, San
Carlos and both, registered through the real import, with the due dates,
statuses and days late that the commands and the dashboard show."""

from __future__ import annotations

import re
from datetime import date
from importlib import resources
from pathlib import Path

import pytest
from babel.dates import get_month_names
from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlmodel import Session

from importer import import_file
from models import Commitment
from models.calendar import calendar_for
from models.geography import Comuna, Region
from models.local_holidays import LOCAL_HOLIDAYS, local_calendar_key, rules_of
from models.reference import comunas
from models.text import fold
from reports.agenda_load import load_agenda, resolve_territory
from tests.helpers import HEADER, row, write_csv
from tracking.queries import Filters, list_commitments
from tracking.territories import set_territory_comunas
from tracking.totals import status_totals

LAW = re.compile(
    r"Declárase feriado el día (?P<day>\d{1,2}) de (?P<month>\w+) de cada año para las "
    r"comunas de (?P<comunas>[^.]+)\."
)
CHILLAN, CHILLAN_VIEJO, SAN_CARLOS = "16101", "16103", "16301"


def _law_text(file: str) -> str:
    return resources.files("models").joinpath("laws", file).read_text("utf-8")


def test_the_rule_is_what_the_law_says() -> None:
    rule = LOCAL_HOLIDAYS[0]
    text = _law_text(rule.law_file)
    number = re.search(r"Ley N° ([\d.]+)", text)
    assert number is not None and f"Ley {number.group(1)}" == rule.law == "Ley 20.768"
    found = LAW.search(text)
    assert found is not None, "the law's article no longer reads as expected"
    months = {
        fold(name): number for number, name in get_month_names("wide", locale="es_CL").items()
    }
    assert (int(found["day"]), months[fold(found["month"])]) == (rule.day, rule.month) == (20, 8)
    names = [name.strip() for name in re.split(r",| y ", found["comunas"]) if name.strip()]
    assert names == list(rule.comuna_names) == ["Chillán", "Chillán Viejo"]
    # The names the law gives, looked up in the CUT table the project ships.
    by_name = {fold(c.name): c for c in comunas()}
    codes = {by_name[fold(name)].code for name in names}
    assert codes == rule.comunas == {CHILLAN, CHILLAN_VIEJO}
    assert {by_name[fold(name)].region_code for name in names} == {"16"}  # Ñuble, "NB"


def test_the_rule_matches_the_comuna_table(sqlite_engine: Engine) -> None:
    rule = LOCAL_HOLIDAYS[0]
    with Session(sqlite_engine) as session:
        rows = session.execute(
            select(Comuna.code, Comuna.name, Region.iso_code)
            .join(Region, Region.id == Comuna.region_id)
            .where(Comuna.code.in_(sorted(rule.comunas)))  # type: ignore[attr-defined]
        ).all()
    assert sorted((code, name) for code, name, _ in rows) == sorted(
        zip(sorted(rule.comunas), rule.comuna_names, strict=True)
    )
    assert {iso for _, _, iso in rows} == {rule.package_subdivision}


def test_a_place_has_the_rule_only_when_all_its_comunas_are_the_laws() -> None:
    assert local_calendar_key([CHILLAN]) == "ley-20768"
    assert local_calendar_key([CHILLAN, CHILLAN_VIEJO]) == "ley-20768"
    assert local_calendar_key([CHILLAN, SAN_CARLOS]) == ""
    assert local_calendar_key([SAN_CARLOS]) == ""
    assert local_calendar_key([]) == ""


def test_the_calendar_before_the_law_and_before_nuble() -> None:
    local, region = calendar_for("NB", "ley-20768"), calendar_for("NB")
    # 2014 (a Wednesday): the law was promulgated that very day; no holiday yet.
    assert local.is_business_day(date(2014, 8, 20))
    # 2015 (a Thursday, three years before Ñuble became a región) and 2026.
    for day in (date(2015, 8, 20), date(2026, 8, 20)):
        assert not local.is_business_day(day)
        assert region.is_business_day(day)
        assert calendar_for("BI").is_business_day(day)  # Biobío, Chillán's región in 2015


def _import(engine: Engine, path: Path, rows: list[dict[str, object]]) -> None:
    import_file(engine, write_csv(path, rows, header=[*HEADER, "comunas"]), actor="prueba")


def _ñuble(text: str, plazo: str, comunas: str = "", **extra: object) -> dict[str, object]:
    return row(region="Ñuble", territorio="Valle del Itata", compromiso=text, plazo=plazo,
               acta_fecha=f"{plazo[:4]}-06-15", comunas=comunas, **extra)  # fmt: skip


def test_due_dates_through_the_import(engine: Engine, tmp_path: Path) -> None:
    rows = [
        _ñuble(f"{place} {year}", f"{year}-08-20", comunas)
        for year in (2014, 2015, 2026)
        for place, comunas in (
            ("Chillán", "Chillán"),
            ("San Carlos", "San Carlos"),
            ("ambas", "Chillán, 16301"),
            ("Chillán Viejo", "chillan viejo; 16101"),
        )
    ]
    _import(engine, tmp_path / "a.csv", rows)
    with Session(engine) as session:
        stored = {
            c.text: (c.due_date, c.local_calendar) for c in session.scalars(select(Commitment))
        }
    # 2014: before the law, nobody's deadline moves.
    for place, key in (("Chillán", "ley-20768"), ("Chillán Viejo", "ley-20768"),
                       ("San Carlos", ""), ("ambas", "")):  # fmt: skip
        assert stored[f"{place} 2014"] == (date(2014, 8, 20), key)
    for year, next_day in ((2015, date(2015, 8, 21)), (2026, date(2026, 8, 21))):
        assert stored[f"Chillán {year}"] == (next_day, "ley-20768")
        assert stored[f"Chillán Viejo {year}"] == (next_day, "ley-20768")
        assert stored[f"San Carlos {year}"] == (date(year, 8, 20), "")
        assert stored[f"ambas {year}"] == (date(year, 8, 20), "")


def test_statuses_and_days_late_follow_the_place(sqlite_engine: Engine, tmp_path: Path) -> None:
    """A territorio whose comunas are Chillán and Chillán Viejo: a row
    without comunas takes them (and their holiday); a row in San Carlos of a
    territorio without that holiday does not."""
    _import(sqlite_engine, tmp_path / "a.csv", [
        _ñuble("Primera sesión", "2026-07-01"),
        row(region="Ñuble", territorio="Punilla", compromiso="San Carlos", plazo="2026-08-20",
            comunas="San Carlos"),
    ])  # fmt: skip
    with Session(sqlite_engine) as session:
        set_territory_comunas(session, "Valle del Itata", "Ñuble", "Chillán, Chillán Viejo")
        session.commit()
    _import(sqlite_engine, tmp_path / "b.csv", [_ñuble("Chillán", "2026-08-20")])
    with Session(sqlite_engine) as session:
        on_21 = {v.compromiso: v for v in list_commitments(session, Filters(), date(2026, 8, 21))}
        assert on_21["Chillán"].vencimiento == date(2026, 8, 21)
        assert [(c.codigo, c.monto) for c in on_21["Chillán"].comunas] == [
            (CHILLAN, 7_500_000), (CHILLAN_VIEJO, 7_500_000),
        ]  # fmt: skip
        assert str(on_21["Chillán"].estado) == "por_vencer"
        assert str(on_21["San Carlos"].estado) == "vencido"
        overdue = list_commitments(session, Filters(status="vencido"), date(2026, 8, 21))
        assert {v.compromiso for v in overdue} == {"San Carlos", "Primera sesión"}
        # On 6 August the "due soon" horizon (10 business days) reaches 20
        # August in San Carlos and 21 August in Chillán: both are due soon,
        # in the SQL filter and in the dashboard's grouped counts alike.
        soon = list_commitments(session, Filters(status="por_vencer"), date(2026, 8, 6))
        assert {v.compromiso for v in soon} == {"San Carlos", "Chillán"}
        totals = {(t.territory, str(t.status)): t.commitments
                  for t in status_totals(session, Filters(), date(2026, 8, 6))}  # fmt: skip
        assert totals[("Valle del Itata", "por_vencer")] == 1
        assert totals[("Punilla", "por_vencer")] == 1
        # Days late on Monday 24 August: 21 and 24 in San Carlos; only 24 in Chillán.
        for name, late in (("Valle del Itata", 1), ("Punilla", 2)):
            agenda = load_agenda(session, resolve_territory(session, name, "Ñuble"),
                                 date(2026, 8, 24))  # fmt: skip
            item = next(i for i in agenda.items if i.view.plazo == date(2026, 8, 20))
            assert item.dias_atraso == late, name


@pytest.mark.parametrize(
    ("day", "falls"),
    [
        (date(2015, 8, 20), True),  # the first year
        (date(2026, 8, 20), True),
        (date(2014, 8, 20), False),  # the package's first year, not the law's
        (date(2026, 8, 21), False),
        (date(2026, 9, 20), False),
        (date(2026, 7, 20), False),
    ],
)
def test_the_rule_falls_on_20_august_from_2015(day: date, falls: bool) -> None:
    assert LOCAL_HOLIDAYS[0].falls_on(day) is falls


def test_a_stored_key_names_its_rules() -> None:
    rule = LOCAL_HOLIDAYS[0]
    assert rules_of("") == ()
    assert rules_of("ley-20768") == (rule,)
    assert rules_of(local_calendar_key([CHILLAN_VIEJO])) == (rule,)
    assert rules_of("ley-20768,ley-20768") == (rule, rule)
    with pytest.raises(KeyError):
        rules_of("ley-0")
