"""The package's hand-written JSON writers give the bytes of ``json.dumps``:
the streamed manifest, the record-by-record ``compromisos.json`` and its
pretty printer (same bytes for the same data, whatever the writer)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from reports.figures import CommitmentRecord, EvidenceRef
from reports.open_data import pretty_json, record_dict, write_json
from reports.streamed_json import Streamed, write_object

scalars = st.none() | st.booleans() | st.integers() | st.floats() | st.text()
values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(), inner, max_size=3),
    max_leaves=12,
)


@given(value=values)
def test_pretty_json_is_json_dumps(value: object) -> None:
    expected = json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False)
    assert pretty_json(value) == expected
    assert pretty_json(value, "    ") == expected.replace("\n", "\n    ")


@given(document=st.dictionaries(st.text(), values, max_size=4), streamed=st.booleans())
def test_streamed_object_is_json_dumps(
    tmp_path_factory: object, document: dict[str, object], streamed: bool
) -> None:
    path = Path(tmp_path_factory.mktemp("json")) / "manifest.json"  # type: ignore[attr-defined]
    members = [
        (key, Streamed(iter(value)) if streamed and isinstance(value, list) else value)
        for key, value in document.items()
    ]
    write_object(path, members)
    assert (
        path.read_text(encoding="utf-8")
        == json.dumps(document, ensure_ascii=False, indent=2) + "\n"
    )


def _record(number: int, evidence: tuple[EvidenceRef, ...]) -> CommitmentRecord:
    day = date(2026, 7, number)
    return CommitmentRecord(
        id=number, territorio="Valle del Itata", programa=None, institucion="SERVIU «Ñuble»",
        institucion_rut="61.812.000-5", acta="Acta N° 3", acta_fecha=day,
        compromiso='Pavimentar 2,5 km "camino"\ncon\tbermas', fuente=None, monto=number * 1000,
        monto_ejecutado=0, sobre_ejecucion=number % 2 == 0, plazo=day, vencimiento=day,
        estado="vencido", informado_el=None, cumplido_el=None, verificacion="sin informe",
        verificado_el=None, dias_atraso=number, nuevo_en_periodo=True, productos="=1+1",
        beneficiarios=None, evidencias=evidence, historial_entradas=1,
        historial_sha256="ab" * 32,
    )  # fmt: skip


def test_compromisos_json_is_json_dumps(tmp_path: Path) -> None:
    evidence = (
        EvidenceRef("archivo", "acta ñ.pdf", "cd" * 32, 1234, None, date(2026, 8, 1), True),
        EvidenceRef("enlace", "x", None, None, "https://ejemplo.cl/é", date(2026, 8, 2)),
    )
    records = [_record(1, ()), _record(2, evidence), _record(3, evidence[:1])]
    meta = {"region": "Ñuble", "periodo": "2026-Q3", "preliminar": False}
    write_json(tmp_path / "c.json", records, meta)
    expected = {**meta, "compromisos": [record_dict(r) for r in records]}
    assert (tmp_path / "c.json").read_text(encoding="utf-8") == json.dumps(
        expected, indent=2, sort_keys=True, ensure_ascii=False
    ) + "\n"
