"""ARI and IRAL protocols beside the periodic one: set and listed through
the console script, and the daily cycle mails each instrument once, on its
day, to its own recipients, while the quarterly package goes on; an
instrument has no public version."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlmodel import Session

from models import Package
from models.money import format_clp
from reports.public_package import refresh_public_packages
from tests.cycle_helpers import run_day, settings_for
from tests.helpers import Cli
from tests.smtp_server import smtp_server
from tests.test_instruments import PLANTED, load_coquimbo, run_cli
from tracking.portal import enable_region
from tracking.public_packages import public_packages

QUARTER_TO = "gobernador@gore-coquimbo.cl.example"
ARI_TO = ["ari@gore-coquimbo.cl.example", "dipres@gore-coquimbo.cl.example"]
IRAL_TO = "core@gore-coquimbo.cl.example"


def test_protocols_per_instrument_and_the_cycle_mails_each_once_on_its_day(
    sqlite_engine: Engine, sqlite_url: str, tmp_path: Path
) -> None:
    load_coquimbo(sqlite_engine, tmp_path)
    cli = Cli(tmp_path, sqlite_url)
    base = ["protocol", "set", "--region", "Coquimbo"]
    with smtp_server() as (handler, port):
        cli.env.update({"CUMPLE_SMTP_HOST": "127.0.0.1", "CUMPLE_SMTP_PORT": str(port)})
        results = run_cli(
            cli,
            [*base, "--to", QUARTER_TO, "--every", "quarter", "--since", "2027-01-01"],
            [*base, "--to", ARI_TO[0], "--to", ARI_TO[1], "--every", "ari", "--since",
             "2026-11-01"],
            [*base, "--to", IRAL_TO, "--every", "iral", "--since", "2026-11-01"],
            ["protocol", "list", "--format", "json"],
            ["protocol", "list"],
            ["protocol", "set", "--help"],
            ["report", "--region", "Coquimbo", "--period", "2028-IRAL", "--send"],
        )  # fmt: skip
        on_demand = [(m.envelope_to, str(m.message["Subject"])) for m in handler.received]
    assert all(code == 0 for code, _, _ in results), results
    # On demand, to the IRAL's own recipients only.
    assert on_demand == [
        ([IRAL_TO], "Inversión Regional de Asignación Local (IRAL) 2028 — Región de Coquimbo")
    ]
    assert f"Enviado a {IRAL_TO}" in results[-1][1]
    quarter, ari, iral, listed, table, helped, _ = (out for _, out, _ in results)
    assert "Se aplica a los periodos que comienzan desde esa fecha (el primero, 2027-Q1)" in quarter
    assert "El próximo: ARI 2028, el 1 de abril de 2027." in ari
    assert "El próximo: IRAL 2027, el 1 de diciembre de 2026." in iral
    assert "El protocolo periódico de la región no cambia." in ari + iral
    versions = json.loads(listed)
    assert [(v["periodicidad"], v["desde"], v["hasta"]) for v in versions] == [
        ("quarter", "2027-01-01", None), ("ari", "2026-11-01", None),
        ("iral", "2026-11-01", None),
    ]  # fmt: skip
    assert versions[1]["correos"] == ARI_TO
    rows = [line for line in table.splitlines() if line.startswith("│ Coquimbo ")]
    assert len(rows) == 3
    assert "trimestral" in rows[0] and "(ARI del año" in rows[1] and "(IRAL del año" in rows[2]
    assert "ari" in helped and "iral" in helped

    days = [date(2026, 11, 30), date(2026, 12, 1), date(2026, 12, 2),
            date(2027, 3, 31), date(2027, 4, 1), date(2027, 4, 2)]  # fmt: skip
    with smtp_server() as (handler, port):
        settings = settings_for(tmp_path, sqlite_url, port)
        built: dict[date, int] = {}
        mails: dict[date, list[tuple[str, str]]] = {}
        for day in days:
            before = len(handler.received)
            built[day] = run_day(sqlite_engine, settings, day).packages
            mails[day] = [
                (item.envelope_to[0], str(item.message["Subject"]))
                for item in handler.received[before:]
                if "Inversión" in str(item.message["Subject"])
                or "Informe de compromisos" in str(item.message["Subject"])
            ]
    assert built == {days[0]: 0, days[1]: 1, days[2]: 0, days[3]: 0, days[4]: 2, days[5]: 0}
    iral_subject = "Inversión Regional de Asignación Local (IRAL) 2027 — Región de Coquimbo"
    assert mails[days[1]] == [(IRAL_TO, iral_subject)]
    ari_subject = "Anteproyecto Regional de Inversión (ARI) 2028 — Región de Coquimbo"
    assert sorted(mails[days[4]]) == sorted(
        [(to, ari_subject) for to in ARI_TO]
        + [(QUARTER_TO, "Informe de compromisos territoriales — Región de Coquimbo — "
                        "primer trimestre de 2027")]
    )  # fmt: skip
    assert not any(mails[d] for d in (days[0], days[2], days[3], days[5]))

    messages = {
        str(item.message["Subject"]): item.message
        for item in handler.received
        if "Inversión" in str(item.message["Subject"])
    }
    # The ARI 2028 as of 1 April 2027: G (moved into 2028) and H, by hand.
    in_2028 = [p for p in PLANTED if p.due.year == 2028 and not p.cancelled]
    ari_text = messages[ari_subject].get_body(("plain",)).get_content()
    assert "proyección de la inversión del año 2028 por institución y programa" in ari_text
    assert f"Compromisos: {len(in_2028)}" in ari_text
    assert f"Monto: {format_clp(sum(p.amount or 0 for p in in_2028))}" in ari_text
    iral_text = messages[iral_subject].get_body(("plain",)).get_content()
    in_2027 = [p for p in PLANTED if p.due.year == 2027 and not p.cancelled]
    assert f"Monto: {format_clp(sum(p.amount or 0 for p in in_2027))}" in iral_text
    attached = {part.get_filename() for part in messages[iral_subject].iter_attachments()}
    assert {"informe.pdf", "planilla.xlsx", "datapackage.json", "manifest.json",
            "iral-comunas.csv", "iral-comunas.json"} <= attached  # fmt: skip

    # No public version of an instrument: the published región's refresh
    # builds the quarter's only.
    with Session(sqlite_engine) as session:
        enable_region(session, "Coquimbo", "admin")
        session.commit()
        keys = sorted(p.period for p in session.scalars(select(Package)))
        listed_public = [p.period for p in public_packages(session)]
    assert keys == ["2027-IRAL", "2027-Q1", "2028-ARI", "2028-IRAL"]
    assert listed_public == ["2027-Q1"]
    report = refresh_public_packages(sqlite_engine, settings, day=days[5])
    assert [p.period for p in report.built] == ["2027-Q1"] and not report.failed
