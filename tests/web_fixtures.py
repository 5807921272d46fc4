"""Shared web fixtures: users of every role and a few commitments in two
regiones (registered as a pytest plugin by conftest.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlmodel import Session

from importer import import_file
from models import Commitment
from tests.helpers import row, write_csv
from tracking.accounts import add_user

PASSWORD = "una-clave-larga"
USERS = {
    "admin": ("admin@cumple.cl", "admin", [], None),
    "gerente_loa": ("gerente@loa.cl", "gerente", ["Loa Emprende"], None),
    "gerente_huasco": ("gerente@huasco.cl", "gerente", ["Provincia del Huasco"], None),
    "gore_an": ("gore@antofagasta.cl", "gore", [], "Antofagasta"),
    "gore_at": ("gore@atacama.cl", "gore", [], "Atacama"),
}
HOSTILE = '<script>alert("x")</script> "comillas" \' fin'


@pytest.fixture
def site(engine: Engine, database_url: str, tmp_path: Path) -> Iterator[dict[str, int]]:
    rows = [
        row(compromiso="Transferencia Loa", plazo="2026-09-21"),
        row(compromiso=HOSTILE, plazo="2026-12-21"),
        row(region="Atacama", territorio="Provincia del Huasco", compromiso="Huasco",
            institucion_rut="", plazo="2026-10-30"),
    ]  # fmt: skip
    import_file(engine, write_csv(tmp_path / "a.csv", rows), actor="prueba")
    with Session(engine) as session:
        for email, role, territories, region in USERS.values():
            add_user(session, email=email, password=PASSWORD, role=role,
                     territories=territories, region=region)  # fmt: skip
        session.commit()
        ids = {c.text: c.id for c in session.scalars(select(Commitment))}
    yield {"loa": ids["Transferencia Loa"], "hostile": ids[HOSTILE], "huasco": ids["Huasco"]}
