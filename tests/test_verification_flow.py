"""A reported fulfilment from end to end: the responsable follows the link
of a real digest (delivered by SMTP) and reports with a PDF; the next
cycle's gerente digest has it under "Por verificar" and the responsable's
has not; the gerente verifies it on the web; the packages list it with its
evidence hash; the same link then changes nothing."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from sqlmodel import Session

from importer import import_file
from models import Commitment, CommitmentEvent, Region
from reports.build import build_package
from reports.periods import parse_period, period_containing
from tests.cycle_helpers import digests, run_day, settings_for
from tests.helpers import pdf_bytes, row, write_csv
from tests.smtp_server import smtp_server
from tracking.accounts import add_user
from web.app import create_app

FIRST_STAGE = date(2026, 7, 31)  # E-10 of a due date on 14 August 2026
REPORTED = date(2026, 8, 6)
NEXT_CYCLE = date(2026, 8, 7)  # R+1, and E-5 of the first commitment
TODAY = datetime.now(UTC).astimezone(ZoneInfo("America/Santiago")).date()
GERENTE = "gerente.loa@cumple.example"


def _csrf(client: TestClient, path: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', client.get(path).text)
    assert match, path
    return match.group(1)


def test_a_reported_fulfilment_is_verified_and_packaged(
    engine: Engine, database_url: str, tmp_path: Path
) -> None:
    rows = [
        row(acta_fecha="2026-07-01", compromiso="Transferir a Lasana", plazo="2026-08-14",
            territorio_gerente_email=GERENTE),
        row(acta_fecha="2026-07-01", compromiso="Segundo convenio", plazo="2026-08-21",
            monto="2000000", territorio_gerente_email=GERENTE),
    ]  # fmt: skip
    import_file(engine, write_csv(tmp_path / "actas.csv", rows), actor="prueba")
    with Session(engine) as session:
        ids = {c.text: c.id for c in session.scalars(select(Commitment))}
        add_user(session, email=GERENTE, password="una-clave-larga", role="gerente",
                 territories=["Loa Emprende"], region=None)  # fmt: skip
        session.commit()
    first, second = ids["Transferir a Lasana"], ids["Segundo convenio"]
    responsable = "marcela.jara@fosis.cl.example"

    with smtp_server() as (handler, port):
        settings = settings_for(tmp_path, database_url, port)
        run_day(engine, settings, FIRST_STAGE)
        assert digests(handler) == {responsable: {first}}
        message = handler.received[0]
        match = re.search(r"http://cumple\.test(/c/[A-Za-z0-9_.\-]+)", message.text)
        assert match, message.text
        link = match.group(1)

        app = create_app(settings, with_scheduler=False)
        responsable_client = TestClient(app)
        csrf = _csrf(responsable_client, link)
        pdf = pdf_bytes("Resolución Exenta N° 1229")
        sent = responsable_client.post(
            link,
            data={"csrf_token": csrf, "cumplido": "si",
                  "fecha": REPORTED.isoformat(), "monto_ejecutado": "$15.000.000",
                  "referencia": "Resolución Exenta N° 1229"},
            files=[("evidencia", ("resolucion-1229.pdf", pdf, "application/pdf"))],
            follow_redirects=False,
        )  # fmt: skip
        assert sent.status_code == 303, sent.text

        seen = len(handler.received)
        run_day(engine, settings, NEXT_CYCLE)
        after = digests(handler, since=seen)
        assert after == {GERENTE: {first}, responsable: {second}}
        gerente_mail = next(r for r in handler.received[seen:] if GERENTE in r.envelope_to)
        assert "POR VERIFICAR (1)" in gerente_mail.text
        assert "Informado el 6 de agosto de 2026" in gerente_mail.text
        assert "por verificar" in str(gerente_mail.message["Subject"])

    gerente = TestClient(app)
    login = gerente.post(
        "/login",
        data={"email": GERENTE, "password": "una-clave-larga", "next": "/",
              "csrf_token": _csrf(gerente, "/login")},
        follow_redirects=False,
    )  # fmt: skip
    assert login.status_code == 303
    page = gerente.get(f"/compromisos/{first}")
    assert "Verificar cumplimiento" in page.text and "resolucion-1229.pdf" in page.text
    download = re.search(r'href="(/evidencias/\d+)"', page.text)
    assert download and gerente.get(download.group(1)).content == pdf
    verified = gerente.post(
        f"/compromisos/{first}/verificar",
        data={"csrf_token": _csrf(gerente, f"/compromisos/{first}")},
        follow_redirects=False,
    )
    assert verified.status_code == 303
    with Session(engine) as session:
        done = session.get(Commitment, first)
        assert done is not None and done.status == "cumplido"
        assert (done.fulfilled_on, done.verified_on, done.verified_by) == (
            REPORTED, TODAY, GERENTE,
        )  # fmt: skip
        region = session.get(Region, 2)
        length = session.scalar(select(func.count()).where(CommitmentEvent.commitment_id == first))
    sha = hashlib.sha256(pdf).hexdigest()

    # The quarter of the report closed before the verification: at its end
    # the fulfilment was reported, not yet verified.
    assert region is not None
    q3 = build_package(engine, settings, region, parse_period("2026-Q3"), out=tmp_path / "q3")
    text = (q3.folder / "compromisos.csv").read_bytes().decode("utf-8-sig")
    record = next(r for r in csv.DictReader(io.StringIO(text)) if int(r["id"]) == first)
    assert (record["estado"], record["verificacion"], record["informado_el"]) == (
        "informado", "por verificar", "2026-08-06",
    )  # fmt: skip
    assert sha in record["evidencias"]
    current = period_containing(TODAY, "quarter")
    now = build_package(engine, settings, region, current, out=tmp_path / "hoy", preliminary=True)
    document = json.loads((now.folder / "compromisos.json").read_text("utf-8"))
    mine = next(c for c in document["compromisos"] if c["id"] == first)
    assert (mine["estado"], mine["verificacion"], mine["cumplido_el"], mine["verificado_el"]) == (
        "cumplido", "verificado", "2026-08-06", TODAY.isoformat(),
    )  # fmt: skip
    assert [e["sha256"] for e in mine["evidencias"]] == [sha, None]
    manifest = json.loads((now.folder / "manifest.json").read_text("utf-8"))
    assert {"compromiso": first, "sha256": sha}.items() <= next(
        e for e in manifest["evidencias"] if e["sha256"] == sha
    ).items()
    head = next(c for c in manifest["cadenas"] if c["compromiso"] == first)
    assert head["entradas"] == length

    # Closed is closed: the same link's POST changes nothing.
    again = responsable_client.post(
        link,
        data={"csrf_token": csrf, "monto_ejecutado": "1",
              "referencia": "otra"},
    )  # fmt: skip
    assert again.status_code == 409 and "no admite cambios" in again.text
    assert 'name="cumplido"' not in responsable_client.get(link).text
    with Session(engine) as session:
        assert (
            session.scalar(select(func.count()).where(CommitmentEvent.commitment_id == first))
            == length
        )
