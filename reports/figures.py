"""Period figures of one región: a pure function of the commitments' facts,
the period and the región's business calendar. Every state comes from the
one reconstruction of :mod:`models.history` (the intervals replayed from
each commitment's history), read at the period's end; membership in a
period follows business dates (acta date, date of verification, date a due
date was agreed), never the time a row was typed in.

A fulfilment counts in the period in which it was verified (so that a
report verified after the period it happened in is counted once, when it
becomes a fact); whether it was on time is judged by the fulfilment date
against the due date in force that day."""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

from models.calendar import BusinessCalendar, calendar_for
from models.commitments import STATUS_LABELS, Status, status_on
from models.history import Interval, State, state_on
from reports.periods import Period

Agreement = tuple[date, int, date, str | None]
"""``(agreed_on, order, plazo, reason)``: one due-date agreement (the
acta's first, with order 0)."""


@dataclass(frozen=True, slots=True)
class EvidenceRef:
    """A piece of evidence as the package lists it (no personal data)."""

    kind: str
    name: str
    sha256: str | None
    size: int | None
    reference: str | None
    added_on: date
    of_acta: bool = False

    def record(self) -> dict[str, object]:
        return {
            "tipo": self.kind,
            "nombre": self.reference if self.reference else self.name,
            "sha256": self.sha256,
            "bytes": self.size,
            "agregado_el": self.added_on.isoformat(),
            "del_acta": self.of_acta,
        }


@dataclass(frozen=True, slots=True)
class CommitmentFact:
    """What is known about a commitment: its acta data, its replayed
    states, its due-date agreements, its evidence and its chain head."""

    id: int
    territory: str
    institution: str
    institution_rut: str | None
    acta_date: date
    acta: str
    text: str
    programme: str | None
    source: str | None
    products: str | None
    beneficiaries: int | None
    amount: int | None
    intervals: tuple[Interval, ...]
    agreements: tuple[Agreement, ...] = ()
    evidence: tuple[EvidenceRef, ...] = ()
    chain: tuple[int, str] = (0, "")
    local_calendar: str = ""
    """The commitment's local holidays: its business days are those of
    ``calendar_for(región, local_calendar)``."""


def own_calendar(calendar: BusinessCalendar, local: str) -> BusinessCalendar:
    """The calendar of a commitment whose región's calendar is ``calendar``
    and whose local holidays are ``local``."""
    return calendar_for(calendar.subdivision, local) if local else calendar


VERIFICATION_WORDS = {
    "cumplido": "verificado",
    "informado": "por verificar",
}


@dataclass(frozen=True, slots=True)
class CommitmentRecord:
    """One commitment as it stood at the end of the period (the CSV/JSON row)."""

    id: int
    territorio: str
    programa: str | None
    institucion: str
    institucion_rut: str | None
    acta: str
    acta_fecha: date
    compromiso: str
    fuente: str | None
    monto: int | None
    monto_ejecutado: int
    sobre_ejecucion: bool
    plazo: date
    vencimiento: date
    estado: str
    informado_el: date | None
    cumplido_el: date | None
    verificacion: str
    verificado_el: date | None
    dias_atraso: int | None
    nuevo_en_periodo: bool
    productos: str | None
    beneficiarios: int | None
    evidencias: tuple[EvidenceRef, ...]
    historial_entradas: int
    historial_sha256: str


@dataclass
class Group:
    """Figures of a territorio or an institution."""

    name: str
    commitments: int = 0
    committed: int = 0
    executed: int = 0
    new: int = 0
    fulfilled_on_time: int = 0
    fulfilled_late: int = 0
    overdue: int = 0
    reported: int = 0
    open: int = 0
    over_executed: int = 0
    by_status: dict[str, int] = field(default_factory=dict)

    @property
    def rate(self) -> float | None:
        """Executed over committed, or ``None`` when nothing was committed."""
        return self.executed / self.committed if self.committed else None


@dataclass(frozen=True, slots=True)
class Fulfilment:
    id: int
    institucion: str
    compromiso: str
    vencimiento: date
    cumplido_el: date
    verificado_el: date
    a_tiempo: bool
    dias_atraso: int


@dataclass(frozen=True, slots=True)
class Overdue:
    id: int
    territorio: str
    institucion: str
    compromiso: str
    monto: int | None
    vencimiento: date
    dias_atraso: int


@dataclass(frozen=True, slots=True)
class DueChange:
    id: int
    institucion: str
    compromiso: str
    plazo_anterior: date
    plazo_nuevo: date
    acordado_el: date
    motivo: str | None


@dataclass(frozen=True, slots=True)
class Rectification:
    """A fact recorded after its period's package was sent."""

    commitment_id: int
    institution: str
    text: str
    period: str
    field: str
    old: str | None
    new: str | None
    reason: str | None
    actor: str
    fact_on: date
    recorded_at: datetime


@dataclass
class PeriodFigures:
    period: Period
    records: list[CommitmentRecord] = field(default_factory=list)
    total: Group = field(default_factory=lambda: Group("Total"))
    by_territory: dict[str, Group] = field(default_factory=dict)
    by_institution: dict[str, Group] = field(default_factory=dict)
    fulfilled: list[Fulfilment] = field(default_factory=list)
    overdue: list[Overdue] = field(default_factory=list)
    new: list[CommitmentRecord] = field(default_factory=list)
    due_changes: list[DueChange] = field(default_factory=list)
    rectifications: list[Rectification] = field(default_factory=list)
    preliminary: bool = False

    def territories(self) -> list[Group]:
        return sorted(self.by_territory.values(), key=lambda g: g.name)

    def institutions(self) -> list[Group]:
        return sorted(self.by_institution.values(), key=lambda g: (-g.committed, g.name))


def compute_figures(
    facts: Iterable[CommitmentFact],
    period: Period,
    calendar: BusinessCalendar,
    rectifications: Iterable[Rectification] = (),
) -> PeriodFigures:
    """Every figure of the package. ``facts`` may be a stream; commitments
    whose acta is after the period's end are not part of it. ``calendar``
    is the región's; each commitment's status and days late are counted in
    its own place's calendar (:func:`own_calendar`)."""
    region_calendar = calendar
    figures = PeriodFigures(period, rectifications=list(rectifications))
    end = period.end
    for fact in facts:
        if fact.acta_date > end:
            continue
        state = state_on(fact.intervals, end)
        assert state is not None  # an acta on or before the end has a state
        calendar = own_calendar(region_calendar, fact.local_calendar)
        status = status_on(
            stored=state.status,
            due_date=state.due_date,
            fulfilled_on=state.fulfilled_on,
            cancelled_on=state.cancelled_on,
            day=end,
            calendar=calendar,
        )
        late = calendar.between(state.due_date, end) if status is Status.VENCIDO else None
        is_new = period.contains(fact.acta_date)
        over = fact.amount is not None and state.executed_amount > fact.amount
        record = CommitmentRecord(
            id=fact.id,
            territorio=fact.territory,
            programa=fact.programme,
            institucion=fact.institution,
            institucion_rut=fact.institution_rut,
            acta=fact.acta,
            acta_fecha=fact.acta_date,
            compromiso=fact.text,
            fuente=fact.source,
            monto=fact.amount,
            monto_ejecutado=state.executed_amount,
            sobre_ejecucion=over,
            plazo=state.plazo,
            vencimiento=state.due_date,
            estado=status.value,
            informado_el=state.reported_on,
            cumplido_el=state.fulfilled_on,
            verificacion=VERIFICATION_WORDS.get(status.value, "sin informe"),
            verificado_el=state.verified_on,
            dias_atraso=late,
            nuevo_en_periodo=is_new,
            productos=fact.products,
            beneficiarios=fact.beneficiaries,
            evidencias=fact.evidence,
            historial_entradas=fact.chain[0],
            historial_sha256=fact.chain[1],
        )
        figures.records.append(record)
        groups = (
            figures.total,
            figures.by_territory.setdefault(fact.territory, Group(fact.territory)),
            figures.by_institution.setdefault(fact.institution, Group(fact.institution)),
        )
        fulfilment = _fulfilment(fact, state, period, calendar)
        if fulfilment is not None:
            figures.fulfilled.append(fulfilment)
        for group in groups:
            group.commitments += 1
            group.committed += fact.amount or 0
            group.executed += state.executed_amount
            group.new += is_new
            group.overdue += status is Status.VENCIDO
            group.reported += status is Status.INFORMADO
            group.over_executed += over
            group.open += status in (
                Status.PENDIENTE, Status.POR_VENCER, Status.VENCIDO, Status.INFORMADO
            )  # fmt: skip
            group.by_status[status.value] = group.by_status.get(status.value, 0) + 1
            if fulfilment is not None:
                group.fulfilled_on_time += fulfilment.a_tiempo
                group.fulfilled_late += not fulfilment.a_tiempo
        if late is not None:
            figures.overdue.append(
                Overdue(
                    fact.id, fact.territory, fact.institution, fact.text, fact.amount,
                    state.due_date, late,
                )
            )  # fmt: skip
        if is_new:
            figures.new.append(record)
        for previous, agreement in itertools.pairwise(fact.agreements):
            if period.contains(agreement[0]):
                figures.due_changes.append(
                    DueChange(
                        fact.id, fact.institution, fact.text, previous[2], agreement[2],
                        agreement[0], agreement[3],
                    )
                )  # fmt: skip
    figures.records.sort(key=lambda r: r.id)
    figures.overdue.sort(key=lambda o: (-o.dias_atraso, o.id))
    figures.fulfilled.sort(key=lambda f: (f.cumplido_el, f.id))
    figures.due_changes.sort(key=lambda c: (c.acordado_el, c.id))
    return figures


def _fulfilment(
    fact: CommitmentFact, state: State, period: Period, calendar: BusinessCalendar
) -> Fulfilment | None:
    """The fulfilment verified within the period, judged on time or late
    by the due date in force on the fulfilment date."""
    verified = state.verified_on
    if verified is None or not period.contains(verified):
        return None
    fulfilled = state.fulfilled_on
    assert fulfilled is not None, "a verified fulfilment has its date"
    then = state_on(fact.intervals, fulfilled) or state
    days = max(calendar.between(then.due_date, fulfilled), 0)
    return Fulfilment(
        fact.id, fact.institution, fact.text, then.due_date, fulfilled, verified, days == 0, days
    )


def status_label(value: str) -> str:
    return STATUS_LABELS.get(value, value)
