"""Packages built for the layout tests of ``informe.pdf`` and ``planilla.xlsx``:
long territory and institution names, hostile text and enough rows to span
pages, imported through the real importer into a real database."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlmodel import Session

from config import load_settings
from importer import import_file
from models import Commitment, Region
from reports.build import BuiltPackage, build_package
from reports.periods import parse_period
from tests.helpers import HEADER, row, write_csv
from tracking.updates import Change, apply_change

Q3 = parse_period("2026-Q3")
NOW = datetime(2026, 10, 1, 12, tzinfo=UTC)

LONG_TERRITORY = "Territorio Integrado Precordillera y Valle Interior del Alto Loa y San Pedro"
LONG_INSTITUTION = "Servicio Nacional de Capacitación y Empleo, Dirección Regional de Antofagasta"
HOSTILE = [
    "<script>alert('x')</script> & «comillas» — Fondo $\\x$ Regional {{ raw }}",
    "Transferir" + "a" * 70 + " sin espacios al convenio https://example.cl/" + "x" * 60,
    "Instalar señalética en Ollagüe, Calama, San Pedro de Atacama y María Elena " * 4,
]
INSTITUTIONS = ["FOSIS", "SERCOTEC", LONG_INSTITUTION, "Corporación de Fomento de la Producción"]
TERRITORIES = ["Loa Emprende", LONG_TERRITORY, "Alto El Loa"]


def sample_rows(count: int) -> list[dict[str, object]]:
    """``count`` commitments of the second quarter's actas, most overdue by
    the end of the third quarter, some signed in it."""
    rows: list[dict[str, object]] = []
    for i in range(count):
        text = HOSTILE[i % len(HOSTILE)] if i % 5 == 0 else f"Compromiso {i:03d} de apoyo"
        rows.append(
            row(
                territorio=TERRITORIES[i % len(TERRITORIES)],
                institucion=INSTITUTIONS[i % len(INSTITUTIONS)],
                institucion_rut="",
                acta_fecha="2026-07-15" if i % 7 == 0 else "2026-06-15",
                acta_numero=str(12 + i % 7),
                compromiso=f"{text} ({i})",
                monto=str(1_500_000 * (i + 1)),
                plazo=f"2026-{8 + i % 2:02d}-{1 + i % 27:02d}",
                programa="Programa de Desarrollo Territorial Integrado" if i % 2 else "",
                productos="Convenio firmado y primera rendición" if i % 3 else "",
                beneficiarios=str(10 * i) if i % 4 else "",
            )
        )
    return rows


def load_sample(engine: Engine, folder: Path, count: int) -> dict[int, int]:
    """Import ``count`` sample rows, fulfil and reschedule a few; returns the
    commitment ids by row number."""
    header = [*HEADER, "programa", "productos", "beneficiarios"]
    source = write_csv(folder / "actas.csv", sample_rows(count), header=header)
    import_file(engine, source, actor="prueba")
    with Session(engine) as session:
        stored = session.scalars(select(Commitment).order_by(Commitment.id)).all()
        ids = {n: c.id for n, c in enumerate(stored)}
        for n, commitment_id in ids.items():
            if n % 6 == 1:
                change = Change(status="cumplido", executed_amount=1_000_000, on=date(2026, 9, 3))
            elif n % 6 == 2:
                change = Change(
                    due_date=date(2026, 12, 15), reason="Retraso en la licitación pública",
                    on=date(2026, 7, 20),
                )  # fmt: skip
            else:
                continue
            apply_change(session, commitment_id, change, "gerente", date(2026, 11, 25))
            session.commit()
    return ids


def build_sample(
    engine: Engine, database_url: str, folder: Path, *, preliminary: bool = False
) -> BuiltPackage:
    """The Antofagasta package of the third quarter of 2026, built on ``NOW``."""
    settings = load_settings(database_url=database_url, data_dir=folder / "var")
    with Session(engine) as session:
        region = session.get(Region, 2)
    assert region is not None
    return build_package(
        engine, settings, region, Q3, out=folder / "paquete", now=NOW, preliminary=preliminary
    )
