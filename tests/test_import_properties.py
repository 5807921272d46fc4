"""Property: whatever the cells hold, an import either succeeds or lists
clean errors; it never crashes and never writes part of a file."""

from __future__ import annotations

import re
import tempfile
from datetime import date, datetime
from pathlib import Path

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from openpyxl.utils.exceptions import IllegalCharacterError
from sqlalchemy.engine import Engine

from importer import ImportFailed, UnreadableFile, import_file
from tests.helpers import HEADER, write_csv, write_xlsx
from tests.test_import import counts

ERROR_LINE = re.compile(r"^fila \d+, columna [a-z_]+: \S.*$", re.S)

VALID: dict[str, list[object]] = {
    "region": ["Antofagasta", "II", "13", "Región de Ñuble", "O'Higgins"],
    "territorio": ["Loa Emprende", "Limarí Emprende"],
    "acta_fecha": ["2026-06-15", "15-06-2026", "15/06/2026", date(2026, 6, 15)],
    "acta_instancia": ["Consejo Público-Privado", "Mesa Territorial"],
    "acta_numero": ["12", "", 7],
    "institucion": ["FOSIS", "SERCOTEC", "Municipalidad de Ovalle"],
    "institucion_rut": ["", "61.202.000-0"],
    "responsable": ["Ana", ""],
    "responsable_email": ["ana@fosis.cl.example", "b@sercotec.cl.example"],
    "institucion_director_email": ["", "dir@fosis.cl.example"],
    "territorio_gerente_email": ["", "g@cumple.example"],
    "compromiso": ["Transferir fondos", "Capacitar", "Habilitar oficina"],
    "monto": ["", "15.000.000", "$ 8.500.000", 2500000],
    "fuente": ["", "Glosa"],
    "plazo": ["2026-12-01", "10 días hábiles", "1 dia habil", datetime(2026, 12, 24)],
}

junk = st.one_of(
    st.none(),
    st.text(max_size=25),
    st.integers(min_value=-(10**17), max_value=10**17),
    st.floats(allow_nan=True, allow_infinity=True),
    st.dates(min_value=date(1900, 1, 1), max_value=date(2200, 1, 1)),
)


def cell(column: str) -> st.SearchStrategy[object]:
    # Mostly valid cells, so that clean imports are explored as well as errors.
    valid = st.sampled_from(VALID[column])
    return st.integers(min_value=0, max_value=9).flatmap(lambda k: junk if k == 0 else valid)


rows = st.lists(st.fixed_dictionaries({c: cell(c) for c in HEADER}), min_size=1, max_size=4)


def check(engine: Engine, path: Path, n_rows: int) -> None:
    before = counts(engine)
    try:
        report = import_file(engine, path, actor="hypothesis")
    except ImportFailed as failure:
        event("rechazado con errores")
        assert failure.errors
        for error in failure.errors:
            assert ERROR_LINE.match(str(error)), str(error)
            assert 1 <= error.row <= n_rows + 1
        assert counts(engine) == before
    except UnreadableFile:
        event("archivo ilegible")
        assert counts(engine) == before
    else:
        event("importado")
        after = counts(engine)
        assert after["commitment"] - before["commitment"] == report.commitments
        assert after["acta"] - before["acta"] == report.actas
        assert after["commitment_event"] - before["commitment_event"] == report.commitments


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=rows)
def test_any_csv_content_imports_cleanly_or_fails_cleanly(
    engine: Engine, data: list[dict[str, object]]
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        text_rows = [
            {
                k: ("" if v is None else v.isoformat() if isinstance(v, date) else str(v))
                for k, v in r.items()
            }
            for r in data
        ]
        check(engine, write_csv(Path(folder) / "a.csv", text_rows), len(data))


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=rows)
def test_any_xlsx_content_imports_cleanly_or_fails_cleanly(
    engine: Engine, data: list[dict[str, object]]
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        try:
            path = write_xlsx(Path(folder) / "a.xlsx", data)
        except (IllegalCharacterError, ValueError, OverflowError):
            return  # a workbook cannot hold that value; nothing to import
        check(engine, path, len(data))
