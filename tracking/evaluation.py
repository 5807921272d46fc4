"""The evidence of a región's annual self-evaluation, read from the record
on one day: territorios and their comunas, the year's actas, commitments
and institutions, statuses on the day, verified fulfilments with their
files, the IRAL proposal, the periodic protocol's versions, the packages
built and mailed, and the rectifications. A handful of SQL queries; the
one loop over the región's commitments is the status rule's
(:func:`models.commitments.status_on` with each commitment's calendar).
Grading is :mod:`reports.evaluation`'s business."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import and_, func, or_, select
from sqlmodel import Session

from models.calendar import calendar_for
from models.commitments import OPEN_STATUSES, Acta, Commitment, CommitmentEvent, Status, status_on
from models.dates import format_long
from models.evidence import Evidence as EvidenceRow
from models.evidence import EvidenceKind
from models.geography import Region, TerritoryComuna
from models.history import CommitmentState
from models.packages import Package, PackageDelivery
from models.parties import Institution, Territory
from models.protocols import PERIODIC, Protocol
from models.public_services import InstitutionKind, institution_kind
from models.reminders import OutboxMessage, OutboxStatus
from models.text import slug
from tracking.errors import InvalidChange
from tracking.lookup import find_region


@dataclass(frozen=True)
class TerritoryFacts:
    """A territorio of the región: its comunas on record and the actas of
    the year (held by the evidence day) with the commitments they formalised."""

    name: str
    comunas: int
    actas: int
    commitments: int


@dataclass(frozen=True)
class InstitutionFacts:
    """An institution that committed in the year's actas, and its kind."""

    name: str
    kind: InstitutionKind
    commitments: int


@dataclass(frozen=True)
class ProtocolVersion:
    """A version of the región's periodic protocol (instrument
    ``periodic``): from ``since``, every ``every``."""

    since: date
    every: str


@dataclass(frozen=True)
class PackageBuild:
    """A period's packages of the región (preliminary ones aside): the
    first day one was built and the first day one was mailed (an outbox
    message sent), by the evidence day; ``None`` when not (yet)."""

    period: str
    built_on: date | None
    sent_on: date | None


@dataclass(frozen=True)
class Evidence:
    """What the system holds about a región for ``year``, read on ``day``
    (``min(D, 31 Dec year)``). Counts of actas, commitments, amounts and
    institutions are of the actas held in the year by ``day``; statuses
    are on ``day``."""

    region: str
    region_official: str
    iso_code: str
    year: int
    day: date
    territories: tuple[TerritoryFacts, ...]
    iral_period: str
    iral_built_on: date | None
    institutions: tuple[InstitutionFacts, ...]
    actas: int
    commitments: int
    with_amount: int
    committed: int
    executed: int
    reported: int
    """Fulfilments the institutions reported in the year (any commitment)."""
    fulfilled: int
    """Commitments cumplido on ``day`` whose fulfilment is dated in the year."""
    fulfilled_verified: int
    """Of those, verified by the gerente with at least one evidence file."""
    open: int
    overdue: int
    """Commitments of the región open / vencido on ``day`` (any year)."""
    versions: tuple[ProtocolVersion, ...]
    builds: tuple[PackageBuild, ...]
    rectifications: int
    rectified_periods: tuple[str, ...]


def _instant(day: date, zone: ZoneInfo) -> datetime:
    """The UTC instant local midnight of ``day`` begins at."""
    return datetime.combine(day, time(0), tzinfo=zone).astimezone(UTC)


def _local(instant: datetime | None, zone: ZoneInfo) -> date | None:
    if instant is None:
        return None
    aware = instant if instant.tzinfo is not None else instant.replace(tzinfo=UTC)
    return aware.astimezone(zone).date()


def evidence_day(session: Session, year: int, day: date | None, today: date) -> date:
    """The day the evidence of ``year`` is read on: ``min(day or today, 31
    Dec year)``. :class:`InvalidChange` (Spanish) for a year after this one
    or before any data, a day before the year, or a day after ``today``
    (the record cannot say yet what will stand then)."""
    if year > today.year:
        raise InvalidChange(
            f"El año {year} es posterior al año en curso ({today.year}); no hay nada que evaluar."
        )
    firsts = [
        session.scalar(select(func.min(Acta.held_on))),
        session.scalar(select(func.min(Protocol.since))),
    ]
    known = [first for first in firsts if first is not None]
    if not known:
        raise InvalidChange(
            "No hay actas ni protocolos registrados: no hay nada que evaluar todavía. "
            "Importe las actas primero (cumple import)."
        )
    first = min(known).year
    if year < first:
        choice = (
            f"elija el año {first}"
            if first >= today.year
            else f"elija un año entre {first} y {today.year}"
        )
        raise InvalidChange(
            f"El año {year} es anterior a los primeros datos registrados ({first}); {choice}."
        )
    if day is not None and day > today:
        raise InvalidChange(
            f"La fecha {format_long(day)} es posterior a hoy ({format_long(today)}): la "
            "evidencia se lee en un día que ya pasó, o hoy."
        )
    read_on = min(day or today, date(year, 12, 31))
    if read_on < date(year, 1, 1):
        raise InvalidChange(
            f"La fecha {format_long(read_on)} es anterior al año {year}: la evidencia de un "
            "año se lee durante ese año o después."
        )
    return read_on


def _territories(
    session: Session, region_id: int, actas: dict[int, set[int]], counts: Counter[int]
) -> tuple[TerritoryFacts, ...]:
    comunas = dict(
        session.execute(
            select(TerritoryComuna.territory_id, func.count())
            .join(Territory, Territory.id == TerritoryComuna.territory_id)
            .where(Territory.region_id == region_id)
            .group_by(TerritoryComuna.territory_id)
        ).all()
    )
    rows = session.execute(
        select(Territory.id, Territory.name)
        .where(Territory.region_id == region_id)
        .order_by(Territory.name)
    ).all()
    return tuple(
        TerritoryFacts(name, int(comunas.get(tid, 0)), len(actas.get(tid, ())), counts[tid])
        for tid, name in rows
    )


def _packages(session: Session, region_id: int, day: date, zone: ZoneInfo) -> list[PackageBuild]:
    """Every period's first build and first mailing by ``day``."""
    until = _instant(day + timedelta(days=1), zone)
    rows = session.execute(
        select(Package.period, Package.generated_at, OutboxMessage.status, OutboxMessage.sent_at)
        .outerjoin(PackageDelivery, PackageDelivery.package_id == Package.id)
        .outerjoin(OutboxMessage, OutboxMessage.id == PackageDelivery.outbox_id)
        .where(
            Package.region_id == region_id,
            ~Package.preliminary,  # type: ignore[arg-type]
            Package.generated_at < until,  # type: ignore[arg-type,operator]
        )
    ).all()
    built: dict[str, date] = {}
    sent: dict[str, date] = {}
    for period, generated_at, status, sent_at in rows:
        on = _local(generated_at, zone)
        assert on is not None
        built[period] = min(built.get(period, on), on)
        mailed = _local(sent_at, zone)
        if status == OutboxStatus.SENT and mailed is not None and mailed <= day:
            sent[period] = min(sent.get(period, mailed), mailed)
    return [PackageBuild(period, built[period], sent.get(period)) for period in sorted(built)]


def _rectifications(session: Session, region_id: int, year: int, day: date) -> Counter[str]:
    """Rectifications of facts dated in ``year`` up to ``day`` (each
    recorded after the package of the period it falls in was sent), by the
    period they rectify."""
    rows = session.execute(
        select(CommitmentEvent.rectifies, func.count())
        .join(Commitment, Commitment.id == CommitmentEvent.commitment_id)
        .where(
            Commitment.region_id == region_id,
            CommitmentEvent.rectifies.is_not(None),  # type: ignore[union-attr]
            CommitmentEvent.effective_on >= date(year, 1, 1),
            CommitmentEvent.effective_on <= day,
        )
        .group_by(CommitmentEvent.rectifies)
    ).all()
    return Counter({str(period): int(count) for period, count in rows})


def evaluable_regions(session: Session) -> list[Region]:
    """The 16 regiones, by CUT number (the web's selector)."""
    return list(session.scalars(select(Region).order_by(Region.id)))  # type: ignore[arg-type]


def resolve_region(session: Session, text: str) -> Region:
    """A región by the address form of its name (``coquimbo``,
    ``metropolitana-de-santiago``) or anything :func:`find_region` takes."""
    wanted = text.strip().lower()
    for region in evaluable_regions(session):
        if slug(region.name) == wanted:
            return region
    return find_region(session, text)


def read_evidence(
    session: Session, region_text: str, year: int, day: date | None, today: date, zone: ZoneInfo
) -> Evidence:
    """The evidence of región ``region_text`` for ``year``, read on
    ``min(day or today, 31 Dec year)`` (:func:`evidence_day`). Raises
    :class:`tracking.errors.TrackingError` with a Spanish message for an
    unknown región or a year there is nothing to evaluate in."""
    region = resolve_region(session, region_text)
    read_on = evidence_day(session, year, day, today)
    state_on_day = and_(
        CommitmentState.commitment_id == Commitment.id,
        CommitmentState.valid_from <= read_on,
        or_(CommitmentState.valid_to.is_(None), CommitmentState.valid_to > read_on),  # type: ignore[union-attr,operator]
    )
    rows = session.execute(
        select(
            Commitment.id,
            Commitment.territory_id,
            Commitment.acta_id,
            Acta.held_on,
            Institution.name,
            Commitment.amount,
            Commitment.local_calendar,
            CommitmentState.status,
            CommitmentState.executed_amount,
            CommitmentState.due_date,
            CommitmentState.fulfilled_on,
            CommitmentState.cancelled_on,
            CommitmentState.reported_on,
            CommitmentState.verified_on,
        )
        .join(Acta, Acta.id == Commitment.acta_id)
        .join(Institution, Institution.id == Commitment.institution_id)
        .join(CommitmentState, state_on_day)
        .where(Commitment.region_id == region.id, Acta.held_on <= read_on)
    ).all()
    first_day = date(year, 1, 1)
    actas: dict[int, set[int]] = {}
    per_territory: Counter[int] = Counter()
    per_institution: Counter[str] = Counter()
    with_amount = committed = executed = reported = open_count = overdue = 0
    fulfilled: list[tuple[int, date | None]] = []
    for (cid, territory_id, acta_id, held_on, institution, amount, local, stored, executed_amount,
         due, fulfilled_on, cancelled_on, reported_on, verified_on) in rows:  # fmt: skip
        status = status_on(
            stored=stored, due_date=due, fulfilled_on=fulfilled_on, cancelled_on=cancelled_on,
            day=read_on, calendar=calendar_for(region.iso_code, local or ""),
        )  # fmt: skip
        open_count += status in OPEN_STATUSES
        overdue += status is Status.VENCIDO
        if reported_on is not None and first_day <= reported_on <= read_on:
            reported += 1
        if status is Status.CUMPLIDO and fulfilled_on is not None and fulfilled_on.year == year:
            fulfilled.append((cid, verified_on))
        if held_on.year != year:
            continue
        actas.setdefault(territory_id, set()).add(acta_id)
        per_territory[territory_id] += 1
        per_institution[institution] += 1
        if amount is not None:
            with_amount += 1
            committed += amount
        executed += executed_amount
    with_files = set(
        session.scalars(
            select(EvidenceRow.commitment_id).where(
                EvidenceRow.commitment_id.in_([cid for cid, _ in fulfilled]),  # type: ignore[union-attr]
                EvidenceRow.kind == EvidenceKind.FILE,
                EvidenceRow.added_on <= read_on,
            )
        )
    )
    iral_period = f"{year + 1}-IRAL"
    iral = session.scalar(
        select(func.min(Package.generated_at)).where(
            Package.region_id == region.id,
            Package.period == iral_period,
            ~Package.preliminary,  # type: ignore[arg-type]
            Package.generated_at < _instant(read_on + timedelta(days=1), zone),  # type: ignore[arg-type,operator]
        )
    )
    versions = session.execute(
        select(Protocol.since, Protocol.every)
        .where(Protocol.region_id == region.id, Protocol.instrument == PERIODIC)
        .order_by(Protocol.since)  # type: ignore[arg-type]
    ).all()
    rectified = _rectifications(session, region.id, year, read_on)
    return Evidence(
        region=region.name,
        region_official=region.official_name,
        iso_code=region.iso_code,
        year=year,
        day=read_on,
        territories=_territories(session, region.id, actas, per_territory),
        iral_period=iral_period,
        iral_built_on=_local(iral, zone),
        institutions=tuple(
            InstitutionFacts(name, institution_kind(name), count)
            for name, count in sorted(per_institution.items(), key=lambda item: item[0].lower())
        ),
        actas=sum(len(ids) for ids in actas.values()),
        commitments=sum(per_territory.values()),
        with_amount=with_amount,
        committed=committed,
        executed=executed,
        reported=reported,
        fulfilled=len(fulfilled),
        fulfilled_verified=sum(
            1
            for cid, verified_on in fulfilled
            if verified_on is not None and verified_on <= read_on and cid in with_files
        ),
        open=open_count,
        overdue=overdue,
        versions=tuple(ProtocolVersion(since, every) for since, every in versions),
        builds=tuple(_packages(session, region.id, read_on, zone)),
        rectifications=sum(rectified.values()),
        rectified_periods=tuple(sorted(rectified)),
    )


__all__ = [
    "Evidence",
    "InstitutionFacts",
    "PackageBuild",
    "ProtocolVersion",
    "TerritoryFacts",
    "evaluable_regions",
    "evidence_day",
    "read_evidence",
    "resolve_region",
]
