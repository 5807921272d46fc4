"""Calendar feeds that every client reads: each feed (territorio,
institution, person) is parsed by icalendar and by vobject with its RFC 5545
validation, and a commitment keeps one event for its whole life: a new due
date moves it (same UID, higher SEQUENCE), a cancellation marks it
CANCELLED."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest
import vobject
from fastapi import FastAPI
from fastapi.testclient import TestClient
from icalendar import Calendar
from sqlalchemy.engine import Engine
from sqlmodel import Session

from config import load_settings
from importer import import_file
from models.calendar import local_date
from tests.helpers import row, write_csv
from tests.test_web import client_for
from tests.web_fixtures import HOSTILE
from tracking.accounts import add_user, disable_user
from tracking.feeds import person_feed_token, person_feed_url
from tracking.updates import Change, apply_change
from web.app import create_app

RESPONSABLE = "Marcela.Jara@fosis.cl.example"  # the rows' responsable, in another case
OTHER = "otra.persona@sercotec.example"


@pytest.fixture
def app(database_url: str, tmp_path: Path) -> FastAPI:
    settings = load_settings(database_url=database_url, data_dir=tmp_path / "var",
                             base_url="http://cumple.gore.example")  # fmt: skip
    return create_app(settings, with_scheduler=False)


def feed_of(page: str) -> str:
    found = re.search(r'href="(/calendario/[^"]+\.ics)"', page)
    assert found, "no calendar link"
    return found.group(1)


def person_feed(app: FastAPI, engine: Engine, email: str = RESPONSABLE) -> str:
    with Session(engine) as session:
        url = person_feed_url(session, app.state.secret, app.state.settings.base_url, email)
    assert url.startswith("http://cumple.gore.example/calendario/")
    return urlsplit(url).path


def fetch(app: FastAPI, path: str) -> httpx.Response:
    response = TestClient(app).get(path)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "text/calendar; charset=utf-8"
    return response


def events_by_uid(body: bytes) -> dict[str, dict[str, object]]:
    """Every event read by both parsers (vobject validating RFC 5545), as
    vobject sees it, checked against what icalendar reads."""
    text = body.decode("utf-8")
    parsed = vobject.readOne(text, validate=True)
    parsed.validate(raiseException=True)
    assert parsed.version.value == "2.0" and parsed.calscale.value == "GREGORIAN"
    assert parsed.prodid.value == "-//cumple//Seguimiento de Compromisos//ES"
    assert parsed.contents["x-wr-timezone"][0].value == "America/Santiago"
    zones = [z.tzid.value for z in parsed.contents.get("vtimezone", [])]
    assert zones == ["America/Santiago"]
    by_icalendar = {str(e["uid"]): e for e in Calendar.from_ical(body).walk("VEVENT")}
    events: dict[str, dict[str, object]] = {}
    for vevent in parsed.vevent_list:
        vevent.validate(raiseException=True)
        stamp = vevent.dtstamp.value
        assert isinstance(stamp, datetime) and stamp.utcoffset() == timedelta(0)
        start, end = vevent.dtstart.value, vevent.dtend.value
        assert type(start) is date and end == start + timedelta(days=1)
        uid = vevent.uid.value
        twin = by_icalendar[uid]
        assert twin["dtstart"].dt == start and twin["dtstamp"].dt == stamp
        events[uid] = {
            "start": start, "stamp": stamp, "sequence": int(vevent.sequence.value),
            "status": vevent.status.value, "summary": vevent.summary.value,
            "estado": vevent.contents["x-cumple-estado"][0].value,
            "description": vevent.description.value, "url": vevent.url.value,
        }  # fmt: skip
    assert set(events) == set(by_icalendar)
    assert re.search(rb"^DTSTAMP:\d{8}T\d{6}Z\r$", body, re.MULTILINE)
    return events


def uid(commitment_id: int) -> str:
    return f"compromiso-{commitment_id}@cumple.gore.example"


def today(app: FastAPI) -> date:
    return local_date(datetime.now(UTC), app.state.settings.zone)


def test_every_feed_reads_in_icalendar_and_vobject(
    app: FastAPI, site: dict[str, int], engine: Engine
) -> None:
    territory = feed_of(client_for(app, "gerente_loa").get("/").text)
    institution = feed_of(client_for(app, "admin").get(f"/compromisos/{site['loa']}").text)
    person = person_feed(app, engine)
    seen = {name: events_by_uid(fetch(app, path).content)
            for name, path in (("territorio", territory), ("institucion", institution),
                               ("persona", person))}  # fmt: skip
    assert set(seen["territorio"]) == {uid(site["loa"]), uid(site["hostile"])}
    assert set(seen["institucion"]) == set(seen["persona"]) == {uid(i) for i in site.values()}
    loa = seen["persona"][uid(site["loa"])]
    assert (loa["start"], loa["sequence"], loa["status"]) == (date(2026, 9, 21), 0, "CONFIRMED")
    assert loa["summary"] == "Vence: Transferencia Loa (FOSIS)"
    assert loa["estado"] == "Vencido"
    assert loa["url"] == f"http://cumple.gore.example/compromisos/{site['loa']}"
    assert "Responsable: Marcela Jara" in str(loa["description"])
    assert "Institución: FOSIS" in str(loa["description"])
    assert "Monto comprometido: $" in str(loa["description"])
    hostile = seen["persona"][uid(site["hostile"])]
    assert hostile["summary"] == f"Vence: {HOSTILE} (FOSIS)"
    # The same record gives the same bytes: a client polling sees no change.
    assert fetch(app, person).content == fetch(app, person).content


def test_a_new_due_date_moves_the_event_and_a_cancellation_ends_it(
    app: FastAPI, site: dict[str, int], engine: Engine
) -> None:
    feed = person_feed(app, engine)
    before = events_by_uid(fetch(app, feed).content)
    day = today(app)
    with Session(engine) as session:
        apply_change(session, site["loa"], Change(due_date=date(2027, 1, 29),
                     reason="Convenio en toma de razón", on=day), "gerente", day)  # fmt: skip
        session.commit()
    moved = events_by_uid(fetch(app, feed).content)
    assert set(moved) == set(before)
    event = moved[uid(site["loa"])]
    assert event["start"] == date(2027, 1, 29)
    assert event["sequence"] == before[uid(site["loa"])]["sequence"] + 1  # type: ignore[operator]
    assert event["stamp"] > before[uid(site["loa"])]["stamp"]  # type: ignore[operator]
    assert moved[uid(site["huasco"])] == before[uid(site["huasco"])]
    with Session(engine) as session:
        apply_change(session, site["huasco"], Change(status="cancelado",
                     reason="Sin presupuesto", on=day), "gerente", day)  # fmt: skip
        session.commit()
    after = events_by_uid(fetch(app, feed).content)
    cancelled = after[uid(site["huasco"])]
    assert (cancelled["status"], cancelled["estado"]) == ("CANCELLED", "Cancelado")
    assert cancelled["summary"] == "Cancelado: Huasco (FOSIS)"
    assert cancelled["sequence"] == 1


def test_a_person_feed_lists_what_that_person_answers_for_and_ends(
    app: FastAPI, site: dict[str, int], engine: Engine, tmp_path: Path
) -> None:
    other = row(compromiso="De otra persona", responsable="Otra Persona",
                responsable_email=OTHER, plazo="2026-12-15")  # fmt: skip
    import_file(engine, write_csv(tmp_path / "b.csv", [other]), actor="prueba")
    mine = events_by_uid(fetch(app, person_feed(app, engine)).content)
    assert set(mine) == {uid(i) for i in site.values()}
    theirs = events_by_uid(fetch(app, person_feed(app, engine, OTHER)).content)
    assert [e["summary"] for e in theirs.values()] == ["Vence: De otra persona (FOSIS)"]
    nobody = TestClient(app).get(person_feed(app, engine, "nadie@cumple.example"))
    assert nobody.status_code == 404 and "no tiene compromisos a su cargo" in nobody.text
    forged = person_feed(app, engine).replace(".ics", "x.ics")
    assert TestClient(app).get(forged).status_code == 404
    # A person who also has an account: renewing or disabling it ends the link.
    with Session(engine) as session:
        add_user(session, email=OTHER, password="una-clave-larga", role="gerente",
                 territories=["Loa Emprende"], region=None)  # fmt: skip
        session.commit()
        link = f"/calendario/{person_feed_token(session, app.state.secret, OTHER)}.ics"
    assert TestClient(app).get(link).status_code == 200
    with Session(engine) as session:
        disable_user(session, OTHER)
        session.commit()
    gone = TestClient(app).get(link)
    assert gone.status_code == 404 and "ya no tiene acceso" in gone.text


def test_a_person_feed_expires(
    app: FastAPI, site: dict[str, int], engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    issued = datetime.now(UTC).timestamp() - (app.state.settings.feed_days + 1) * 86400
    with monkeypatch.context() as clock:
        clock.setattr("itsdangerous.timed.time.time", lambda: issued)
        stale = person_feed(app, engine)
    expired = TestClient(app).get(stale)
    assert expired.status_code == 410 and "venció" in expired.text
