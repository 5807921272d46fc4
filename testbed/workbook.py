"""A synthetic national workbook of commitments across the 16 regiones, the
import file the benchmarks and the operational checks load."""

from __future__ import annotations

import random
from datetime import date, timedelta
from pathlib import Path

from openpyxl import Workbook

from models.reference import regions

HEADER = [
    "region", "territorio", "acta_fecha", "acta_instancia", "acta_numero", "institucion",
    "institucion_rut", "responsable", "responsable_email", "institucion_director_email",
    "territorio_gerente_email", "compromiso", "monto", "fuente", "plazo",
]  # fmt: skip
INSTITUTIONS = ["FOSIS", "SERCOTEC", "INDAP", "SENCE", "CORFO", "SERNATUR", "SERNAPESCA"]
INSTANCES = ["Consejo Público-Privado", "Directorio Ejecutivo", "Secretaría Técnica"]


def write_workbook(
    path: Path, rows: int, seed: int = 7, region_codes: list[str] | None = None
) -> None:
    """``rows`` commitments, ~10 per acta, with dates as date cells, amounts
    as numbers or text and a fifth of the plazos in días hábiles."""
    rng = random.Random(seed)
    refs = [r for r in regions() if region_codes is None or r.code in region_codes]
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("actas")
    sheet.append(HEADER)
    for index in range(rows):
        acta = index // 10
        region = refs[acta % len(refs)]
        held_on = date(2025, 1, 1) + timedelta(days=acta % 600)
        institution = INSTITUTIONS[index % len(INSTITUTIONS)]
        amount: object = rng.choice([None, rng.randrange(1, 500) * 100_000])
        if amount is not None and index % 3 == 0:
            amount = f"${amount:,}".replace(",", ".")
        plazo: object = (
            f"{rng.randrange(5, 90)} días hábiles"
            if index % 5 == 0
            else held_on + timedelta(days=rng.randrange(10, 400))
        )
        sheet.append(
            [
                region.name,
                f"Territorio {acta % 40} {region.abbreviation}",
                held_on,
                INSTANCES[acta % len(INSTANCES)],
                str(acta),
                f"{institution} {region.abbreviation}",
                None,
                f"Responsable {index % 500}",
                f"responsable{index % 500}@{institution.lower()}.cl.example",
                f"director@{institution.lower()}-{region.code}.cl.example",
                f"gerente{acta % 40}@cumple.example",
                f"Compromiso {index}: ejecutar la acción comprometida número {index}",
                amount,
                "Presupuesto regular",
                plazo,
            ]
        )
    workbook.save(path)
