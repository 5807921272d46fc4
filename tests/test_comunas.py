"""Comunas: resolving what people type, ``cumple territory set/list`` through
the console script, the import's ``comunas`` column (and its mistakes, with
nothing written), the commitment's comunas in ``commitments show``, and
``audit verify`` catching a tampered local calendar."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select, text, update
from sqlalchemy.engine import Engine
from sqlmodel import Session

from importer import ImportFailed, import_file
from models import Commitment
from models.comuna_split import split_amount
from models.geography import CommitmentComuna, TerritoryComuna
from tests.helpers import BATCH_RUNNER, HEADER, row, write_csv
from tracking.audit import audit
from tracking.comunas import ComunaError, ComunaIndex, load_comuna_index, parse_comuna_list
from tracking.evidence_store import EvidenceStore

COQUIMBO, NUBLE = 4, 16
COLUMNS = [*HEADER, "comunas"]


@pytest.fixture(scope="module")
def index(sqlite_template: Path) -> ComunaIndex:
    from models.db import make_engine

    engine = make_engine(f"sqlite:///{sqlite_template}")
    with Session(engine) as session:
        found = load_comuna_index(session)
    engine.dispose()
    return found


def test_names_and_codes_resolve_within_the_region(index: ComunaIndex) -> None:
    assert index.resolve(COQUIMBO, "  RIO   hurtado ") == "04305"
    assert index.resolve(COQUIMBO, "Río Hurtado") == "04305"
    assert index.resolve(COQUIMBO, "04301") == "04301"
    assert index.resolve(COQUIMBO, "4301") == "04301"  # a spreadsheet dropped the 0
    assert index.resolve(6, "Marchigüe") == "06204"  # CUT writes Marchihue
    assert index.resolve(NUBLE, "chillan viejo") == "16103"


@pytest.mark.parametrize(
    ("region", "value", "message"),
    [
        (COQUIMBO, "Ovale",
         "«Ovale» no es una comuna de la Región de Coquimbo; revise el nombre o use su código CUT"),
        (COQUIMBO, "Chillán",
         "«Chillán» es una comuna de la Región de Ñuble, no de la Región de Coquimbo"),
        (COQUIMBO, "16101", "«16101» es el código de Chillán, que es una comuna de la Región de "
                            "Ñuble, no de la Región de Coquimbo"),
        (COQUIMBO, "99999", "«99999» no es el código CUT de ninguna comuna"),
        (COQUIMBO, "<script>x</script>", "«<script>x</script>» no es una comuna"),
    ],
)  # fmt: skip
def test_unknown_comunas_are_named_with_the_region(
    index: ComunaIndex, region: int, value: str, message: str
) -> None:
    with pytest.raises(ComunaError) as caught:
        index.resolve(region, value)
    assert message in str(caught.value)


def test_lists_with_and_without_parts(index: ComunaIndex) -> None:
    plain = parse_comuna_list(index, COQUIMBO, "Punitaqui, Ovalle; 4305")
    assert plain.codes == ("04301", "04304", "04305") and plain.parts is None
    parts = parse_comuna_list(index, COQUIMBO, "Ovalle: $10.000.000; Punitaqui: 5000000")
    assert parts.parts == {"04301": 10_000_000, "04304": 5_000_000}
    for bad, words in (
        ("Ovalle: $10.000.000; Punitaqui", "indique el monto de cada comuna o de ninguna"),
        ("Ovalle, ovalle", "la comuna Ovalle aparece dos veces"),
        (" , ; ", "la lista de comunas está vacía"),
        ("Ovalle: diez", "el monto de Ovalle"),
    ):
        with pytest.raises(ComunaError) as caught:
            parse_comuna_list(index, COQUIMBO, bad)
        assert words in str(caught.value), bad


def _limari(text: str, comunas: str = "", monto: str = "$15.000.000") -> dict[str, object]:
    return row(region="Coquimbo", territorio="Limarí Emprende", compromiso=text,
               comunas=comunas, monto=monto)  # fmt: skip


def _counts(engine: Engine) -> tuple[int, int, int]:
    with Session(engine) as session:
        return (
            session.scalar(select(func.count()).select_from(Commitment)) or 0,
            session.scalar(select(func.count()).select_from(CommitmentComuna)) or 0,
            session.scalar(select(func.count()).select_from(TerritoryComuna)) or 0,
        )


def test_import_sets_the_territory_and_the_commitments(engine: Engine, tmp_path: Path) -> None:
    rows = [
        _limari("a", "Ovalle: $10.000.000; Punitaqui: $5.000.000"),
        _limari("b", "Río Hurtado"),
        _limari("c"),  # none named: the territorio's, as the import leaves it
    ]
    report = import_file(engine, write_csv(tmp_path / "a.csv", rows, header=COLUMNS),
                         actor="prueba")  # fmt: skip
    assert any("Limarí Emprende" in w and "Ovalle, Punitaqui, Río Hurtado" in w
               for w in report.warnings)  # fmt: skip
    with Session(engine) as session:
        territory = set(session.scalars(select(TerritoryComuna.comuna_code)))
        places = {
            (text_, code, amount)
            for text_, code, amount in session.execute(
                select(Commitment.text, CommitmentComuna.comuna_code, CommitmentComuna.amount).join(
                    CommitmentComuna, CommitmentComuna.commitment_id == Commitment.id
                )
            )
        }
    assert territory == {"04301", "04304", "04305"}
    assert places == {
        ("a", "04301", 10_000_000), ("a", "04304", 5_000_000), ("b", "04305", None),
        ("c", "04301", None), ("c", "04304", None), ("c", "04305", None),
    }  # fmt: skip
    # Now that the territorio has comunas, a row must stay inside them.
    with pytest.raises(ImportFailed) as caught:
        import_file(engine, write_csv(tmp_path / "b.csv", [_limari("d", "Combarbalá")],
                                             header=COLUMNS), actor="prueba")  # fmt: skip
    message = str(caught.value.errors[0])
    assert "fila 2" in message and "comunas" in message
    assert "Combarbalá no es comuna del territorio «Limarí Emprende»" in message
    assert _counts(engine) == (3, 6, 3)


def test_import_mistakes_write_nothing(sqlite_engine: Engine, tmp_path: Path) -> None:
    rows = [
        _limari("ok", "Ovalle"),
        _limari("otra región", "Chillán"),
        _limari("no suma", "Ovalle: $10.000.000; Punitaqui: $4.000.000"),
        _limari("sin monto", "Ovalle: $1; Punitaqui: $2", monto=""),
        _limari("desconocida", "Ovale"),
    ]
    with pytest.raises(ImportFailed) as caught:
        import_file(sqlite_engine, write_csv(tmp_path / "a.csv", rows, header=COLUMNS),
                    actor="prueba")  # fmt: skip
    messages = {error.row: str(error) for error in caught.value.errors}
    assert set(messages) == {3, 4, 5, 6}
    assert (
        "«Chillán» es una comuna de la Región de Ñuble, no de la Región de Coquimbo" in messages[3]
    )
    assert "suman $14.000.000 y el monto del compromiso es $15.000.000" in messages[4]
    assert "la fila no tiene monto" in messages[5]
    assert "«Ovale» no es una comuna de la Región de Coquimbo" in messages[6]
    assert all("columna comunas" in message for message in messages.values())
    assert _counts(sqlite_engine) == (0, 0, 0)


def _batch(tmp_path: Path, database_url: str, runs: list[list[str]]) -> list[list[object]]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CUMPLE_")}
    env |= {"CUMPLE_DATABASE_URL": database_url, "CUMPLE_DATA_DIR": str(tmp_path / "var")}
    done = subprocess.run([sys.executable, "-c", BATCH_RUNNER, json.dumps(runs)], cwd=tmp_path,
                          env=env, capture_output=True, text=True, timeout=300)  # fmt: skip
    assert done.returncode == 0, done.stderr
    results: list[list[object]] = json.loads(done.stdout)
    for _, _, err in results:
        assert "Traceback" not in str(err)
    return results


def test_territory_set_and_list_through_the_console_script(sqlite_url: str, tmp_path: Path) -> None:
    first = write_csv(tmp_path / "a.csv", [_limari("a")], header=COLUMNS)
    runs = [
        ["import", str(first)],
        ["territory", "list", "--format", "json"],
        ["territory", "set", "limari emprende", "--comunas", "Ovalle, 4304, Río Hurtado"],
        ["territory", "set", "Limarí Emprende", "--comunas", "<b>Ovalle</b>"],
        ["territory", "set", "Limarí Emprende", "--comunas", "Ovalle, Chillán"],
        ["territory", "set", "Limarí Emprende", "--comunas", " , "],
        ["territory", "set", "Limarí Emprende", "--comunas", "Ovalle: $5"],
        ["territory", "set", "No Existe", "--comunas", "Ovalle"],
        ["territory", "set", "Limarí Emprende", "--region", "Ñuble", "--comunas", "Ovalle"],
        ["territory", "list", "--region", "Coquimbo", "--format", "json"],
        ["territory", "list"],
        ["territory", "set", "Limarí Emprende", "--comunas", "Ovalle, Punitaqui, Río Hurtado"],
    ]
    results = _batch(tmp_path, sqlite_url, runs)
    codes = [code for code, _, _ in results]
    assert codes == [0, 0, 0, 1, 1, 1, 1, 1, 1, 0, 0, 0]
    before = json.loads(str(results[1][1]))
    assert [(t["territorio"], t["comunas"], t["compromisos"]) for t in before] == [
        ("Limarí Emprende", [], 1)
    ]
    said = str(results[2][1])
    assert "Comunas agregadas: Ovalle, Punitaqui, Río Hurtado." in said
    # The commitment already registered keeps its place; the output says so.
    assert "Su compromiso ya registrado mantiene las comunas con que se registró" in said
    errors = [str(err) for _, _, err in results[3:9]]
    assert errors[0].startswith("Error: --comunas: «<b>Ovalle</b>» no es una comuna de la Región")
    assert "«Chillán» es una comuna de la Región de Ñuble, no de la Región de Coquimbo" in errors[1]
    assert "la lista de comunas está vacía" in errors[2]
    assert "los montos por comuna van en la columna «comunas»" in errors[3]
    assert "No hay un territorio llamado «No Existe»" in errors[4]
    assert "No hay un territorio llamado «Limarí Emprende»" in errors[5]
    after = json.loads(str(results[9][1]))
    assert [c["codigo"] for c in after[0]["comunas"]] == ["04301", "04304", "04305"]
    assert "Ovalle, Punitaqui, Río Hurtado" in str(results[10][1])
    assert "Sus comunas ya eran esas; no se cambió nada." in str(results[11][1])


def test_commitments_show_their_comunas_and_audit_sees_tampering(
    sqlite_url: str, sqlite_engine: Engine, tmp_path: Path
) -> None:
    rows = [
        row(region="Ñuble", territorio="Valle del Itata", compromiso="Chillán",
            comunas="Chillán: $10.000.000; Chillán Viejo: $5.000.000"),
        row(region="Ñuble", territorio="Valle del Itata", compromiso="San Carlos",
            comunas="San Carlos", monto="$10.000.001"),
    ]  # fmt: skip
    import_file(sqlite_engine, write_csv(tmp_path / "a.csv", rows, header=COLUMNS), actor="prueba")
    with Session(sqlite_engine) as session:
        ids = dict(session.execute(select(Commitment.text, Commitment.id)).all())
    runs = [
        ["commitments", "show", str(ids["Chillán"]), "--format", "json", "--on", "2026-09-01"],
        ["commitments", "list", "--format", "json", "--on", "2026-09-01"],
        ["commitments", "show", str(ids["San Carlos"]), "--on", "2026-09-01"],
    ]
    shown, listed, table = _batch(tmp_path, sqlite_url, runs)
    detail = json.loads(str(shown[1]))[0]
    assert detail["comunas"] == [
        {"codigo": "16101", "nombre": "Chillán", "monto": 10_000_000},
        {"codigo": "16103", "nombre": "Chillán Viejo", "monto": 5_000_000},
    ]
    assert {r["compromiso"]: r["comunas"] for r in json.loads(str(listed[1]))}["San Carlos"] == [
        {"codigo": "16301", "nombre": "San Carlos", "monto": 10_000_001}
    ]
    assert "San Carlos ($10.000.001)" in str(table[1])
    store = EvidenceStore(tmp_path / "var" / "evidencias")
    assert audit(sqlite_engine, store).ok
    with Session(sqlite_engine) as session:
        # Someone gives San Carlos Chillán's holiday, and moves part of
        # Chillán's commitment to San Carlos without touching its calendar.
        session.execute(
            update(Commitment).where(Commitment.id == ids["San Carlos"])  # type: ignore[arg-type]
            .values(local_calendar="ley-20768")
        )  # fmt: skip
        session.execute(
            text(
                "UPDATE commitment_comuna SET comuna_code = '16301' "
                "WHERE commitment_id = :c AND comuna_code = '16103'"
            ),
            {"c": ids["Chillán"]},
        )
        session.commit()
    report = audit(sqlite_engine, store)
    problems = {p.subject: p.message for p in report.problems}
    for commitment_id in ids.values():
        assert "no es el de sus comunas" in problems[f"compromiso N° {commitment_id}"]


def test_the_web_form_and_the_api_take_comunas(
    site, engine: Engine, database_url: str, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    """/actas/nueva has a comunas field per commitment (a mistake names the
    commitment and the value, and nothing is saved); the API's acta takes
    the same text."""
    from fastapi.testclient import TestClient

    from config import load_settings
    from tests.test_web import acta_form, client_for, count_commitments, token
    from tracking.accounts import new_api_token
    from web.app import create_app

    app = create_app(load_settings(database_url=database_url, data_dir=tmp_path / "var"),
                     with_scheduler=False)  # fmt: skip
    client = client_for(app, "gerente_loa")
    csrf = token(client, "/actas/nueva")
    page = client.get("/actas/nueva").text
    assert 'for="comunas-1"' in page and 'name="comunas-1"' in page
    before = count_commitments(engine)
    wrong = client.post("/actas/nueva", data=acta_form(csrf, **{"comunas-2": "Ovalle"}))
    assert wrong.status_code == 400
    assert "Compromiso 2, comunas:" in wrong.text and "Ovalle" in wrong.text
    assert count_commitments(engine) == before
    saved = client.post(
        "/actas/nueva",
        data=acta_form(csrf, **{"comunas-1": "Calama: $5.000.000; Ollagüe: $3.500.000"}),
        follow_redirects=True,
    )
    assert saved.status_code == 200 and "Acta registrada: 2 compromisos nuevos" in saved.text
    with Session(engine) as session:
        placed = dict(
            session.execute(
                select(CommitmentComuna.comuna_code, CommitmentComuna.amount)
                .join(Commitment, Commitment.id == CommitmentComuna.commitment_id)
                .where(Commitment.text == "Asistencia técnica a 20 productores")
            ).all()
        )
        secret = new_api_token(session, "gerente@loa.cl", "prueba")
        session.commit()
    assert placed == {"02201": 5_000_000, "02202": 3_500_000}
    acta = {
        "region": "02", "territorio": "Loa Emprende", "acta_fecha": "2026-11-25",
        "acta_instancia": "Mesa Técnica",
        "compromisos": [{"institucion": "SENCE", "responsable_email": "s@sence.cl",
                         "compromiso": "Cursos en San Pedro", "plazo": "2027-03-01",
                         "comunas": "San Pedro de Atacama"}],
    }  # fmt: skip
    api = TestClient(app)
    headers = {"Authorization": f"Bearer {secret}"}
    # The form's import gave Loa Emprende its first comunas: Calama and Ollagüe.
    outside = api.post("/api/actas", json=acta, headers=headers)
    assert outside.status_code == 422
    assert outside.json()["detail"][0]["campo"] == "comunas"
    assert "San Pedro de Atacama no es comuna del territorio «Loa Emprende»" in outside.text
    acta["compromisos"][0]["comunas"] = "02201"  # type: ignore[index]
    created = api.post("/api/actas", json=acta, headers=headers)
    assert created.status_code == 201, created.text
    with Session(engine) as session:
        codes = session.scalars(
            select(CommitmentComuna.comuna_code)
            .join(Commitment, Commitment.id == CommitmentComuna.commitment_id)
            .where(Commitment.text == "Cursos en San Pedro")
        ).all()
    assert codes == ["02201"]


@pytest.mark.parametrize(
    ("amount", "comunas", "stated", "expected"),
    [
        (None, ["04301"], None, {}),
        (15_000_000, [], {"04301": 15_000_000}, {}),
        (0, ["04304", "04301"], None, {"04301": 0, "04304": 0}),
        # Even, in CUT order, the pesos that do not divide one each to the first.
        (101, ["04305", "04301", "04304"], None, {"04301": 34, "04304": 34, "04305": 33}),
        (100, ["04305", "04301", "04304"], None, {"04301": 34, "04304": 33, "04305": 33}),
        (10, ["04304", "04301", "04304"], None, {"04301": 5, "04304": 5}),
        # Every part stated: the plan, even when it does not add up; a stated 0 is a part.
        (100, ["04304", "04301"], {"04301": 70, "04304": 20, "04305": 9},
         {"04301": 70, "04304": 20}),
        (100, ["04304", "04301"], {"04301": 0, "04304": 100}, {"04301": 0, "04304": 100}),
        # A part missing (or no parts at all): split evenly.
        (100, ["04304", "04301"], {"04301": 70, "04304": None}, {"04301": 50, "04304": 50}),
        (100, ["04304", "04301"], {"04301": 70}, {"04301": 50, "04304": 50}),
        (99, ["04304", "04301"], {}, {"04301": 50, "04304": 49}),
    ],
)  # fmt: skip
def test_split_amount_plans_the_pesos_per_comuna(
    amount: int | None,
    comunas: list[str],
    stated: dict[str, int | None] | None,
    expected: dict[str, int],
) -> None:
    planned = split_amount(amount, comunas, stated)
    assert planned == expected
    assert list(planned) == sorted(expected)
