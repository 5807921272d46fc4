"""Reading the facts of a región's commitments for a period, streamed in
chunks with their due-date agreements and executed amounts."""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Iterator
from datetime import date

from sqlalchemy import select
from sqlalchemy.engine import Engine

from models.commitments import (
    Acta,
    Commitment,
    CommitmentDeadline,
    CommitmentEvent,
    acta_label,
)
from models.parties import Institution, Territory
from reports.figures import Agreement, CommitmentFact, Execution

CHUNK = 2000
_label = functools.lru_cache(maxsize=4096)(acta_label)  # many commitments share an acta


def commitment_facts(engine: Engine, region_id: int, until: date) -> Iterator[CommitmentFact]:
    """The commitments of ``region_id`` signed on or before ``until``."""
    query = (
        select(
            Commitment.id,
            Territory.name.label("territory"),
            Institution.name.label("institution"),
            Institution.rut,
            Acta.held_on,
            Acta.kind,
            Acta.instance,
            Acta.number,
            Commitment.text,
            Commitment.programme,
            Commitment.source,
            Commitment.products,
            Commitment.beneficiaries,
            Commitment.amount,
            Commitment.status,
            Commitment.fulfilled_on,
            Commitment.cancelled_on,
        )
        .join(Acta, Acta.id == Commitment.acta_id)
        .join(Territory, Territory.id == Commitment.territory_id)
        .join(Institution, Institution.id == Commitment.institution_id)
        .where(Commitment.region_id == region_id, Acta.held_on <= until)
        .order_by(Commitment.id)
        .execution_options(yield_per=CHUNK)
    )
    with engine.connect() as connection:
        result = connection.execute(query)
        for chunk in result.partitions(CHUNK):
            ids = [row.id for row in chunk]
            agreements: dict[int, list[Agreement]] = defaultdict(list)
            executions: dict[int, list[Execution]] = defaultdict(list)
            with engine.connect() as side:
                for d in side.execute(
                    select(
                        CommitmentDeadline.commitment_id,
                        CommitmentDeadline.agreed_on,
                        CommitmentDeadline.id,
                        CommitmentDeadline.plazo,
                        CommitmentDeadline.due_date,
                        CommitmentDeadline.reason,
                    ).where(CommitmentDeadline.commitment_id.in_(ids))  # type: ignore[attr-defined]
                ):
                    agreements[d.commitment_id].append(
                        (d.agreed_on, d.id, d.plazo, d.due_date, d.reason)
                    )
                for e in side.execute(
                    select(
                        CommitmentEvent.commitment_id,
                        CommitmentEvent.effective_on,
                        CommitmentEvent.id,
                        CommitmentEvent.new_value,
                    ).where(
                        CommitmentEvent.commitment_id.in_(ids),  # type: ignore[attr-defined]
                        CommitmentEvent.field == "executed_amount",
                    )
                ):
                    executions[e.commitment_id].append(
                        (e.effective_on, e.id, int(e.new_value or 0))
                    )
            for row in chunk:
                yield CommitmentFact(
                    id=row.id,
                    territory=row.territory,
                    institution=row.institution,
                    institution_rut=row.rut,
                    acta_date=row.held_on,
                    acta=_label(row.kind, row.instance, row.number, row.held_on),
                    text=row.text,
                    programme=row.programme,
                    source=row.source,
                    products=row.products,
                    beneficiaries=row.beneficiaries,
                    amount=row.amount,
                    status=row.status,
                    fulfilled_on=row.fulfilled_on,
                    cancelled_on=row.cancelled_on,
                    agreements=tuple(agreements[row.id]),
                    executions=tuple(executions[row.id]),
                )
