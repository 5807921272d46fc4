"""Scopes that hold (calendar feeds per user, directors set only by an
admin), security headers, the request body limit, tokens kept out of the
access log, previews that expire, links to commitments that are gone."""

from __future__ import annotations

import logging
import os
import re
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import uvicorn
from fastapi import FastAPI
from fastapi.testclient import TestClient
from icalendar import Calendar
from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlmodel import Session

from config import load_settings
from models.parties import Contact
from tests.helpers import pdf_bytes, row, write_csv
from tests.smtp_server import free_port
from tests.test_web import acta_form, client_for, token
from tests.web_fixtures import HOSTILE, USERS
from tracking.accounts import disable_user, load_account, new_api_token
from tracking.feeds import feed_token
from tracking.links import commitment_token
from web.app import create_app


def make_app(database_url: str, tmp_path: Path, **values: object) -> FastAPI:
    settings = load_settings(database_url=database_url, data_dir=tmp_path / "var", **values)
    return create_app(settings, with_scheduler=False)


@pytest.fixture
def app(database_url: str, tmp_path: Path) -> FastAPI:
    return make_app(database_url, tmp_path)


def summaries(response: httpx.Response) -> set[str]:
    assert response.status_code == 200, response.text
    events = Calendar.from_ical(response.content).walk("VEVENT")
    return {str(e["summary"]).removeprefix("Vence: ").split(" (")[0] for e in events}


def feed_of(page: str) -> str:
    found = re.search(r'href="(/calendario/[^"]+\.ics)"', page)
    assert found, "no calendar link"
    return found.group(1)


# --- calendar feeds ---------------------------------------------------------


def test_an_institution_feed_lists_only_what_its_user_sees(
    app: FastAPI, site: dict[str, int]
) -> None:
    # FOSIS committed in Loa (Antofagasta) and in Huasco (Atacama).
    anonymous = TestClient(app)
    for who, commitment, visible in (
        ("gerente_loa", site["loa"], {"Transferencia Loa", HOSTILE}),
        ("gore_at", site["huasco"], {"Huasco"}),
    ):
        page = client_for(app, who).get(f"/compromisos/{commitment}").text
        assert "FOSIS" in page
        assert summaries(anonymous.get(feed_of(page))) == visible
    admin_page = client_for(app, "admin").get(f"/compromisos/{site['loa']}").text
    assert {"Transferencia Loa", "Huasco"} <= summaries(anonymous.get(feed_of(admin_page)))


def test_feeds_end_when_renewed_disabled_or_old(
    app: FastAPI, site: dict[str, int], engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    anonymous = TestClient(app)
    gerente = client_for(app, "gerente_loa")
    first = feed_of(gerente.get("/").text)
    assert "Transferencia Loa" in summaries(anonymous.get(first))
    no_csrf = gerente.post("/calendario/renovar", data={}, follow_redirects=False)
    assert no_csrf.status_code == 403
    renewed = gerente.post(
        "/calendario/renovar", data={"csrf_token": token(gerente, "/")}, follow_redirects=True
    )
    assert renewed.status_code == 200 and "Enlaces de calendario renovados" in renewed.text
    old = anonymous.get(first)
    assert old.status_code == 410 and "fue renovado" in old.text
    second = feed_of(renewed.text)
    assert "Transferencia Loa" in summaries(anonymous.get(second))
    # A link issued longer ago than feed_days has expired.
    short = make_app(app.state.settings.database_url, Path(app.state.settings.data_dir).parent,
                     feed_days=1)  # fmt: skip
    with Session(engine) as session:
        account = load_account(session, gerente_id(engine))
    assert account is not None
    issued = time.time() - 2 * 86400
    with monkeypatch.context() as clock:
        clock.setattr("itsdangerous.timed.time.time", lambda: issued)
        stale = f"/calendario/{feed_token(short.state.secret, account, 'territorio', 1)}.ics"
    expired = TestClient(short).get(stale)
    assert expired.status_code == 410 and "venció" in expired.text
    with Session(engine) as session:
        disable_user(session, USERS["gerente_loa"][0])
        session.commit()
    gone = anonymous.get(second)
    assert gone.status_code == 404 and "ya no tiene acceso" in gone.text


def gerente_id(engine: Engine) -> int:
    from models.accounts import User

    with Session(engine) as session:
        return session.scalars(select(User.id).where(User.email == USERS["gerente_loa"][0])).one()  # type: ignore[return-value]


def test_feed_links_of_earlier_versions_no_longer_open(app: FastAPI, site: dict[str, int]) -> None:
    from itsdangerous import URLSafeSerializer

    unscoped = URLSafeSerializer(app.state.secret, salt="cumple-calendario").dumps(
        ["institucion", 1]
    )
    response = TestClient(app).get(f"/calendario/{unscoped}.ics")
    assert response.status_code == 404 and "Calendario no encontrado" in response.text


# --- directors are set by an admin ------------------------------------------


def directors(engine: Engine) -> set[str]:
    with Session(engine) as session:
        return set(session.scalars(select(Contact.email).where(Contact.role == "director")))


def test_only_an_admin_names_a_director(app: FastAPI, site: dict[str, int], engine: Engine) -> None:
    before = directors(engine)
    with Session(engine) as session:
        tokens = {
            who: new_api_token(session, USERS[who][0], "t") for who in ("admin", "gerente_loa")
        }
        session.commit()
    acta = {
        "region": "Antofagasta", "territorio": "Loa Emprende", "acta_fecha": "2026-11-20",
        "acta_instancia": "Directorio Ejecutivo",
        "compromisos": [
            {"institucion": "FOSIS", "responsable_email": "r@fosis.cl.example",
             "institucion_director_email": "intruso@evil.example",
             "compromiso": "Capacitación", "plazo": "30 días hábiles"},
        ],
    }  # fmt: skip
    api = TestClient(app)
    gerente = {"Authorization": f"Bearer {tokens['gerente_loa']}"}
    refused = api.post("/api/actas", json=acta, headers=gerente)
    assert refused.status_code == 422
    assert refused.json()["detail"] == [
        {
            "compromiso": 1,
            "campo": "institucion_director_email",
            "mensaje": "solo un administrador puede registrar o cambiar el director(a) de una "
            "institución; deje el campo vacío o use el correo del director(a) ya registrado",
        }
    ]
    # The director already registered for FOSIS in Antofagasta may be named.
    acta["compromisos"][0]["institucion_director_email"] = "director@fosis.cl.example"  # type: ignore[index]
    assert api.post("/api/actas", json=acta, headers=gerente).status_code == 201
    # ... but not for an institution in another región or a new institution.
    form = client_for(app, "gerente_loa")
    page = form.post("/actas/nueva", data=acta_form(
        token(form, "/actas/nueva"), **{"institucion_director_email-2": "d@sernatur.cl"}
    ))  # fmt: skip
    assert page.status_code == 400
    assert "Compromiso 2, correo del director(a): solo un administrador" in page.text
    csv = write_csv(
        Path(app.state.settings.data_dir).parent / "d.csv",
        [row(compromiso="Nuevo", institucion_director_email="otro@fosis.cl.example")],
    )
    upload = form.post("/importar", data={"csrf_token": token(form, "/importar")},
                       files={"planilla": ("d.csv", csv.read_bytes(), "text/csv")})  # fmt: skip
    assert upload.status_code == 400
    assert "fila 2, columna institucion_director_email: solo un administrador" in upload.text
    assert directors(engine) == before
    acta["compromisos"][0]["institucion_director_email"] = "nuevo@fosis.cl.example"  # type: ignore[index]
    acta["compromisos"][0]["compromiso"] = "Otra capacitación"  # type: ignore[index]
    admin = {"Authorization": f"Bearer {tokens['admin']}"}
    assert api.post("/api/actas", json=acta, headers=admin).status_code == 201
    assert directors(engine) == before | {"nuevo@fosis.cl.example"}


# --- headers ------------------------------------------------------------------


def assert_hardened(response: httpx.Response, cacheable: bool = False) -> None:
    headers = response.headers
    policy = headers["content-security-policy"]
    assert "frame-ancestors 'none'" in policy and "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert headers["referrer-policy"] == "no-referrer"
    assert headers["x-content-type-options"] == "nosniff"
    assert (headers["cache-control"] == "no-store") is not cacheable
    assert "strict-transport-security" not in headers


def test_security_headers_on_pages_tokens_downloads_and_the_api(
    app: FastAPI, site: dict[str, int], engine: Engine
) -> None:
    admin = client_for(app, "admin")
    path = f"/compromisos/{site['loa']}"
    added = admin.post(
        f"{path}/evidencias", data={"csrf_token": token(admin, path)},
        files=[("evidencia", ("r.pdf", pdf_bytes(), "application/pdf"))], follow_redirects=True,
    )  # fmt: skip
    download = re.search(r'href="(/evidencias/\d+)"', added.text)
    assert download
    link = "/c/" + commitment_token(app.state.secret, site["loa"])
    with Session(engine) as session:
        api_token = new_api_token(session, USERS["admin"][0], "t")
        session.commit()
    anonymous = TestClient(app)
    responses = {
        "page": admin.get(path),
        "login": anonymous.get("/login"),
        "token page": anonymous.get(link),
        "download": admin.get(download.group(1)),
        "feed": anonymous.get(feed_of(admin.get("/").text)),
        "api": anonymous.get("/api/compromisos", headers={"Authorization": f"Bearer {api_token}"}),
    }
    for name, response in responses.items():
        assert response.status_code == 200, name
        assert_hardened(response)
    for page in (responses["page"], responses["token page"], admin.get("/")):
        assert (
            "style=" not in page.text and "<style" not in page.text and "<script" not in page.text
        )
    style = anonymous.get("/estilo.css")
    assert style.status_code == 200 and style.headers["content-type"].startswith("text/css")
    assert ".campos" in style.text
    assert_hardened(style, cacheable=True)
    secure = make_app(app.state.settings.database_url, Path(app.state.settings.data_dir).parent,
                      base_url="https://cumple.example.cl")  # fmt: skip
    hsts = TestClient(secure, base_url="https://cumple.example.cl").get("/login")
    assert hsts.headers["strict-transport-security"].startswith("max-age=")


# --- request body limit -------------------------------------------------------


def test_a_body_over_the_limit_is_refused_before_it_is_read(
    database_url: str, tmp_path: Path, site: dict[str, int]
) -> None:
    app = make_app(database_url, tmp_path, max_request_mb=1)
    admin = client_for(app, "admin")
    csrf = token(admin, "/importar")
    big = b"a;b\n" * (300 * 1024)  # 1.2 MB
    declared = admin.post("/importar", data={"csrf_token": csrf},
                          files={"planilla": ("p.csv", big, "text/csv")})  # fmt: skip
    assert declared.status_code == 413 and "supera el máximo de 1 MB" in declared.text
    assert declared.headers["content-security-policy"]

    def chunks() -> Iterator[bytes]:
        yield b"--frontera\r\nContent-Disposition: form-data; name=evidencia; filename=a\r\n\r\n"
        for _ in range(40):
            yield b"x" * 64 * 1024  # 2.5 MB in all, without a Content-Length

    link = "/c/" + commitment_token(app.state.secret, site["loa"])
    octets = {"content-type": "multipart/form-data; boundary=frontera"}
    streamed = TestClient(app).post(link, content=chunks(), headers=octets)
    assert streamed.status_code == 413 and "Archivo demasiado grande" in streamed.text
    uploads = Path(app.state.settings.data_dir) / "uploads"
    left = list(uploads.iterdir()) if uploads.exists() else []
    assert left == []
    small = admin.post("/importar", data={"csrf_token": csrf},
                       files={"planilla": ("p.csv", b"x" * 1000, "text/csv")})  # fmt: skip
    assert small.status_code == 400  # read and judged by the importer, not refused


# --- access log ---------------------------------------------------------------


def test_tokens_never_reach_the_access_log(app: FastAPI, site: dict[str, int]) -> None:
    records: list[str] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(record.getMessage())

    access = logging.getLogger("uvicorn.access")
    handler = Keep()
    access.addHandler(handler)
    level = access.level
    access.setLevel(logging.INFO)
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_config=None))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        for _ in range(100):
            if server.started:
                break
            time.sleep(0.05)
        link = "/c/" + commitment_token(app.state.secret, site["loa"])
        feed = feed_of(client_for(app, "admin").get("/").text)
        base = f"http://127.0.0.1:{port}"
        assert httpx.get(base + link).status_code == 200
        assert httpx.get(base + feed).status_code == 200
        httpx.get(base + "/login?token=secreto-de-prueba&next=/")
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        access.removeHandler(handler)
        access.setLevel(level)
    joined = "\n".join(records)
    assert "GET /c/… HTTP" in joined and "GET /calendario/….ics HTTP" in joined
    assert "/login?token=…&next=/" in joined
    secrets = [link.removeprefix("/c/"), feed.removeprefix("/calendario/").removesuffix(".ics")]
    assert all(secret not in joined for secret in [*secrets, "secreto-de-prueba"])


# --- previews and gone commitments --------------------------------------------


def test_import_previews_expire_and_are_removed(
    database_url: str, tmp_path: Path, site: dict[str, int]
) -> None:
    app = make_app(database_url, tmp_path, preview_minutes=1)
    admin = client_for(app, "admin")
    csrf = token(admin, "/importar")
    csv = write_csv(tmp_path / "p.csv", [row(compromiso="Por planilla")]).read_bytes()

    def preview() -> str:
        page = admin.post("/importar", data={"csrf_token": csrf},
                          files={"planilla": ("p.csv", csv, "text/csv")})  # fmt: skip
        found = re.search(r'name="archivo" value="([^"]+)"', page.text)
        assert found, page.text
        return found.group(1)

    uploads = Path(app.state.settings.data_dir) / "uploads"
    abandoned = preview()
    an_hour_ago = time.time() - 3600
    os.utime(uploads / abandoned, (an_hour_ago, an_hour_ago))
    current = preview()  # writing a new preview removes the expired one
    assert sorted(p.name for p in uploads.iterdir()) == [current]
    os.utime(uploads / current, (an_hour_ago, an_hour_ago))
    late = admin.post("/importar/confirmar", data={"csrf_token": csrf, "archivo": current})
    assert late.status_code == 400
    assert "La vista previa venció; suba el archivo de nuevo." in late.text
    assert list(uploads.iterdir()) == []


@pytest.mark.parametrize("missing", [999_999, 2**31 + 5])
def test_a_link_to_a_commitment_that_is_gone_is_a_spanish_404(
    app: FastAPI, site: dict[str, int], missing: int
) -> None:
    client = TestClient(app, raise_server_exceptions=False)
    link = "/c/" + commitment_token(app.state.secret, missing)
    answers = [
        client.get(link),
        client.get(f"{link}/evidencias/1"),
        client.post(link, data={"csrf_token": token(client), "nota": "x"}),
    ]
    for response in answers:
        assert response.status_code == 404
        assert "El compromiso de este enlace ya no existe." in response.text


def test_an_unknown_address_is_a_spanish_page_and_the_api_keeps_json(
    database_url: str, tmp_path: Path
) -> None:
    app = create_app(
        load_settings(database_url=database_url, data_dir=tmp_path), with_scheduler=False
    )
    client = TestClient(app)
    page = client.get("/no-existe")
    assert page.status_code == 404
    assert "text/html" in page.headers["content-type"]
    assert "La dirección no existe" in page.text
    api = client.get("/api/no-existe")
    assert api.status_code == 404 and api.json() == {"detail": "Not Found"}
