"""Properties of the import: mostly valid files (so the success branch is
explored) with one bad cell now and then. A file either imports, and then
every commitment is stored with exactly the values its row gave, or it is
refused with clean errors and nothing is written. Examples per run: the
Hypothesis profile's (60 for developers, 150 in CI)."""

from __future__ import annotations

import tempfile
import uuid
from datetime import date, datetime
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, event, given, note, settings
from hypothesis import strategies as st
from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlmodel import Session

from importer import ImportFailed, UnreadableFile, import_file
from models import Acta, Commitment, Contact, Institution, Territory
from tests.helpers import HEADER, write_csv, write_xlsx
from tests.test_import import counts

ERROR_LINE = r"^fila \d+, columna [a-z_]+: \S.*$"
RUTS = {
    "FOSIS": "60.109.000-7",
    "SERCOTEC": "82.174.900-K",
    "Municipalidad de Ovalle": "69.040.100-2",
}
# A person's name goes with their address. (A contact is stored once, with
# the first name seen, so names are not compared.)
PEOPLE = {"ana@fosis.cl.example": "Ana", "b@sercotec.cl.example": ""}

# Each valid cell with what the database must hold for it.
REGIONS = {"Antofagasta": 2, "II": 2, "13": 13, "Región de Ñuble": 16, "O'Higgins": 6}
ACTA_DATES = ["2026-06-15", "15-06-2026", "15/06/2026", date(2026, 6, 15)]
NUMBERS = {"12": "12", "": "", 7: "7"}
AMOUNTS = {"": None, "15.000.000": 15_000_000, "$ 8.500.000": 8_500_000, 2500000: 2_500_000,
           "0": 0, 0: 0}  # fmt: skip
# 10 business days after 15 June 2026: 16-19, 22-26 and 30 June (21 and 29
# June are holidays) in every región drawn here.
PLAZOS = {"2026-12-01": date(2026, 12, 1), "10 días hábiles": date(2026, 6, 30),
          "1 dia habil": date(2026, 6, 16), datetime(2026, 12, 24): date(2026, 12, 24)}  # fmt: skip
TEXT_COLUMNS = {
    "territorio": ["Loa Emprende", "Limarí Emprende"],
    "acta_instancia": ["Consejo Público-Privado", "Mesa Territorial"],
    "institucion": list(RUTS),
    "responsable_email": list(PEOPLE),
    "institucion_director_email": ["", "dir@fosis.cl.example"],
    "territorio_gerente_email": ["", "g@cumple.example"],
    "compromiso": ["Transferir fondos", "Capacitar", "Habilitar oficina"],
    "fuente": ["", "Glosa"],
}


@st.composite
def valid_row(draw: st.DrawFn) -> dict[str, object]:
    row: dict[str, object] = {c: draw(st.sampled_from(v)) for c, v in TEXT_COLUMNS.items()}
    row["region"] = draw(st.sampled_from(sorted(REGIONS)))
    row["acta_fecha"] = draw(st.sampled_from(ACTA_DATES))
    row["acta_numero"] = draw(st.sampled_from(list(NUMBERS)))
    row["monto"] = draw(st.sampled_from(list(AMOUNTS)))
    row["plazo"] = draw(st.sampled_from(list(PLAZOS)))
    row["institucion_rut"] = draw(st.sampled_from(["", RUTS[str(row["institucion"])]]))
    row["responsable"] = PEOPLE[str(row["responsable_email"])]
    return row


def junk(xlsx: bool) -> st.SearchStrategy[object]:
    # No lone surrogates: no file can hold them. No control characters in a
    # workbook: XML cannot.
    text = st.text(
        alphabet=st.characters(blacklist_categories=("Cs", "Cc") if xlsx else ("Cs",)),
        max_size=25,
    )
    values = [st.none(), text, st.integers(-(10**17), 10**17),
              st.dates(min_value=date(1900, 1, 1), max_value=date(2200, 1, 1)),
              st.just(2500000.5), st.just(-1)]  # fmt: skip
    if not xlsx:
        values.append(st.floats(allow_nan=True, allow_infinity=True))
    return st.one_of(*values)


@st.composite
def rows(draw: st.DrawFn, xlsx: bool = False) -> list[tuple[dict[str, object], bool]]:
    """Rows, each with whether it is wholly valid: most are, some have one
    bad cell. Texts are numbered so that every row is its own commitment."""
    made = []
    for index in range(draw(st.integers(1, 4))):
        row = draw(valid_row())
        row["compromiso"] = f"{row['compromiso']} {index + 1}"
        clean = draw(st.integers(0, 9)) < 8
        if not clean:
            column = draw(st.sampled_from(HEADER))
            row[column] = draw(junk(xlsx))
        made.append((row, clean))
    return made


def _stored(engine: Engine) -> dict[str, dict[str, Any]]:
    with Session(engine) as session:
        found = session.execute(
            select(Commitment, Acta, Territory, Institution, Contact)
            .join(Acta, Acta.id == Commitment.acta_id)
            .join(Territory, Territory.id == Commitment.territory_id)
            .join(Institution, Institution.id == Commitment.institution_id)
            .join(Contact, Contact.id == Commitment.responsable_id)
        ).all()
    return {
        c.text: {
            "region": c.region_id, "territorio": t.name, "acta_fecha": a.held_on,
            "acta_instancia": a.instance, "acta_numero": a.number, "institucion": i.name,
            "institucion_rut": i.rut, "responsable_email": p.email, "monto": c.amount,
            "plazo": c.original_plazo,
            "fuente": c.source, "estado": c.status, "ejecutado": c.executed_amount,
        }
        for c, a, t, i, p in found
    }  # fmt: skip


def _expected(row: dict[str, object]) -> dict[str, Any]:
    return {
        "region": REGIONS[str(row["region"])], "territorio": row["territorio"],
        "acta_fecha": date(2026, 6, 15), "acta_instancia": row["acta_instancia"],
        "acta_numero": NUMBERS[row["acta_numero"]],  # type: ignore[index]
        "institucion": row["institucion"], "responsable_email": row["responsable_email"],
        "monto": AMOUNTS[row["monto"]],  # type: ignore[index]
        "plazo": PLAZOS[row["plazo"]],  # type: ignore[index]
        "fuente": row["fuente"] or None, "estado": "pendiente", "ejecutado": 0,
    }  # fmt: skip


def own(data: list[tuple[dict[str, object], bool]]) -> list[tuple[dict[str, object], bool]]:
    """The example's rows with texts of their own: the database is shared
    by the examples of one test."""
    mark = uuid.uuid4().hex[:8]
    return [
        ({**row, "compromiso": f"{mark}-{n} {row['compromiso']}"}, clean)
        for n, (row, clean) in enumerate(data)
    ]


def check(engine: Engine, path: Path, data: list[tuple[dict[str, object], bool]]) -> None:
    import re

    note(f"filas (fila, completa): {data!r}")
    before = counts(engine)
    known = set(_stored(engine))
    try:
        report = import_file(engine, path, actor="hypothesis")
    except ImportFailed as failure:
        event("rechazado con errores")
        assert failure.errors
        for error in failure.errors:
            assert re.match(ERROR_LINE, str(error), re.S), str(error)
            assert 1 <= error.row <= len(data) + 1
        assert counts(engine) == before
        return
    except UnreadableFile:
        event("archivo ilegible")
        assert counts(engine) == before
        return
    event("importado" if all(clean for _, clean in data) else "importado con una celda rara")
    stored = {k: v for k, v in _stored(engine).items() if k not in known}
    assert report.commitments == len(stored) == len(data)
    for row, clean in data:
        if not clean:
            continue
        got = dict(stored[str(row["compromiso"])])
        rut = got.pop("institucion_rut")
        assert got == _expected(row), row
        assert rut in ("", None, RUTS[str(row["institucion"])])
        if row["institucion_rut"]:
            assert rut == row["institucion_rut"]
    after = counts(engine)
    assert after["commitment_event"] - before["commitment_event"] == report.commitments


@settings(deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=rows())
def test_csv_files_import_exactly_or_fail_cleanly(
    engine: Engine, data: list[tuple[dict[str, object], bool]]
) -> None:
    data = own(data)
    with tempfile.TemporaryDirectory() as folder:
        text_rows = [
            {
                k: ("" if v is None else v.date().isoformat() if isinstance(v, datetime)
                    else v.isoformat() if isinstance(v, date) else str(v))
                for k, v in r.items()
            }
            for r, _ in data
        ]  # fmt: skip
        check(engine, write_csv(Path(folder) / "a.csv", text_rows), data)


@settings(deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=rows(xlsx=True))
def test_xlsx_files_import_exactly_or_fail_cleanly(
    engine: Engine, data: list[tuple[dict[str, object], bool]]
) -> None:
    data = own(data)
    with tempfile.TemporaryDirectory() as folder:
        path = write_xlsx(Path(folder) / "a.xlsx", [r for r, _ in data])
        check(engine, path, data)
