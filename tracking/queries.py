"""Reading commitments: filtered lists with the status on a date, and one
commitment with its whole history. The status filter runs in SQL, with each
región's own "due soon" horizon (its holidays differ)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import and_, case, false, func, or_, select
from sqlalchemy.sql import ColumnElement, Select
from sqlmodel import Session

from models.calendar import calendar_for
from models.commitments import (
    DUE_SOON_BUSINESS_DAYS,
    Acta,
    Commitment,
    CommitmentDeadline,
    CommitmentEvent,
    Deadline,
    Status,
    StoredStatus,
)
from models.dates import DateError, check_range
from models.geography import Region
from models.parties import Contact, Institution, Territory
from tracking.errors import InvalidChange, NotFound
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

    def record(self) -> dict[str, Any]:
        """JSON-ready: dates as ``YYYY-MM-DD``, amounts as integers."""
        out: dict[str, Any] = {}
        for name in self.__dataclass_fields__:
            value = getattr(self, name)
            out[name] = value.isoformat() if isinstance(value, date) else value
        out["estado"] = str(self.estado)
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

    def record(self) -> dict[str, Any]:
        return {
            "registrado": self.recorded_at.isoformat(),
            "fecha_efectiva": self.effective_on.isoformat(),
            "autor": self.actor,
            "campo": self.field,
            "anterior": self.old_value,
            "nuevo": self.new_value,
            "motivo": self.reason,
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


def _base_query() -> Select[Any]:
    return (
        select(Commitment, Acta, Region, Territory, Institution, Contact)
        .join(Acta, Acta.id == Commitment.acta_id)
        .join(Region, Region.id == Commitment.region_id)
        .join(Territory, Territory.id == Commitment.territory_id)
        .join(Institution, Institution.id == Commitment.institution_id)
        .join(Contact, Contact.id == Commitment.responsable_id)
    )


def _view(
    commitment: Commitment,
    acta: Acta,
    region: Region,
    territory: Territory,
    institution: Institution,
    responsable: Contact,
    day: date,
    deadlines: Sequence[Deadline] | None = None,
) -> CommitmentView:
    assert commitment.id is not None and acta.id is not None
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
        monto_ejecutado=commitment.executed_amount,
        fuente=commitment.source,
        plazo=commitment.plazo,
        plazo_original=commitment.original_plazo,
        plazo_texto=commitment.plazo_text,
        vencimiento=commitment.due_date,
        estado=commitment.status_on(day, calendar_for(region.iso_code), deadlines),
        cumplido_el=commitment.fulfilled_on,
        cancelado_el=commitment.cancelled_on,
    )


def _in_force_due_date(day: date) -> ColumnElement[date]:
    """SQL for the effective due date in force on ``day`` (mirrors
    :func:`models.commitments.due_date_on`)."""
    agreements = select(CommitmentDeadline.due_date).where(
        CommitmentDeadline.commitment_id == Commitment.id
    )
    in_force = (
        agreements.where(CommitmentDeadline.agreed_on <= day)
        .order_by(CommitmentDeadline.agreed_on.desc(), CommitmentDeadline.id.desc())  # type: ignore[union-attr]
        .limit(1)
        .scalar_subquery()
    )
    first = (
        agreements.order_by(CommitmentDeadline.agreed_on, CommitmentDeadline.id)
        .limit(1)
        .scalar_subquery()
    )
    return func.coalesce(in_force, first)


def _deadlines(session: Session, ids: list[int]) -> dict[int, list[Deadline]]:
    found: dict[int, list[Deadline]] = defaultdict(list)
    for start in range(0, len(ids), 500):
        query = select(
            CommitmentDeadline.commitment_id,
            CommitmentDeadline.agreed_on,
            CommitmentDeadline.id,
            CommitmentDeadline.due_date,
        ).where(CommitmentDeadline.commitment_id.in_(ids[start : start + 500]))  # type: ignore[attr-defined]
        for commitment_id, agreed_on, order, due in session.execute(query):
            found[commitment_id].append((agreed_on, order, due))
    return found


def _is_historical(session: Session, day: date) -> bool:
    """Whether some due date was agreed after ``day``: only then does the
    status on ``day`` need the history of agreements."""
    latest = session.scalar(select(func.max(CommitmentDeadline.agreed_on)))
    return latest is not None and day < latest


def _status_condition(
    session: Session, status: Status, day: date, due: ColumnElement[date]
) -> ColumnElement[bool]:
    """SQL for "status on ``day`` is ``status``", mirroring :func:`status_on`;
    ``due`` is the effective due date to judge by."""
    fulfilled = and_(Commitment.status == StoredStatus.CUMPLIDO, Commitment.fulfilled_on <= day)
    cancelled = and_(Commitment.status == StoredStatus.CANCELADO, Commitment.cancelled_on <= day)
    if status is Status.CUMPLIDO:
        return fulfilled
    if status is Status.CANCELADO:
        return cancelled
    is_open = and_(~fulfilled, ~cancelled)
    if status is Status.VENCIDO:
        return and_(is_open, due < day)
    horizons = [
        and_(
            Commitment.region_id == region_id,
            due <= calendar_for(iso_code).add(day, DUE_SOON_BUSINESS_DAYS),
        )
        for region_id, iso_code in session.execute(select(Region.id, Region.iso_code))
    ]
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
    session: Session, query: Select[Any], filters: Filters, day: date, due: ColumnElement[date]
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
        query = query.where(_status_condition(session, parse_status(filters.status), day, due))
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
    """Commitments matching ``filters``, each with its status on ``day``,
    ordered by effective due date (a page of them with ``limit``)."""
    _checked(day)
    historical = _is_historical(session, day)
    due = _in_force_due_date(day) if historical else Commitment.due_date
    query = _where(session, _base_query(), filters, day, due)
    query = query.order_by(Commitment.due_date, Commitment.id).offset(offset)
    if limit is not None:
        query = query.limit(limit)
    rows = session.execute(query).all()
    if not historical:
        return [_view(*row, day) for row in rows]
    deadlines = _deadlines(session, [row[0].id for row in rows])
    return [_view(*row, day, deadlines[row[0].id]) for row in rows]


@dataclass(frozen=True)
class TerritoryTotal:
    """Commitments of one territorio in one status on a date, with amounts."""

    territory_id: int
    territory: str
    region: str
    status: Status
    commitments: int
    committed: int
    executed: int


def status_totals(session: Session, filters: Filters, day: date) -> list[TerritoryTotal]:
    """Counts and amounts per territorio and status on ``day``, computed by
    the database (a dashboard over 100,000 commitments reads a few dozen
    rows), with the same rules as :func:`list_commitments`."""
    _checked(day)
    due = _in_force_due_date(day) if _is_historical(session, day) else Commitment.due_date
    # The branches are tried in order, so each can rely on the ones before
    # (open, not overdue); "por vencer" is one lookup of the región's
    # horizon instead of an OR over the 16 regiones.
    horizon = case(
        {
            region_id: calendar_for(iso_code).add(day, DUE_SOON_BUSINESS_DAYS)
            for region_id, iso_code in session.execute(select(Region.id, Region.iso_code))
        },
        value=Commitment.region_id,
    )
    status = case(
        (_status_condition(session, Status.CUMPLIDO, day, due), Status.CUMPLIDO.value),
        (_status_condition(session, Status.CANCELADO, day, due), Status.CANCELADO.value),
        (due < day, Status.VENCIDO.value),
        (due <= horizon, Status.POR_VENCER.value),
        else_=Status.PENDIENTE.value,
    ).label("estado")
    query = (
        select(
            Territory.id,
            Territory.name,
            Region.name,
            status,
            func.count(),
            func.coalesce(func.sum(Commitment.amount), 0),
            func.coalesce(func.sum(Commitment.executed_amount), 0),
        )
        .select_from(Commitment)
        .join(Territory, Territory.id == Commitment.territory_id)
        .join(Region, Region.id == Commitment.region_id)
        .join(Institution, Institution.id == Commitment.institution_id)
    )
    query = _where(session, query, filters, day, due).group_by(
        Territory.id, Territory.name, Region.name, status
    )
    return [
        TerritoryTotal(row[0], row[1], row[2], Status(row[3]), row[4], int(row[5]), int(row[6]))
        for row in session.execute(query)
    ]


def get_commitment(
    session: Session, commitment_id: int, day: date
) -> tuple[CommitmentView, list[EventView]]:
    """One commitment and its history, oldest first."""
    row = session.execute(_base_query().where(Commitment.id == commitment_id)).first()
    if row is None:
        raise NotFound(f"No existe el compromiso N° {commitment_id}.")
    events = session.scalars(
        select(CommitmentEvent)
        .where(CommitmentEvent.commitment_id == commitment_id)
        .order_by(CommitmentEvent.recorded_at, CommitmentEvent.id)
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
        )
        for event in events
    ]
    deadlines = _deadlines(session, [commitment_id])[commitment_id]
    return _view(*row, day, deadlines), history


__all__ = ["CommitmentView", "EventView", "Filters", "get_commitment", "list_commitments"]
