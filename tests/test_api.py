"""The JSON API with token auth, and its OpenAPI description."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session

from tests.web_fixtures import USERS
from tracking.accounts import new_api_token


@pytest.fixture
def tokens(site, engine: Engine) -> dict[str, str]:  # type: ignore[no-untyped-def]
    with Session(engine) as session:
        made = {who: new_api_token(session, USERS[who][0], "pruebas") for who in USERS}
        session.commit()
    return made


@pytest.fixture
def api(database_url: str, tmp_path: Path) -> Iterator[TestClient]:
    from config import load_settings
    from web.app import create_app

    settings = load_settings(database_url=database_url, data_dir=tmp_path / "var")
    with TestClient(create_app(settings, with_scheduler=False)) as client:
        yield client


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_openapi_describes_the_api(api: TestClient) -> None:
    schema = api.get("/openapi.json").json()
    assert {"/api/compromisos", "/api/compromisos/{commitment_id}", "/api/actas"} <= set(
        schema["paths"]
    )
    assert "/login" not in schema["paths"]


def test_tokens_are_required(api: TestClient, site) -> None:  # type: ignore[no-untyped-def]
    assert api.get("/api/compromisos").status_code == 401
    assert api.get("/api/compromisos", headers=auth("cumple_falso")).status_code == 401


def test_scope_read_and_update(api: TestClient, site, tokens) -> None:  # type: ignore[no-untyped-def]
    loa = api.get("/api/compromisos", headers=auth(tokens["gerente_loa"])).json()
    assert {c["id"] for c in loa} == {site["loa"], site["hostile"]}
    assert (
        api.get(
            f"/api/compromisos/{site['huasco']}", headers=auth(tokens["gerente_loa"])
        ).status_code
        == 404
    )
    one = api.get(f"/api/compromisos/{site['loa']}", headers=auth(tokens["gore_an"])).json()
    assert one["monto"] == 15_000_000 and one["historial"][0]["campo"] == "created"
    forbidden = api.patch(
        f"/api/compromisos/{site['loa']}", json={"nota": "x"}, headers=auth(tokens["gore_an"])
    )
    assert forbidden.status_code == 403
    updated = api.patch(
        f"/api/compromisos/{site['loa']}",
        json={"estado": "cumplido", "monto_ejecutado": 15_000_000, "fecha": "2026-10-05"},
        headers=auth(tokens["gerente_loa"]),
    )
    assert updated.status_code == 200, updated.text
    body = updated.json()
    assert body["estado"] == "cumplido" and body["cumplido_el"] == "2026-10-05"
    assert body["historial"][-1]["autor"] == "api: gerente@loa.cl"
    invalid = api.patch(
        f"/api/compromisos/{site['loa']}", json={"plazo": "2027-01-01"},
        headers=auth(tokens["gerente_loa"]),
    )  # fmt: skip
    assert invalid.status_code == 422 and "motivo" in invalid.json()["detail"]


def test_register_an_acta(api: TestClient, site, tokens) -> None:  # type: ignore[no-untyped-def]
    acta = {
        "region": "Antofagasta", "territorio": "Loa Emprende", "acta_fecha": "2026-11-20",
        "acta_instancia": "Directorio Ejecutivo",
        "compromisos": [
            {"institucion": "CORFO", "responsable_email": "c@corfo.cl",
             "compromiso": "Programa de fomento", "monto": 30_000_000, "plazo": "30 días hábiles"},
        ],
    }  # fmt: skip
    created = api.post("/api/actas", json=acta, headers=auth(tokens["gerente_loa"]))
    assert created.status_code == 201 and created.json()["compromisos"] == 1
    again = api.post("/api/actas", json=acta, headers=auth(tokens["gerente_loa"]))
    assert again.json() == {"actas": 0, "compromisos": 0, "instituciones": 0, "contactos": 0,
                            "ya_existian": 1}  # fmt: skip
    acta["compromisos"][0]["responsable_email"] = "no-es-correo"  # type: ignore[index]
    acta["compromisos"][0]["compromiso"] = "Otro"  # type: ignore[index]
    refused = api.post("/api/actas", json=acta, headers=auth(tokens["gerente_loa"]))
    assert refused.status_code == 422
    assert refused.json()["detail"][0]["campo"] == "responsable_email"
    outside = {**acta, "region": "Atacama", "territorio": "Provincia del Huasco"}
    assert (
        api.post("/api/actas", json=outside, headers=auth(tokens["gerente_loa"])).status_code == 422
    )
    assert api.post("/api/actas", json=acta, headers=auth(tokens["gore_an"])).status_code == 403


def test_verify_return_and_reopen_through_the_api(api: TestClient, site, tokens, engine) -> None:  # type: ignore[no-untyped-def]
    from datetime import date

    from tracking.errors import InvalidChange
    from tracking.evidence import report_progress
    from tracking.updates import Report

    with Session(engine) as session:
        report_progress(session, site["loa"], Report(fulfilled=True, on=date(2026, 10, 5)), [],
                        ["Resolución Exenta N° 1229"], "enlace: r@fosis.cl",
                        date(2026, 11, 25))  # fmt: skip
        session.commit()
    path = f"/api/compromisos/{site['loa']}"
    gerente, gore = auth(tokens["gerente_loa"]), auth(tokens["gore_an"])
    reported = api.get(path, headers=gerente).json()
    assert (reported["estado"], reported["informado_el"]) == ("informado", "2026-10-05")
    assert [e["referencia"] for e in reported["evidencias"]] == ["Resolución Exenta N° 1229"]
    assert api.post(f"{path}/verificar", headers=gore).status_code == 403
    assert (
        api.post(f"/api/compromisos/{site['huasco']}/verificar", headers=gerente).status_code == 404
    )
    no_reason = api.post(f"{path}/devolver", json={}, headers=gerente)
    assert no_reason.status_code == 422 and "motivo" in no_reason.json()["detail"]
    returned = api.post(f"{path}/devolver", json={"motivo": "Falta la firma"}, headers=gerente)
    assert returned.status_code == 200 and returned.json()["estado"] != "informado"
    assert returned.json()["historial"][-1]["motivo"] == "Falta la firma"
    assert api.post(f"{path}/verificar", headers=gerente).status_code == 422
    today = date.fromisoformat(returned.json()["historial"][-1]["fecha_efectiva"])
    with Session(engine) as session:
        # A report after a return is dated on or after the return.
        early = Report(fulfilled=True, on=date(2026, 10, 6))
        with pytest.raises(InvalidChange, match="lo devolvió o lo reabrió"):
            report_progress(session, site["loa"], early, [], ["Res. 1230"], "enlace: r", today)
        report_progress(session, site["loa"], Report(fulfilled=True, on=today), [],
                        ["Resolución Exenta N° 1230"], "enlace: r@fosis.cl", today)  # fmt: skip
        session.commit()
    verified = api.post(f"{path}/verificar", headers=gerente).json()
    assert (verified["estado"], verified["cumplido_el"]) == ("cumplido", today.isoformat())
    assert verified["verificado_por"] == "api: gerente@loa.cl"
    reopened = api.post(f"{path}/reabrir", json={"motivo": "Pago revertido"}, headers=gerente)
    assert reopened.status_code == 200 and reopened.json()["cumplido_el"] is None
    then = api.get(path, params={"fecha": "2026-10-05"}, headers=gerente).json()
    assert then["estado"] == "informado" and then["informado_el"] == "2026-10-05"
    before = api.get(path, params={"fecha": "2026-01-01"}, headers=gerente)
    assert before.status_code == 422 and "aún no existía" in before.json()["detail"]
