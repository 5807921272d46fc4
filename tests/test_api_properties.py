"""Property of the API: an acta posted to ``/api/actas`` is either stored
exactly as given (every commitment's institution, amount, due date and
responsable) or refused with 422 and nothing written."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlmodel import Session

from models import Acta, Commitment, Contact, Institution
from tests.test_import import counts
from tests.web_fixtures import USERS
from tracking.accounts import new_api_token

INSTITUTIONS = ["FOSIS", "SERCOTEC", "CORFO"]
EMAILS = ["r@fosis.cl.example", "s@sercotec.cl.example"]
# Due dates the API accepts, with the date stored for an acta of 2 November 2026:
# 10 business days after it are 3-6, 9-13 and 16 November.
PLAZOS = {"2026-12-30": date(2026, 12, 30), "10 días hábiles": date(2026, 11, 16)}


@st.composite
def commitment(draw: st.DrawFn) -> dict[str, Any]:
    item: dict[str, Any] = {
        "institucion": draw(st.sampled_from(INSTITUTIONS)),
        "responsable_email": draw(st.sampled_from(EMAILS)),
        "compromiso": draw(st.sampled_from(["Transferir", "Capacitar", "Licitar"])),
        "monto": draw(st.one_of(st.none(), st.integers(0, 10**12))),
        "plazo": draw(st.sampled_from(list(PLAZOS))),
    }
    if draw(st.integers(0, 9)) == 0:  # now and then, a value the importer refuses
        field, bad = draw(st.sampled_from([
            ("responsable_email", "no-es-correo"), ("plazo", "pronto"),
            ("plazo", "1900-01-01"), ("institucion", " "), ("compromiso", ""),
        ]))  # fmt: skip
        item[field] = bad
    return item


actas = st.fixed_dictionaries(
    {
        "acta_instancia": st.sampled_from(["Directorio Ejecutivo", "Mesa Técnica"]),
        "acta_numero": st.one_of(st.none(), st.sampled_from(["3", "15"])),
        "compromisos": st.lists(commitment(), min_size=1, max_size=3),
    }
)


@pytest.fixture
def api(
    site, database_url: str, engine: Engine, tmp_path: Path
) -> Iterator[tuple[TestClient, str]]:  # type: ignore[no-untyped-def]
    from config import load_settings
    from web.app import create_app

    settings_ = load_settings(database_url=database_url, data_dir=tmp_path / "var")
    with Session(engine) as session:
        token = new_api_token(session, USERS["gerente_loa"][0], "propiedades")
        session.commit()
    with TestClient(create_app(settings_, with_scheduler=False)) as client:
        yield client, token


def _stored(engine: Engine, mark: str) -> dict[str, tuple[Any, ...]]:
    with Session(engine) as session:
        rows = session.execute(
            select(Commitment, Acta, Institution, Contact)
            .join(Acta, Acta.id == Commitment.acta_id)
            .join(Institution, Institution.id == Commitment.institution_id)
            .join(Contact, Contact.id == Commitment.responsable_id)
            .where(Commitment.text.startswith(mark))  # type: ignore[attr-defined]
        ).all()
    return {
        c.text: (i.name, p.email, c.amount, c.original_plazo, a.held_on, a.instance, a.number)
        for c, a, i, p in rows
    }


@settings(deadline=None, suppress_health_check=list(HealthCheck))
@given(acta=actas)
def test_actas_through_the_api_are_stored_exactly_or_refused(
    api: tuple[TestClient, str], engine: Engine, acta: dict[str, Any]
) -> None:
    client, token = api
    mark = uuid.uuid4().hex[:8]
    items = [
        {**item, "compromiso": f"{mark} {item['compromiso']} {n}" if item["compromiso"] else ""}
        for n, item in enumerate(acta["compromisos"])
    ]
    body = {"region": "Antofagasta", "territorio": "Loa Emprende", "acta_fecha": "2026-11-02",
            **acta, "compromisos": items}  # fmt: skip
    before = counts(engine)
    response = client.post("/api/actas", json=body, headers={"Authorization": f"Bearer {token}"})
    if response.status_code == 422:
        event("rechazada")
        assert counts(engine) == before
        assert _stored(engine, mark) == {}
        return
    event("registrada")
    assert response.status_code == 201, response.text
    assert response.json()["compromisos"] == len(items)
    expected = {
        item["compromiso"]: (
            item["institucion"], item["responsable_email"], item["monto"],
            PLAZOS[item["plazo"]], date(2026, 11, 2), acta["acta_instancia"],
            acta["acta_numero"] or "",
        )
        for item in items
    }  # fmt: skip
    assert _stored(engine, mark) == expected
