"""Reading commitments: filtered lists with the state on a date, and one
commitment with its whole history. Every field of a commitment on a date D
comes from the one reconstruction of :mod:`models.history` (its stored
intervals, ``commitment_state``); when no fact is dated after D the
commitment rows already hold it. The status filter runs in SQL, with each
región's own "due soon" horizon (its holidays differ), and a place's own
where its local holidays change it (:func:`tracking.comunas.due_soon_horizons`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import and_, false, func, or_, select
from sqlalchemy.sql import ColumnElement, Select
from sqlmodel import Session

from models.calendar import calendar_for
from models.commitments import (
    Acta,
    Commitment,
    CommitmentEvent,
    Status,
    StoredStatus,
    status_on,
)
from models.dates import DateError, check_range, format_long
from models.geography import Region
from models.history import CommitmentState
from models.parties import Contact, Institution, Territory
from tracking.comunas import ComunaPart, commitment_places, due_soon_horizons
from tracking.errors import InvalidChange, NotFound
from tracking.evidence import EvidenceView, evidence_for
from tracking.lookup import find_institution, find_region, find_territories


@dataclass(frozen=True)
class CommitmentView:
    """A commitment as users and scripts see it (the contract's fields)."""

    id: int
    region: str
    region_code: str
    territorio: str
    acta_id: int
    acta_fecha: date
    acta_instancia: str
    acta_numero: str
    acta_tipo: str
    institucion: str
    institucion_rut: str | None
    responsable: str | None
    responsable_email: str
    compromiso: str
    monto: int | None
    monto_ejecutado: int
    fuente: str | None
    plazo: date
    plazo_original: date
    plazo_texto: str
    vencimiento: date
    estado: Status
    cumplido_el: date | None
    cancelado_el: date | None
    informado_el: date | None
    verificado_el: date | None
    verificado_por: str | None
    sobre_ejecucion: bool
    evidencias: tuple[EvidenceView, ...]
    comunas: tuple[ComunaPart, ...] = ()
    """Where the commitment lands, fixed when it was registered."""
    calendario_local: str = ""
    """Its local holidays (``Commitment.local_calendar``)."""

    def record(self) -> dict[str, Any]:
        """JSON-ready: dates as ``YYYY-MM-DD``, amounts as integers."""
        out: dict[str, Any] = {}
        for name in self.__dataclass_fields__:
            value = getattr(self, name)
            out[name] = value.isoformat() if isinstance(value, date) else value
        out["estado"] = str(self.estado)
        out["evidencias"] = [evidence.record() for evidence in self.evidencias]
        out["comunas"] = [comuna.record() for comuna in self.comunas]
        return out


@dataclass(frozen=True)
class EventView:
    recorded_at: Any
    effective_on: date
    actor: str
    field: str
    old_value: str | None
    new_value: str | None
    reason: str | None
    position: int = 0
    rectifies: str | None = None
    hash: str = ""

    def record(self) -> dict[str, Any]:
        return {
            "posicion": self.position,
            "registrado": self.recorded_at.isoformat(),
            "fecha_efectiva": self.effective_on.isoformat(),
            "autor": self.actor,
            "campo": self.field,
            "anterior": self.old_value,
            "nuevo": self.new_value,
            "motivo": self.reason,
            "rectifica": self.rectifies,
            "sha256": self.hash,
        }


@dataclass(frozen=True)
class Filters:
    region: str | None = None
    territory: str | None = None
    institution: str | None = None
    status: str | None = None
    text: str | None = None
    """Words that must appear in the commitment or its institution."""
    territory_ids: frozenset[int] | None = None
    """Scope: only these territorios (a gerente's)."""
    region_id: int | None = None
    """Scope: only this región (a regional government's)."""
    institution_id: int | None = None
    commitment_ids: frozenset[int] | None = None
    """Only these commitments (what one person answers for)."""


StateSource = type[Commitment] | type[CommitmentState]
"""Where the state on a date is read: the commitment rows (no fact dated
after the day) or the stored intervals."""


def _state_on(day: date) -> ColumnElement[bool]:
    return and_(
        CommitmentState.commitment_id == Commitment.id,
        CommitmentState.valid_from <= day,
        or_(CommitmentState.valid_to.is_(None), CommitmentState.valid_to > day),  # type: ignore[union-attr,operator]
    )


def _base_query(day: date, source: StateSource) -> Select[Any]:
    columns: list[Any] = [Commitment, Acta, Region, Territory, Institution, Contact]
    if source is CommitmentState:
        columns.append(CommitmentState)
    query = (
        select(*columns)
        .join(Acta, Acta.id == Commitment.acta_id)
        .join(Region, Region.id == Commitment.region_id)
        .join(Territory, Territory.id == Commitment.territory_id)
        .join(Institution, Institution.id == Commitment.institution_id)
        .join(Contact, Contact.id == Commitment.responsable_id)
    )
    if source is CommitmentState:
        query = query.join(CommitmentState, _state_on(day))
    return query


def _view(
    commitment: Commitment,
    acta: Acta,
    region: Region,
    territory: Territory,
    institution: Institution,
    responsable: Contact,
    state: Commitment | CommitmentState | None,
    day: date,
    evidence: Sequence[EvidenceView] = (),
    comunas: tuple[ComunaPart, ...] = (),
) -> CommitmentView:
    assert commitment.id is not None and acta.id is not None
    held = state or commitment
    over = commitment.amount is not None and held.executed_amount > commitment.amount
    return CommitmentView(
        id=commitment.id,
        region=region.name,
        region_code=region.code,
        territorio=territory.name,
        acta_id=acta.id,
        acta_fecha=acta.held_on,
        acta_instancia=acta.instance,
        acta_numero=acta.number,
        acta_tipo=acta.kind,
        institucion=institution.name,
        institucion_rut=institution.rut,
        responsable=responsable.name,
        responsable_email=responsable.email,
        compromiso=commitment.text,
        monto=commitment.amount,
        monto_ejecutado=held.executed_amount,
        fuente=commitment.source,
        plazo=held.plazo,
        plazo_original=commitment.original_plazo,
        plazo_texto=commitment.plazo_text,
        vencimiento=held.due_date,
        estado=status_on(
            stored=held.status,
            due_date=held.due_date,
            fulfilled_on=held.fulfilled_on,
            cancelled_on=held.cancelled_on,
            day=day,
            calendar=calendar_for(region.iso_code, commitment.local_calendar),
        ),
        cumplido_el=held.fulfilled_on,
        cancelado_el=held.cancelled_on,
        informado_el=held.reported_on,
        verificado_el=held.verified_on,
        verificado_por=held.verified_by,
        sobre_ejecucion=over,
        evidencias=tuple(evidence),
        comunas=comunas,
        calendario_local=commitment.local_calendar,
    )


def state_source(session: Session, day: date) -> StateSource:
    """The commitment rows when no fact is dated after ``day`` (they hold
    every commitment's state on it), else the stored intervals."""
    latest = session.scalar(select(func.max(CommitmentState.valid_from)))
    return CommitmentState if latest is not None and day < latest else Commitment


def _status_condition(
    session: Session, status: Status, day: date, source: StateSource
) -> ColumnElement[bool]:
    """SQL for "status on ``day`` is ``status``", mirroring :func:`status_on`
    over the state on ``day`` read from ``source``."""
    due: Any = source.due_date
    fulfilled = and_(source.status == StoredStatus.CUMPLIDO, source.fulfilled_on <= day)  # type: ignore[operator]
    cancelled = and_(source.status == StoredStatus.CANCELADO, source.cancelled_on <= day)  # type: ignore[operator]
    if status is Status.CUMPLIDO:
        return fulfilled
    if status is Status.CANCELADO:
        return cancelled
    reported = source.status == StoredStatus.INFORMADO
    if status is Status.INFORMADO:
        return reported
    is_open = and_(~fulfilled, ~cancelled, ~reported)
    if status is Status.VENCIDO:
        return and_(is_open, due < day)
    base, special = due_soon_horizons(session, day)
    horizons = [
        and_(Commitment.region_id == region_id, Commitment.local_calendar == key, due <= horizon)
        for (region_id, key), horizon in special.items()
    ]
    for region_id, horizon in base.items():
        own = [key for (other, key) in special if other == region_id]
        condition = and_(Commitment.region_id == region_id, due <= horizon)
        if own:
            condition = and_(condition, Commitment.local_calendar.not_in(own))  # type: ignore[attr-defined]
        horizons.append(condition)
    due_soon = or_(false(), *horizons)
    if status is Status.POR_VENCER:
        return and_(is_open, due >= day, due_soon)
    return and_(is_open, due >= day, ~due_soon)


def parse_status(text: str) -> Status:
    try:
        return Status(text.strip().lower().replace(" ", "_"))
    except ValueError:
        words = ", ".join(status.value for status in Status)
        raise InvalidChange(f"El estado «{text}» no existe; use uno de: {words}.") from None


def _where(
    session: Session, query: Select[Any], filters: Filters, day: date, source: StateSource
) -> Select[Any]:
    """``query`` narrowed by ``filters`` (names, scope, words, status on ``day``)."""
    region = None
    if filters.region:
        region = find_region(session, filters.region)
        query = query.where(Commitment.region_id == region.id)
    if filters.territory:
        territories = find_territories(session, filters.territory, region)
        query = query.where(
            Commitment.territory_id.in_([t.id for t in territories])  # type: ignore[attr-defined]
        )
    if filters.institution:
        institution = find_institution(session, filters.institution)
        query = query.where(Commitment.institution_id == institution.id)
    if filters.territory_ids is not None:
        query = query.where(Commitment.territory_id.in_(sorted(filters.territory_ids)))  # type: ignore[attr-defined]
    if filters.region_id is not None:
        query = query.where(Commitment.region_id == filters.region_id)
    if filters.institution_id is not None:
        query = query.where(Commitment.institution_id == filters.institution_id)
    if filters.commitment_ids is not None:
        query = query.where(Commitment.id.in_(sorted(filters.commitment_ids)))  # type: ignore[attr-defined]
    for word in (filters.text or "").split()[:8]:
        escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        pattern = f"%{escaped}%"
        query = query.where(
            or_(
                Commitment.text.ilike(pattern, escape="\\"),  # type: ignore[attr-defined]
                Institution.name.ilike(pattern, escape="\\"),  # type: ignore[attr-defined]
            )
        )
    if filters.status:
        query = query.where(_status_condition(session, parse_status(filters.status), day, source))
    return query


def _checked(day: date) -> None:
    try:
        check_range(day)
    except DateError as exc:
        raise InvalidChange(f"{str(exc).capitalize()}.") from None


def list_commitments(
    session: Session,
    filters: Filters,
    day: date,
    *,
    limit: int | None = None,
    offset: int = 0,
) -> list[CommitmentView]:
    """Commitments that existed on ``day`` matching ``filters``, each with
    its state on ``day``, ordered by effective due date (a page of them
    with ``limit``)."""
    _checked(day)
    source = state_source(session, day)
    query = _where(session, _base_query(day, source), filters, day, source)
    query = query.order_by(source.due_date, Commitment.id).offset(offset)  # type: ignore[arg-type]
    if limit is not None:
        query = query.limit(limit)
    rows = session.execute(query).all()
    evidence = evidence_for(session, [row[0].id for row in rows], day)
    places = commitment_places(session, {row[0].id: row[0].amount for row in rows})
    return [
        _view(
            *row[:6],
            row[6] if len(row) > 6 else None,
            day,
            evidence.get(row[0].id, ()),
            places.get(row[0].id, ()),
        )
        for row in rows
    ]


def get_commitment(
    session: Session, commitment_id: int, day: date
) -> tuple[CommitmentView, list[EventView]]:
    """One commitment as it stood on ``day`` and its history up to that day
    (every entry dated on or before it), in recorded order."""
    _checked(day)
    row = session.execute(
        _base_query(day, CommitmentState).where(Commitment.id == commitment_id)
    ).first()
    if row is None:
        held_on = session.scalar(
            select(Acta.held_on)
            .join(Commitment, Commitment.acta_id == Acta.id)
            .where(Commitment.id == commitment_id)
        )
        if held_on is None:
            raise NotFound(f"No existe el compromiso N° {commitment_id}.")
        raise InvalidChange(
            f"El compromiso N° {commitment_id} nace en un acta del {format_long(held_on)}; "
            f"el {format_long(day)} aún no existía."
        )
    events = session.scalars(
        select(CommitmentEvent)
        .where(CommitmentEvent.commitment_id == commitment_id, CommitmentEvent.effective_on <= day)
        .order_by(CommitmentEvent.position)  # type: ignore[arg-type]
    )
    history = [
        EventView(
            recorded_at=event.recorded_at,
            effective_on=event.effective_on,
            actor=event.actor,
            field=event.field,
            old_value=event.old_value,
            new_value=event.new_value,
            reason=event.reason,
            position=event.position,
            rectifies=event.rectifies,
            hash=event.hash,
        )
        for event in events
    ]
    evidence = evidence_for(session, [commitment_id], day).get(commitment_id, ())
    places = commitment_places(session, {commitment_id: row[0].amount}).get(commitment_id, ())
    return _view(*row, day, evidence, places), history


__all__ = ["CommitmentView", "EventView", "Filters", "get_commitment", "list_commitments"]
