"""One región's package that cannot be built stays that región's problem:
the daily cycle builds and mails every other package and every digest,
records the failure, shows it (``cumple status``, ``/paquetes``) and closes
it when a later cycle builds the package."""

from __future__ import annotations

import asyncio
from datetime import date
from importlib import resources
from pathlib import Path

from sqlalchemy import select, update
from sqlalchemy.engine import Engine
from sqlmodel import Session

from importer import import_file
from models import CycleFailure, CycleRun, OutboxMessage, Package
from notifications.delivery import deliver
from planning.cycle import plan_cycle
from tests.cycle_helpers import noon, run_day, settings_for
from tests.helpers import Cli, row, write_csv
from tests.smtp_server import smtp_server
from tests.test_package_delivery import package_messages
from tests.test_web import client_for
from tests.web_fixtures import PASSWORD, USERS
from tracking.accounts import add_user
from tracking.protocols import set_protocol
from web.app import create_app

DAY = date(2026, 10, 1)  # first business day after the third quarter
NEXT = date(2026, 10, 2)
REGIONS = {"Antofagasta": "Loa Emprende", "Atacama": "Provincia del Huasco",
           "Coquimbo": "Limarí Emprende"}  # fmt: skip
SUBJECT = "Paquete 2026-Q3 de la Región de Atacama"


def _load(engine: Engine, tmp_path: Path) -> None:
    """The demo's actas, one commitment due on ``DAY`` in each región (so
    that the cycle has digests for all three) and a quarterly protocol for
    each región."""
    with resources.as_file(resources.files("demo").joinpath("actas_demo.csv")) as path:
        import_file(engine, path, actor="prueba")
    rows = [
        row(region=region, territorio=territory, compromiso=f"Entregar informe {region}",
            responsable_email=f"responsable.{region.lower()}@ejemplo.cl.example",
            institucion_rut="", plazo=DAY.isoformat())
        for region, territory in REGIONS.items()
    ]  # fmt: skip
    import_file(engine, write_csv(tmp_path / "hoy.csv", rows), actor="prueba")
    with Session(engine) as session:
        for region in REGIONS:
            set_protocol(
                session, region_text=region, recipients=[f"gore.{region.lower()}@gore.cl.example"],
                every="quarter", since=date(2026, 7, 1), title=None,
            )  # fmt: skip
        for who in ("admin", "gore_an"):
            email, role, territories, region = USERS[who]
            add_user(session, email=email, password=PASSWORD, role=role,
                     territories=territories, region=region)  # fmt: skip
        session.commit()


def test_one_region_failing_leaves_the_rest_of_the_cycle_whole(
    engine: Engine, database_url: str, tmp_path: Path
) -> None:
    _load(engine, tmp_path)
    cli = Cli(tmp_path, database_url)
    # A real failure: a file where Atacama's reports folder must go.
    blocker = tmp_path / "var" / "reports" / "atacama"
    blocker.parent.mkdir(parents=True)
    blocker.write_text("no soy una carpeta")
    with smtp_server() as (handler, port):
        settings = settings_for(tmp_path, database_url, port)
        report = run_day(engine, settings, DAY)
        first = list(handler.received)

        assert (report.packages, report.package_failures) == (2, 1)
        mailed = sorted(m.envelope_to[0] for m in package_messages(handler))
        assert mailed == ["gore.antofagasta@gore.cl.example", "gore.coquimbo@gore.cl.example"]
        with Session(engine) as session:
            digests = session.scalars(
                select(OutboxMessage).where(
                    OutboxMessage.kind == "digest", OutboxMessage.cycle_date == DAY
                )
            ).all()
            run = session.scalars(select(CycleRun).where(CycleRun.cycle_date == DAY)).one()
            failures = session.scalars(select(CycleFailure)).all()
        assert report.messages == len(digests) >= 3
        assert {d.status for d in digests} == {"sent"}
        digest_mail = [m for m in first if m not in package_messages(handler)]
        assert sorted(m.envelope_to[0] for m in digest_mail) == sorted(d.recipient for d in digests)
        assert {f"responsable.{r.lower()}@ejemplo.cl.example" for r in REGIONS} <= {
            d.recipient for d in digests
        }
        assert run.finished_at is not None and run.packages == 2
        assert len(failures) == 1
        failure = failures[0]
        assert (failure.kind, failure.region_id, failure.period, failure.subject) == (
            "paquete", 3, "2026-Q3", SUBJECT
        )  # fmt: skip
        assert failure.error.startswith("FileExistsError: ")
        assert "\n" not in failure.error and "Traceback" not in failure.error
        assert failure.resolved_at is None

        status = cli("status")
        assert status.returncode == 0, status.stderr
        assert "Fallas sin resolver (1):" in status.stdout
        assert f"  {SUBJECT}: FileExistsError: " in status.stdout

        app = create_app(settings, with_scheduler=False)
        assert SUBJECT in client_for(app, "admin").get("/paquetes").text
        assert SUBJECT not in client_for(app, "gore_an").get("/paquetes").text

        # The cause is fixed; the next day's cycle builds the package.
        blocker.unlink()
        before = len(handler.received)
        again = run_day(engine, settings, NEXT)
        assert (again.packages, again.package_failures) == (1, 0)
        assert [m.envelope_to[0] for m in package_messages(handler, before)] == [
            "gore.atacama@gore.cl.example"
        ]
    with Session(engine) as session:
        failure = session.get(CycleFailure, failure.id)
        periods = session.scalars(select(Package.region_id).order_by(Package.region_id)).all()
    assert failure is not None and failure.resolved_at is not None
    assert periods == [2, 3, 4]
    status = cli("status")
    assert status.returncode == 0 and "Fallas sin resolver" not in status.stdout
    assert SUBJECT not in client_for(app, "admin").get("/paquetes").text


def test_a_failure_repeated_every_day_stays_one_open_row(
    engine: Engine, database_url: str, tmp_path: Path
) -> None:
    _load(engine, tmp_path)
    blocker = tmp_path / "var" / "reports" / "atacama"
    blocker.parent.mkdir(parents=True)
    blocker.write_text("no soy una carpeta")
    settings = settings_for(tmp_path, database_url, None)
    for day in (DAY, NEXT):
        assert run_day(engine, settings, day).package_failures == 1
    with Session(engine) as session:
        failures = session.scalars(select(CycleFailure)).all()
    assert [(f.cycle_date, f.subject, f.resolved_at) for f in failures] == [(NEXT, SUBJECT, None)]


def test_a_message_that_cannot_be_composed_fails_alone(
    engine: Engine, database_url: str, tmp_path: Path
) -> None:
    _load(engine, tmp_path)
    with smtp_server() as (handler, port):
        settings = settings_for(tmp_path, database_url, port)
        plan = plan_cycle(engine, settings, DAY, noon(DAY))
        broken = "responsable.atacama@ejemplo.cl.example"
        table = OutboxMessage.__table__  # type: ignore[attr-defined]
        with engine.begin() as connection:
            # A row whose attachment list is not JSON (a damaged row).
            connection.execute(
                update(table).where(table.c.recipient == broken).values(attachments="{roto")
            )
        report = asyncio.run(deliver(engine, settings, now=noon(DAY), concurrency=2))
    assert (report.sent, report.failed) == (plan.messages - 1, 1)
    assert broken not in {m.envelope_to[0] for m in handler.received}
    assert len(handler.received) == plan.messages - 1
    with Session(engine) as session:
        row = session.scalars(select(OutboxMessage).where(OutboxMessage.recipient == broken)).one()
    assert row.status == "failed"
    assert (row.last_error or "").startswith("no se pudo armar el mensaje: JSONDecodeError: ")
