"""Messages worth forwarding: sent with the real sending time, a Reply-To
that reaches a person, subjects that say the territory and the most urgent
fact, escalations that name who answers, RFC 2919/3834 headers, a page of
everything a person answers for, and SpamAssassin's verdict on every demo
message (local mode, below 2.0)."""

from __future__ import annotations

import asyncio
import email
import os
import re
import shutil
import subprocess
import sys
from datetime import UTC, date, datetime
from email import policy
from email.message import EmailMessage
from email.utils import parsedate_to_datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlmodel import Session

from config import load_settings
from importer import import_file
from models import Commitment, OutboxMessage
from notifications.delivery import deliver
from notifications.subjects import digest_subject
from planning.cycle import plan_cycle
from tests.helpers import row, write_csv
from tests.requirements import in_ci
from tests.smtp_server import smtp_server
from tests.test_messages import entry
from tracking.person_links import person_token

DAY = date(2026, 10, 5)  # E+10 of a due date of 21 September 2026 in Antofagasta
PLANNED = datetime(2026, 10, 5, 10, 0, tzinfo=UTC)  # long before the real sending time
RESPONSABLE = "marcela.jara@fosis.cl.example"
GERENTE = "gerente.loa@cumple.example"
DIRECTOR = "director@fosis.cl.example"
SECRET = "clave-de-prueba-para-enlaces"


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in list(os.environ):
        if name.startswith("CUMPLE_") or name.startswith("PREFECT_API"):
            monkeypatch.delenv(name)


def load(engine: Engine, tmp_path: Path) -> None:
    rows = [
        row(),
        row(compromiso="Capacitar a 40 emprendedoras", monto="$3.500.000", plazo="2026-10-05",
            responsable="Pedro Soto", responsable_email="pedro.soto@sercotec.cl.example",
            institucion="SERCOTEC", institucion_rut="82.174.900-K",
            institucion_director_email="director@sercotec.cl.example"),
        row(region="Atacama", territorio="Provincia del Huasco", acta_numero="3",
            compromiso="Habilitar el centro de negocios", plazo="2026-09-21",
            territorio_gerente_email="gerente.huasco@cumple.example"),
    ]  # fmt: skip
    import_file(engine, write_csv(tmp_path / "actas.csv", rows), actor="prueba")


def received_by(messages: list[tuple[list[str], EmailMessage]]) -> dict[str, EmailMessage]:
    return {to: message for tos, message in messages for to in tos}


def text_of(message: EmailMessage) -> str:
    body = message.get_body(("plain",))
    assert body is not None
    return str(body.get_content())


def html_of(message: EmailMessage) -> str:
    body = message.get_body(("html",))
    assert body is not None
    return str(body.get_content())


def test_sent_messages_date_reply_to_subject_escalation(
    engine: Engine, database_url: str, tmp_path: Path
) -> None:
    load(engine, tmp_path)
    with smtp_server() as (handler, port):
        settings = load_settings(
            database_url=database_url, data_dir=tmp_path / "var", smtp_host="127.0.0.1",
            smtp_port=port, base_url="https://cumple.example.cl", secret_key=SECRET,
            mail_from="Seguimiento de Compromisos <no-responder@cumple.example.cl>",
        )  # fmt: skip
        plan_cycle(engine, settings, DAY, now=PLANNED)
        asyncio.run(deliver(engine, settings, now=PLANNED))
        sent_at = datetime.now(UTC)
    got = received_by([(r.envelope_to, r.message) for r in handler.received])
    with Session(engine) as session:
        ids = {r.recipient: r.message_id for r in session.scalars(select(OutboxMessage))}
    for address, message in got.items():
        stamped = parsedate_to_datetime(str(message["Date"]))
        assert abs((stamped - sent_at).total_seconds()) < 10, (address, message["Date"])
        assert message["Message-ID"] == ids[address]
        assert message["List-Id"] == "Seguimiento de Compromisos <compromisos.cumple.example.cl>"
        assert message["Auto-Submitted"] == "auto-generated"
        title = re.search(r"<title>(.*?)</title>", html_of(message), re.S)
        assert title is not None and title.group(1).strip() == str(message["Subject"])
        assert '<html lang="es-CL">' in html_of(message)
        assert "https://cumple.example.cl/p/" in text_of(message)

    responsable = got[RESPONSABLE]
    assert responsable["Reply-To"] == GERENTE + ", gerente.huasco@cumple.example"
    assert str(responsable["Subject"]) == (
        "Loa Emprende y 1 territorio más: 2 compromisos vencidos"
    )
    assert (
        "Si tiene dudas, responda a este correo: le llegará a gerente.loa@cumple.example, "
        "gerente del territorio Loa Emprende; y a gerente.huasco@cumple.example, gerente del "
        "territorio Provincia del Huasco." in " ".join(text_of(responsable).split())
    )
    assert "gerente territorial" not in text_of(responsable)

    gerente = got[GERENTE]
    assert gerente["Reply-To"] == "Seguimiento de Compromisos <no-responder@cumple.example.cl>"
    assert str(gerente["Subject"]) == "Loa Emprende: compromiso vencido hace 10 días hábiles"
    assert str(got["pedro.soto@sercotec.cl.example"]["Subject"]) == (
        "Loa Emprende: compromiso vence hoy"
    )
    assert "le llegará a la coordinación del programa (no-responder@cumple.example.cl)" in (
        " ".join(text_of(gerente).split())
    )
    assert f"le llegará a {GERENTE}" not in text_of(gerente)
    assert "Responsable: Marcela Jara (marcela.jara@fosis.cl.example)" in text_of(gerente)
    assert "Gerente del territorio:" not in text_of(gerente)  # not themselves

    director = got[DIRECTOR]
    assert str(director["Subject"]) == "Loa Emprende y 1 territorio más: 2 compromisos vencidos"
    assert director["Reply-To"] == gerente["Reply-To"]
    assert text_of(director).count("Responsable: Marcela Jara (marcela.jara@fosis.cl.example)") == 2
    assert f"Gerente del territorio: {GERENTE}" in text_of(director)
    assert "Gerente del territorio: gerente.huasco@cumple.example" in text_of(director)
    assert "Marcela Jara" in html_of(director) and f"mailto:{GERENTE}" in html_of(director)


def test_the_sink_stamps_the_writing_time(
    engine: Engine, database_url: str, tmp_path: Path
) -> None:
    load(engine, tmp_path)
    settings = load_settings(database_url=database_url, data_dir=tmp_path / "var",
                             secret_key=SECRET)  # fmt: skip
    plan_cycle(engine, settings, DAY, now=PLANNED)
    asyncio.run(deliver(engine, settings, now=PLANNED))
    written = datetime.now(UTC)
    files = sorted((tmp_path / "var" / "mail").rglob("*.eml"))
    assert len(files) == 5
    for path in files:
        message = email.message_from_bytes(path.read_bytes(), policy=policy.default)
        stamped = parsedate_to_datetime(str(message["Date"]))
        assert abs((stamped - written).total_seconds()) < 10, message["Date"]


@pytest.mark.parametrize(
    ("entries", "subject"),
    [
        ([entry(stage=0, distance="vence hoy")], "Loa Emprende: compromiso vence hoy"),
        (
            [entry(stage=0, distance="vence hoy"), entry(commitment_id=8, stage=0)],
            "Loa Emprende: 2 compromisos vencen hoy",
        ),
        (
            [entry(stage=-5), entry(commitment_id=8, stage=-1)],
            "Loa Emprende: 2 compromisos por vencer",
        ),
        (
            [
                entry(territory="Limarí Emprende", stage=-5),
                entry(commitment_id=8, stage=3),
                entry(commitment_id=9, stage=0, territory="Araucanía Andina"),
                entry(commitment_id=10, stage=4),
            ],
            "Loa Emprende y 2 territorios más: 2 compromisos vencidos, 1 vence hoy, 1 por vencer",
        ),
    ],
)
def test_subject_names_the_most_urgent_territory(entries: list[object], subject: str) -> None:
    assert digest_subject(entries) == subject  # type: ignore[arg-type]


def _client(settings: object) -> TestClient:
    from web import person
    from web.app import create_app

    app = create_app(settings, with_scheduler=False)  # type: ignore[arg-type]
    if not any(getattr(r, "path", "") == "/p/{token}" for r in app.routes):
        app.include_router(person.router, include_in_schema=False)
    return TestClient(app)


def test_person_page_lists_exactly_what_that_person_answers_for(
    engine: Engine, database_url: str, tmp_path: Path
) -> None:
    load(engine, tmp_path)
    settings = load_settings(database_url=database_url, data_dir=tmp_path / "var",
                             secret_key=SECRET)  # fmt: skip
    with Session(engine) as session:
        texts = {c.id: c.text for c in session.scalars(select(Commitment))}
    with _client(settings) as client:
        page = client.get(f"/p/{person_token(SECRET, 'Marcela.Jara@fosis.cl.example')}")
        assert page.status_code == 200
        shown = {i for i, text in texts.items() if text in page.text}
        assert shown == {i for i, t in texts.items() if not t.startswith("Capacitar")}
        assert "Como responsable (2)" in page.text and "/c/" in page.text
        assert "$15.000.000" in page.text and "21 de septiembre de 2026" in page.text
        feed = re.search(r'href="https?://[^/"]+(/calendario/[^"]+\.ics)"', page.text)
        assert feed is not None, "the page offers the person's calendar"
        ics = client.get(feed.group(1))
        assert ics.status_code == 200 and "BEGIN:VEVENT" in ics.text
        gerente = client.get(f"/p/{person_token(SECRET, GERENTE)}")
        assert "Como gerente del territorio (2)" in gerente.text
        assert {i for i, t in texts.items() if t in gerente.text} == {
            i for i, t in texts.items() if t != "Habilitar el centro de negocios"
        }
        token = person_token(SECRET, RESPONSABLE)
        for bad in (token[:-2] + ("AA" if not token.endswith("AA") else "BB"),
                    person_token("otra-clave", RESPONSABLE), "nada"):  # fmt: skip
            refused = client.get(f"/p/{bad}")
            assert refused.status_code == 404
            assert "El enlace no es válido" in refused.text
            assert not any(t in refused.text for t in texts.values())


def _spamassassin() -> str:
    found = shutil.which("spamassassin")
    if found is None:
        if in_ci(os.environ):
            pytest.fail("falta SpamAssassin (paquete Debian spamassassin)")
        pytest.skip("SpamAssassin no está instalado (paquete Debian spamassassin)")
    return found


def test_every_demo_message_scores_below_two(tmp_path: Path) -> None:
    program = _spamassassin()
    cumple = Path(sys.executable).parent / "cumple"
    subprocess.run(
        [str(cumple), "demo", "--database-url", f"sqlite:///{tmp_path / 'demo.db'}",
         "--data-dir", str(tmp_path / "var")],
        check=True, capture_output=True, cwd=tmp_path, timeout=300,
        env={k: v for k, v in os.environ.items() if not k.startswith("CUMPLE_")},
    )  # fmt: skip
    files = sorted((tmp_path / "var" / "mail").rglob("*.eml"))
    assert len(files) > 40
    mbox = b"".join(
        b"From cumple@localhost Mon Nov 30 00:00:00 2026\n"
        + path.read_bytes().replace(b"\r\n", b"\n").replace(b"\nFrom ", b"\n>From ")
        + b"\n"
        for path in files
    )
    result = subprocess.run(
        [program, "--mbox", "-t", "-L"], input=mbox, capture_output=True, check=False,
        timeout=600,
    )  # fmt: skip
    scores = [float(s) for s in re.findall(rb"^X-Spam-Status: \w+, score=(-?[\d.]+)", result.stdout,
                                            re.M)]  # fmt: skip
    assert len(scores) == len(files)
    assert max(scores) < 2.0, sorted(scores)
