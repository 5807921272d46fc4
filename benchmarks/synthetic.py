"""Synthetic national data written straight into the tables (bulk
``insert`` in chunks: importing a million rows through the importer would
measure the importer, which ``benchmarks.import_xlsx`` does).

Shape, per ``commitments`` N across the 16 regiones: 10 territorios per
región, 40 institutions, 5 responsables per institution and región, one
director per institution and región, one gerente per territorio; N/10
actas; of the commitments, ``due_share`` (1 %) have a reminder stage on
``day`` (stages −10, −5, −1, 0, +5, +10, +15 spread evenly), 55 % are
closed (fulfilled or cancelled in the past) and the rest are open with a
due date 3 weeks to 16 months ahead. ``next_stage_on`` is what the
importer would store, from the same pure rules, and so is the record: each
commitment's chained history (its ``created`` entry, and the status change
of a closed one) and its replayed state intervals. Ids are predicted
(1, 2, … in an empty database) so that the chain can be hashed before the
rows are written; the generator checks the prediction."""

from __future__ import annotations

import random
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import func, insert, select
from sqlalchemy.engine import Engine

from models.calendar import calendar_for
from models.chain import GENESIS, link_hash
from models.commitments import (
    Acta,
    Commitment,
    CommitmentEvent,
    created_value,
    event_content,
)
from models.geography import Region
from models.history import CommitmentState, Fact, initial_state, replay, state_rows
from models.parties import Contact, Institution, Territory
from models.stages import first_stage_on

CHUNK = 20_000
INSTITUTIONS = 40
TERRITORIES_PER_REGION = 10
RESPONSABLES = 5
STAGES = (-10, -5, -1, 0, 5, 10, 15)


SYNTHETIC = "sintético"


def _history(
    commitment_id: int,
    row: dict[str, object],
    held_on: date,
    closed_on: date | None,
    now: datetime,
) -> list[dict[str, object]]:
    """The chained history the importer and a gerente would have left."""
    created = created_value(
        acta_id=row["acta_id"], institution_id=row["institution_id"],  # type: ignore[arg-type]
        responsable_id=row["responsable_id"], text=row["text"], amount=row["amount"],  # type: ignore[arg-type]
        plazo=row["plazo"], plazo_text=row["plazo_text"], source=None, programme=None,  # type: ignore[arg-type]
        products=None, beneficiaries=None,
    )  # fmt: skip
    entries = [("created", held_on, None, created)]
    if row["status"] != "pendiente" and closed_on is not None:
        entries.append(("status", closed_on, "pendiente", row["status"]))
    history = []
    previous = GENESIS
    for position, (field_name, on, old, new) in enumerate(entries, start=1):
        event: dict[str, object] = {
            "commitment_id": commitment_id, "position": position, "recorded_at": now,
            "effective_on": on, "actor": SYNTHETIC, "field": field_name, "old_value": old,
            "new_value": new, "reason": None, "rectifies": None, "previous_hash": previous,
        }  # fmt: skip
        event["hash"] = previous = link_hash(previous, event_content(**{
            k: event[k] for k in ("commitment_id", "position", "recorded_at", "effective_on",
                                  "actor", "field", "old_value", "new_value", "reason",
                                  "rectifies")
        }))  # type: ignore[arg-type]  # fmt: skip
        history.append(event)
    return history


def _flush(
    engine: Engine,
    rows: list[dict[str, object]],
    events: list[dict[str, object]],
    states: list[dict[str, object]],
) -> None:
    _bulk(engine, Commitment.__table__, rows)
    _bulk(engine, CommitmentEvent.__table__, events)
    _bulk(engine, CommitmentState.__table__, states)


@dataclass(frozen=True)
class Synthetic:
    commitments: int
    due: int
    seconds: float


def _bulk(engine: Engine, table: object, rows: list[dict[str, object]]) -> None:
    with engine.begin() as connection:
        for start in range(0, len(rows), CHUNK):
            connection.execute(insert(table), rows[start : start + CHUNK])  # type: ignore[arg-type]


def _ids(engine: Engine, column: object) -> list[int]:
    with engine.connect() as connection:
        return list(connection.execute(select(column).order_by(column)).scalars())  # type: ignore[arg-type]


def generate(
    engine: Engine, commitments: int, day: date, *, due_share: float = 0.01, seed: int = 7
) -> Synthetic:
    """Fill a migrated, empty database."""
    started = time.perf_counter()
    rng = random.Random(seed)
    now = datetime.now(UTC)
    with engine.connect() as connection:
        regions = connection.execute(select(Region.id, Region.iso_code).order_by(Region.id)).all()  # type: ignore[arg-type]
    _bulk(engine, Institution.__table__, [
        {"name": f"Servicio Público {i:02d}", "name_key": f"servicio publico {i:02d}",
         "rut": None, "created_at": now}
        for i in range(INSTITUTIONS)
    ])  # fmt: skip
    institutions = _ids(engine, Institution.id)
    _bulk(engine, Territory.__table__, [
        {"region_id": region_id, "name": f"Territorio {t} {iso}",
         "name_key": f"territorio {t} {iso.lower()}", "created_at": now}
        for region_id, iso in regions for t in range(TERRITORIES_PER_REGION)
    ])  # fmt: skip
    with engine.connect() as connection:
        territories = connection.execute(
            select(Territory.id, Territory.region_id).order_by(Territory.id)  # type: ignore[arg-type]
        ).all()
    contacts: list[dict[str, object]] = []
    for institution_id in institutions:
        for region_id, iso in regions:
            scope = f"i:{institution_id}"
            for k in range(RESPONSABLES):
                contacts.append({
                    "role": "responsable", "email": f"r{k}.{iso.lower()}@inst{institution_id}.cl",
                    "name": f"Responsable {k} {iso}", "region_id": region_id,
                    "institution_id": institution_id, "territory_id": None, "scope": scope,
                    "created_at": now,
                })  # fmt: skip
            contacts.append({
                "role": "director", "email": f"director.{iso.lower()}@inst{institution_id}.cl",
                "name": None, "region_id": region_id, "institution_id": institution_id,
                "territory_id": None, "scope": scope, "created_at": now,
            })  # fmt: skip
    for territory_id, region_id in territories:
        contacts.append({
            "role": "gerente", "email": f"gerente{territory_id}@cumple.cl", "name": None,
            "region_id": region_id, "institution_id": None, "territory_id": territory_id,
            "scope": f"t:{territory_id}", "created_at": now,
        })  # fmt: skip
    _bulk(engine, Contact.__table__, contacts)
    responsables: dict[tuple[int, int], list[int]] = {}
    with engine.connect() as connection:
        for row in connection.execute(
            select(Contact.id, Contact.institution_id, Contact.region_id).where(
                Contact.role == "responsable"  # type: ignore[arg-type]
            )
        ):
            responsables.setdefault((row.institution_id, row.region_id), []).append(row.id)
    by_region: dict[int, list[int]] = {}
    for territory_id, region_id in territories:
        by_region.setdefault(region_id, []).append(territory_id)
    actas = max(1, commitments // 10)
    acta_rows = []
    for a in range(actas):
        region_id, _ = regions[a % len(regions)]
        acta_rows.append({
            "region_id": region_id, "territory_id": by_region[region_id][a // 16 % 10],
            "kind": "acta", "instance": "Consejo Público-Privado",
            "instance_key": "consejo publico-privado", "number": str(a),
            "held_on": day - timedelta(days=30 + a % 700), "created_at": now,
        })  # fmt: skip
    _bulk(engine, Acta.__table__, acta_rows)
    acta_ids = _ids(engine, Acta.id)
    iso_of = dict(regions)
    rows: list[dict[str, object]] = []
    events: list[dict[str, object]] = []
    states: list[dict[str, object]] = []
    due = 0
    for n in range(commitments):
        acta = acta_rows[n // 10 if n // 10 < actas else actas - 1]
        region_id = int(acta["region_id"])  # type: ignore[call-overload]
        calendar = calendar_for(iso_of[region_id])
        held_on: date = acta["held_on"]  # type: ignore[assignment]
        institution_id = institutions[n % INSTITUTIONS]
        draw = rng.random()
        status, fulfilled, next_on = "pendiente", None, None
        if draw < due_share and calendar.is_business_day(day):
            offset = STAGES[due % len(STAGES)]
            due_date = calendar.add(day, -offset)
            next_on = day
            due += 1
        elif draw < due_share + 0.55:
            due_date = calendar.roll_forward(held_on + timedelta(days=rng.randrange(10, 200)))
            status = "cumplido" if draw < due_share + 0.5 else "cancelado"
            fulfilled = min(due_date, day - timedelta(days=1))
        else:
            due_date = calendar.roll_forward(day + timedelta(days=rng.randrange(21, 480)))
            next_on = first_stage_on(due_date, calendar, held_on)
        amount = rng.choice((None, rng.randrange(1, 500) * 100_000))
        commitment_id = n + 1
        row = {
            "acta_id": acta_ids[n // 10 if n // 10 < actas else actas - 1],
            "region_id": region_id, "territory_id": acta["territory_id"],
            "institution_id": institution_id,
            "responsable_id": rng.choice(responsables[(institution_id, region_id)]),
            "text": f"Transferir recursos al convenio N° {n} y rendir su avance",
            "text_key": f"c{n}", "amount": amount, "executed_amount": 0, "source": None,
            "programme": None, "products": None, "beneficiaries": None,
            "plazo_text": due_date.isoformat(), "original_plazo": due_date, "plazo": due_date,
            "due_date": due_date, "status": status,
            "fulfilled_on": fulfilled if status == "cumplido" else None,
            "cancelled_on": fulfilled if status == "cancelado" else None,
            "reported_on": None,
            "verified_on": fulfilled if status == "cumplido" else None,
            "verified_by": SYNTHETIC if status == "cumplido" else None,
            "next_stage_on": next_on, "created_at": now, "updated_at": now,
        }  # fmt: skip
        history = _history(commitment_id, row, held_on, fulfilled, now)
        facts = [Fact(e["effective_on"], e["position"], e["field"], e["new_value"], SYNTHETIC)  # type: ignore[arg-type]
                 for e in history]  # fmt: skip
        states.extend(
            state_rows(commitment_id,
                       replay(initial_state(due_date, calendar), held_on, facts, calendar))
        )  # fmt: skip
        events.extend(history)
        row["history_length"] = len(history)
        row["history_head"] = history[-1]["hash"]
        rows.append(row)
        if len(rows) == CHUNK * 5:
            _flush(engine, rows, events, states)
            rows, events, states = [], [], []
    _flush(engine, rows, events, states)
    with engine.connect() as connection:
        highest = connection.execute(select(func.max(Commitment.id))).scalar()
    if highest != commitments:
        raise RuntimeError("synthetic ids were not 1..N: generate into an empty database")
    with engine.begin() as connection:
        # One agreement per commitment (the acta's own), as the importer stores.
        connection.exec_driver_sql(
            "INSERT INTO commitment_deadline (commitment_id, agreed_on, plazo, due_date, reason, "
            "recorded_at) SELECT c.id, a.held_on, c.plazo, c.due_date, NULL, c.created_at "
            "FROM commitment c JOIN acta a ON a.id = c.acta_id"
        )
    return Synthetic(commitments, due, time.perf_counter() - started)
