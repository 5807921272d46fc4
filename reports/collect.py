"""Reading the facts of a región's commitments for a package, streamed in
chunks: each commitment with its replayed states (the one reconstruction of
:mod:`models.history`), its due-date agreements, and, as recorded when the
package is built, its evidence and the head of its history chain; and the
rectifications recorded since the región's previous package.

With a :class:`Disclosure` (the public variant of a package) withheld
commitments are left out, evidence is limited to what the gerencia made
public, and free-text reasons and authors are dropped."""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.engine import Connection, Engine

from models.calendar import BusinessCalendar
from models.commitments import Acta, Commitment, CommitmentEvent, acta_label
from models.evidence import Evidence
from models.history import Fact, initial_state, replay
from models.parties import Institution, Territory
from reports.figures import Agreement, CommitmentFact, EvidenceRef, Rectification, own_calendar

CHUNK = 2000


@dataclass(frozen=True)
class Disclosure:
    """What the public variant of a package may show: every commitment but
    the ``withheld`` ones, only the evidence whose id is in ``evidence``
    (marked public by the gerencia), no reason and no author. ``stamp``
    identifies these choices and the package they apply to; the variant's
    manifest records it, and a variant whose stamp is no longer current is
    not served."""

    withheld: frozenset[int]
    evidence: frozenset[int]
    stamp: str


_label = functools.lru_cache(maxsize=4096)(acta_label)  # many commitments share an acta


def _events(side: Connection, ids: list[int]) -> dict[int, list[tuple]]:  # type: ignore[type-arg]
    found: dict[int, list[tuple]] = defaultdict(list)  # type: ignore[type-arg]
    table = CommitmentEvent.__table__  # type: ignore[attr-defined]
    for row in side.execute(
        select(
            table.c.commitment_id, table.c.position, table.c.effective_on, table.c.field,
            table.c.old_value, table.c.new_value, table.c.reason, table.c.actor, table.c.hash,
        ).where(
            table.c.commitment_id.in_(ids),
            table.c.field.in_(("status", "executed_amount", "plazo")),
        )
    ):  # fmt: skip
        found[row.commitment_id].append(row)
    return found


def _evidence(
    side: Connection, ids: list[int], acta_ids: list[int], public: Disclosure | None
) -> tuple:  # type: ignore[type-arg]
    own: dict[int, list[EvidenceRef]] = defaultdict(list)
    by_acta: dict[int, list[EvidenceRef]] = defaultdict(list)
    table = Evidence.__table__  # type: ignore[attr-defined]
    for row in side.execute(
        select(table)
        .where((table.c.commitment_id.in_(ids)) | (table.c.acta_id.in_(acta_ids)))
        .order_by(table.c.added_at, table.c.id)
    ):
        if public is not None and row.id not in public.evidence:
            continue
        ref = EvidenceRef(
            row.kind, row.name, row.sha256, row.size, row.reference, row.added_on,
            row.commitment_id is None,
        )  # fmt: skip
        if row.commitment_id is not None:
            own[row.commitment_id].append(ref)
        elif row.acta_id is not None:
            by_acta[row.acta_id].append(ref)
    return own, by_acta


def commitment_facts(
    engine: Engine,
    region_id: int,
    until: date,
    calendar: BusinessCalendar,
    public: Disclosure | None = None,
) -> Iterator[CommitmentFact]:
    """The commitments of ``region_id`` signed on or before ``until``
    (``public``: only what the public variant may show)."""
    query = (
        select(
            Commitment.id,
            Commitment.acta_id,
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
            Commitment.original_plazo,
            Commitment.history_length,
            Commitment.history_head,
            Commitment.local_calendar,
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
            if public is not None:
                chunk = [row for row in chunk if row.id not in public.withheld]
                if not chunk:
                    continue
            ids = [row.id for row in chunk]
            with engine.connect() as side:
                events = _events(side, ids)
                acta_ids = sorted({r.acta_id for r in chunk})
                own, by_acta = _evidence(side, ids, acta_ids, public)
            for row in chunk:
                history = events[row.id]
                facts = [
                    Fact(e.effective_on, e.position, e.field, e.new_value, e.actor) for e in history
                ]
                place = own_calendar(calendar, row.local_calendar)
                start = initial_state(row.original_plazo, place)
                agreements: list[Agreement] = [(row.held_on, 0, row.original_plazo, None)]
                agreements += [
                    (
                        e.effective_on, e.position, date.fromisoformat(e.new_value),
                        None if public is not None else e.reason,
                    )
                    for e in history
                    if e.field == "plazo" and e.new_value
                ]  # fmt: skip
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
                    intervals=tuple(replay(start, row.held_on, facts, place)),
                    agreements=tuple(sorted(agreements)),
                    evidence=tuple(by_acta.get(row.acta_id, []) + own.get(row.id, [])),
                    chain=(row.history_length, row.history_head),
                    local_calendar=row.local_calendar,
                )


def rectifications(
    engine: Engine,
    region_id: int,
    before: date,
    since: datetime | None,
    until: datetime,
    public: Disclosure | None = None,
) -> list[Rectification]:
    """Rectifications of the región's periods that ended before ``before``,
    recorded after ``since`` (the previous package of the región, if any)
    and up to ``until`` (``public``: none of a withheld commitment, without
    reason or author)."""
    query = (
        select(
            CommitmentEvent.commitment_id,
            CommitmentEvent.position,
            CommitmentEvent.rectifies,
            CommitmentEvent.field,
            CommitmentEvent.old_value,
            CommitmentEvent.new_value,
            CommitmentEvent.reason,
            CommitmentEvent.actor,
            CommitmentEvent.effective_on,
            CommitmentEvent.recorded_at,
            Institution.name,
            Commitment.text,
        )
        .join(Commitment, Commitment.id == CommitmentEvent.commitment_id)
        .join(Institution, Institution.id == Commitment.institution_id)
        .where(
            Commitment.region_id == region_id,
            CommitmentEvent.rectifies.is_not(None),  # type: ignore[union-attr]
            CommitmentEvent.recorded_at <= until,
        )
        .order_by(CommitmentEvent.recorded_at, CommitmentEvent.commitment_id)
    )
    if since is not None:
        query = query.where(CommitmentEvent.recorded_at > since)
    from reports.periods import PeriodError, parse_period

    found = []
    with engine.connect() as connection:
        for row in connection.execute(query):
            try:
                rectified = parse_period(row.rectifies)
            except PeriodError:
                continue
            if rectified.end >= before:
                continue
            if public is not None and row.commitment_id in public.withheld:
                continue
            hidden = public is not None
            found.append(
                Rectification(
                    commitment_id=row.commitment_id, institution=row.name, text=row.text,
                    period=row.rectifies, field=row.field, old=row.old_value, new=row.new_value,
                    reason=None if hidden else row.reason, actor="" if hidden else row.actor,
                    fact_on=row.effective_on,
                    recorded_at=row.recorded_at,
                )
            )  # fmt: skip
    return found
