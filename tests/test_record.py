"""The record end to end through the console script, on SQLite and
PostgreSQL: the state on any past date, field by field, after changes on
several dates; and ``cumple audit verify`` against edits made behind the
application's back."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from subprocess import CompletedProcess
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select, text
from sqlalchemy.engine import Engine
from sqlmodel import Session

from models import Commitment, CommitmentEvent, Evidence
from tests.helpers import Cli, pdf_bytes, row, write_csv
from tracking.evidence import report_progress
from tracking.evidence_store import EvidenceStore
from tracking.updates import Report

TODAY = datetime.now(UTC).astimezone(ZoneInfo("America/Santiago")).date()
FIELDS = (
    "estado", "monto_ejecutado", "plazo", "vencimiento", "cumplido_el", "cancelado_el",
    "informado_el", "verificado_el", "verificado_por", "sobre_ejecucion",
)  # fmt: skip


@pytest.fixture
def cli(database_url: str, tmp_path: Path) -> Cli:
    return Cli(tmp_path, database_url)


def _ids(engine: Engine) -> dict[str, int]:
    with Session(engine) as session:
        return {c.text[0]: c.id for c in session.scalars(select(Commitment))}  # type: ignore[misc]


def _record_history(
    cli: Cli,
    engine: Engine,
    tmp_path: Path,
    then: Callable[[dict[str, int]], list[list[str]]] = lambda ids: [],
) -> tuple[dict[str, int], list[CompletedProcess[str]]]:
    """Three commitments changed on several dates through the console script
    (one process per batch of runs), evidence for C, C verified; then the
    runs ``then(ids)`` in the same process as the verification. Returns the
    ids by first letter and the results of ``then``'s runs."""
    rows = [
        row(compromiso="A transferencia", monto="15000000", plazo="2026-09-21"),
        row(compromiso="B feria", monto="3000000", plazo="2026-08-31"),
        row(compromiso="C capacitación", monto="8000000", plazo="2026-10-30"),
    ]
    assert cli("import", str(write_csv(tmp_path / "actas.csv", rows))).returncode == 0
    ids = _ids(engine)
    a, b, c = (str(ids[k]) for k in "ABC")
    changes = [
        ["update", a, "--executed-amount", "5000000", "--on", "2026-07-10"],
        ["update", a, "--due-date", "2026-10-30", "--reason", "Resolución en trámite",
         "--on", "2026-08-05"],
        ["update", a, "--executed-amount", "$12.000.000", "--on", "2026-09-01"],
        ["update", a, "--status", "cumplido", "--on", "2026-10-20", "--by", "gerente.loa"],
        ["update", b, "--status", "cancelado", "--reason", "Sin local", "--on", "2026-08-20"],
        ["reopen", b, "--reason", "Se consiguió el local", "--by", "admin"],
        ["update", b, "--executed-amount", "4000000", "--reason", "Reajuste del convenio"],
    ]  # fmt: skip
    for args, result in zip(
        changes, cli.batch([["commitments", *x] for x in changes]), strict=True
    ):
        assert result.returncode == 0, (args, result.stderr)
    store = EvidenceStore(tmp_path / "var" / "evidencias")
    stored = store.save("orden.pdf", io.BytesIO(pdf_bytes("Orden 1234-56-LE26")))
    with Session(engine) as session:
        report = Report(fulfilled=True, on=date(2026, 9, 25))
        report_progress(session, ids["C"], report, [stored], ["OC 1234-56-LE26"],
                        "enlace: r@fosis.cl", TODAY)  # fmt: skip
        session.commit()
    verified, *rest = cli.batch([["commitments", "verify", c, "--by", "gerente.loa"], *then(ids)])
    assert verified.returncode == 0, verified.stderr
    return ids, rest


def _state(**values: Any) -> dict[str, Any]:
    base = {
        "estado": "pendiente", "monto_ejecutado": 0, "cumplido_el": None, "cancelado_el": None,
        "informado_el": None, "verificado_el": None, "verificado_por": None,
        "sobre_ejecucion": False,
    }  # fmt: skip
    base.update(values)
    return base


def expected_states() -> dict[date, dict[str, dict[str, Any]]]:
    """What each commitment was on each date, worked out by hand."""
    a_first = {"plazo": "2026-09-21", "vencimiento": "2026-09-21"}
    a_new = {"plazo": "2026-10-30", "vencimiento": "2026-10-30"}
    b_due = {"plazo": "2026-08-31", "vencimiento": "2026-08-31"}
    c_due = {"plazo": "2026-10-30", "vencimiento": "2026-10-30"}
    b_cancelled = _state(estado="cancelado", cancelado_el="2026-08-20", **b_due)
    a_done = _state(
        estado="cumplido", monto_ejecutado=12_000_000, cumplido_el="2026-10-20",
        verificado_el="2026-10-20", verificado_por="gerente.loa", **a_new,
    )  # fmt: skip
    c_reported = _state(estado="informado", informado_el="2026-09-25", **c_due)
    return {
        date(2026, 7, 10): {
            "A": _state(monto_ejecutado=5_000_000, **a_first),
            "B": _state(**b_due),
            "C": _state(**c_due),
        },
        date(2026, 8, 5): {
            "A": _state(monto_ejecutado=5_000_000, **a_new),
            "B": _state(**b_due),
            "C": _state(**c_due),
        },
        date(2026, 8, 20): {
            "A": _state(monto_ejecutado=5_000_000, **a_new),
            "B": b_cancelled,
            "C": _state(**c_due),
        },
        date(2026, 9, 1): {
            "A": _state(monto_ejecutado=12_000_000, **a_new),
            "B": b_cancelled,
            "C": _state(**c_due),
        },
        date(2026, 9, 25): {
            "A": _state(monto_ejecutado=12_000_000, **a_new),
            "B": b_cancelled,
            "C": c_reported,
        },
        date(2026, 10, 20): {"A": a_done, "B": b_cancelled, "C": c_reported},
        TODAY: {
            "A": a_done,
            "B": _state(estado="vencido", monto_ejecutado=4_000_000, sobre_ejecucion=True, **b_due),
            "C": _state(
                estado="cumplido",
                informado_el="2026-09-25",
                cumplido_el="2026-09-25",
                verificado_el=TODAY.isoformat(),
                verificado_por="gerente.loa",
                **c_due,
            ),
        },
    }


def test_the_state_on_any_date_field_by_field(cli: Cli, engine: Engine, tmp_path: Path) -> None:
    days = list(expected_states())

    def queries(ids: dict[str, int]) -> list[list[str]]:
        listed = [["commitments", "list", "--on", "2026-06-14"]]  # before the acta
        for day in days:
            listed.append(["commitments", "list", "--on", day.isoformat()])
            listed.append(["commitments", "list", "--on", day.isoformat(), "--status", "informado"])
        return [
            *listed,
            ["commitments", "show", str(ids["A"]), "--on", "2026-08-05"],
            ["commitments", "show", str(ids["C"])],
            ["commitments", "show", str(ids["C"]), "--on", "2026-09-25"],
        ]

    ids, results = _record_history(
        cli, engine, tmp_path, lambda ids: [[*q, "--format", "json"] for q in queries(ids)]
    )
    records = [Cli.records(result) for result in results]
    names = {number: name for name, number in ids.items()}
    assert records[0] == []  # before the acta
    for n, (day, expected) in enumerate(expected_states().items()):
        listed, reported = records[1 + 2 * n], records[2 + 2 * n]
        got = {names[r["id"]]: {f: r[f] for f in FIELDS} for r in listed}  # type: ignore[index]
        assert got == expected, day
        assert [names[r["id"]] for r in reported] == [  # type: ignore[index]
            name for name, state in expected.items() if state["estado"] == "informado"
        ], day
    [shown], [c_now], [past] = records[-3:]
    assert {f: shown[f] for f in FIELDS} == expected_states()[date(2026, 8, 5)]["A"]
    assert shown["plazo_texto"] == "2026-09-21"  # the acta's words are never overwritten
    assert [h["campo"] for h in shown["historial"]] == ["created", "executed_amount", "plazo"]
    assert [(e["tipo"], e["nombre"]) for e in c_now["evidencias"]] == [
        ("archivo", "orden.pdf"), ("referencia", "OC 1234-56-LE26")
    ]  # fmt: skip
    # The evidence was added today: on 25 September it was not there yet.
    assert past["evidencias"] == [] and past["estado"] == "informado"


def test_audit_names_every_commitment_edited_behind_the_application(
    cli: Cli, engine: Engine, tmp_path: Path
) -> None:
    package = tmp_path / "paquete"
    ids, (clean, clean_json, built, packaged) = _record_history(
        cli, engine, tmp_path, lambda ids: [
            ["audit", "verify"],
            ["audit", "verify", "--format", "json"],
            ["report", "--region", "II", "--period", "2026-Q3", "--out", str(package)],
            ["audit", "verify", "--package", str(package)],
        ],
    )  # fmt: skip
    assert clean.returncode == 0, clean.stderr
    assert clean.stdout.startswith("Registro íntegro: 3 compromisos")
    assert Cli.records(clean_json) == []
    assert built.returncode == 0, built.stderr
    assert packaged.returncode == 0

    def audit_names(commitment: str, message: str) -> None:
        result = cli("audit", "verify")
        assert result.returncode == 1
        line = f"compromiso N° {ids[commitment]}: "
        lines = [x.strip() for x in result.stderr.splitlines()]
        assert any(x.startswith(line) and message in x for x in lines), result.stderr

    with engine.begin() as connection:  # an amount rewritten in the history
        connection.execute(
            text("UPDATE commitment_event SET new_value = '15000000' WHERE commitment_id = :c "
                 "AND field = 'executed_amount' AND new_value = '5000000'"),
            {"c": ids["A"]},
        )  # fmt: skip
    audit_names("A", "la entrada 2 fue modificada")
    with engine.begin() as connection:  # the last entry of B removed
        last = connection.execute(
            text("SELECT max(position) FROM commitment_event WHERE commitment_id = :c"),
            {"c": ids["B"]},
        ).scalar()
        connection.execute(
            text("DELETE FROM commitment_event WHERE commitment_id = :c AND position = :p"),
            {"c": ids["B"], "p": last},
        )
    audit_names("B", "faltan entradas finales")
    with Session(engine) as session:  # C's evidence file replaced on disk
        sha = session.scalars(
            select(Evidence.sha256).where(
                Evidence.commitment_id == ids["C"],
                Evidence.sha256.is_not(None),  # type: ignore[union-attr]
            )
        ).one()
    path = tmp_path / "var" / "evidencias" / sha[:2] / sha
    path.chmod(0o600)
    path.write_bytes(pdf_bytes("Otra orden"))
    audit_names("C", "«orden.pdf»: el archivo fue reemplazado")
    with engine.begin() as connection:  # the committed amount edited in place
        connection.execute(text("UPDATE commitment SET amount = 1 WHERE id = :c"), {"c": ids["C"]})
    audit_names("C", "no coinciden con los registrados en el acta")
    as_json, tampered = cli.batch(
        [["audit", "verify", "--format", "json"], ["audit", "verify", "--package", str(package)]]
    )
    assert as_json.returncode == 1
    listed = json.loads(as_json.stdout)
    assert {p["sujeto"] for p in listed} == {f"compromiso N° {ids[k]}" for k in "ABC"}
    assert tampered.returncode == 1
    assert f"compromiso N° {ids['B']}" in tampered.stderr and "cambió después" in tampered.stderr
    with Session(engine) as session:
        positions = session.scalars(
            select(CommitmentEvent.position).where(CommitmentEvent.commitment_id == ids["A"])
        ).all()
    assert sorted(positions) == list(range(1, len(positions) + 1))


def test_the_acta_document_is_evidence_of_all_its_commitments(
    sqlite_url: str, sqlite_engine: Engine, tmp_path: Path
) -> None:
    cli = Cli(tmp_path, sqlite_url)
    rows = [
        row(compromiso="A uno", plazo="2026-09-21"),
        row(compromiso="B dos", plazo="2026-10-21"),
    ]
    assert cli("import", str(write_csv(tmp_path / "actas.csv", rows))).returncode == 0
    ids = _ids(sqlite_engine)
    acta = tmp_path / "acta-12.pdf"
    acta.write_bytes(pdf_bytes("Acta N° 12"))
    text_file = tmp_path / "nota.pdf"
    text_file.write_text("no soy un PDF")
    added, *listed, refused, clean = cli.batch(
        [
            ["evidence", "add", str(ids["A"]), str(acta), "--acta", "--by", "secretaria"],
            *(["evidence", "list", str(ids[name]), "--format", "json"] for name in "AB"),
            ["evidence", "add", str(ids["A"]), str(text_file)],
            ["audit", "verify"],
        ]
    )
    assert added.returncode == 0 and "al acta del compromiso" in added.stdout
    for result in listed:
        evidence = Cli.records(result)
        assert [(e["nombre"], e["del_acta"]) for e in evidence] == [("acta-12.pdf", True)]
    assert refused.returncode == 1 and "se reconoce por su contenido" in refused.stderr
    assert clean.returncode == 0
    with sqlite_engine.begin() as connection:
        connection.execute(text("UPDATE evidence SET name = 'otra.pdf' WHERE acta_id IS NOT NULL"))
    tampered = cli("audit", "verify")
    assert tampered.returncode == 1 and "acta N° 1: evidencia: la entrada 1 fue modificada" in (
        tampered.stderr
    )
