"""Period figures of one región: a pure function of the commitments' facts,
the period and the región's business calendar. Membership in a period
follows business dates (acta date, fulfilment date, date a due date was
agreed, date an amount was executed), never the time a row was typed in."""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from models.calendar import BusinessCalendar
from models.commitments import STATUS_LABELS, Status, status_on
from reports.periods import Period

Agreement = tuple[date, int, date, date, str | None]
"""``(agreed_on, order, plazo, due_date, reason)``: one due-date agreement."""
Execution = tuple[date, int, int]
"""``(effective_on, order, executed_amount)``: one recorded executed amount."""


@dataclass(frozen=True, slots=True)
class CommitmentFact:
    """What is known about a commitment, with the history of its due dates
    and executed amounts."""

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
    status: str
    fulfilled_on: date | None
    cancelled_on: date | None
    agreements: tuple[Agreement, ...]
    executions: tuple[Execution, ...] = ()


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
    plazo: date
    vencimiento: date
    estado: str
    cumplido_el: date | None
    dias_atraso: int | None
    nuevo_en_periodo: bool
    productos: str | None
    beneficiarios: int | None


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
    open: int = 0
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

    def territories(self) -> list[Group]:
        return sorted(self.by_territory.values(), key=lambda g: g.name)

    def institutions(self) -> list[Group]:
        return sorted(self.by_institution.values(), key=lambda g: (-g.committed, g.name))


def _in_force(agreements: tuple[Agreement, ...], day: date) -> Agreement:
    ordered = sorted(agreements)
    current = [a for a in ordered if a[0] <= day]
    return current[-1] if current else ordered[0]


def _executed_at(executions: tuple[Execution, ...], day: date) -> int:
    done = sorted(e for e in executions if e[0] <= day)
    return done[-1][2] if done else 0


def compute_figures(
    facts: Iterable[CommitmentFact], period: Period, calendar: BusinessCalendar
) -> PeriodFigures:
    """Every figure of the package. ``facts`` may be a stream; commitments
    whose acta is after the period's end are not part of it."""
    figures = PeriodFigures(period)
    end = period.end
    for fact in facts:
        if fact.acta_date > end:
            continue
        _, _, plazo, due, _ = _in_force(fact.agreements, end)
        status = status_on(
            stored=fact.status,
            due_date=due,
            fulfilled_on=fact.fulfilled_on,
            cancelled_on=fact.cancelled_on,
            day=end,
            calendar=calendar,
        )
        late = calendar.between(due, end) if status is Status.VENCIDO else None
        executed = _executed_at(fact.executions, end)
        is_new = period.contains(fact.acta_date)
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
            monto_ejecutado=executed,
            plazo=plazo,
            vencimiento=due,
            estado=status.value,
            cumplido_el=fact.fulfilled_on if status is Status.CUMPLIDO else None,
            dias_atraso=late,
            nuevo_en_periodo=is_new,
            productos=fact.products,
            beneficiarios=fact.beneficiaries,
        )
        figures.records.append(record)
        groups = (
            figures.total,
            figures.by_territory.setdefault(fact.territory, Group(fact.territory)),
            figures.by_institution.setdefault(fact.institution, Group(fact.institution)),
        )
        fulfilment = None
        if status is Status.CUMPLIDO and fact.fulfilled_on and period.contains(fact.fulfilled_on):
            due_then = _in_force(fact.agreements, fact.fulfilled_on)[3]
            days = max(calendar.between(due_then, fact.fulfilled_on), 0)
            fulfilment = Fulfilment(
                fact.id, fact.institution, fact.text, due_then, fact.fulfilled_on, days == 0, days
            )
            figures.fulfilled.append(fulfilment)
        for group in groups:
            group.commitments += 1
            group.committed += fact.amount or 0
            group.executed += executed
            group.new += is_new
            group.overdue += status is Status.VENCIDO
            group.open += status in (Status.PENDIENTE, Status.POR_VENCER, Status.VENCIDO)
            group.by_status[status.value] = group.by_status.get(status.value, 0) + 1
            if fulfilment is not None:
                group.fulfilled_on_time += fulfilment.a_tiempo
                group.fulfilled_late += not fulfilment.a_tiempo
        if status is Status.VENCIDO and late is not None:
            figures.overdue.append(
                Overdue(
                    fact.id, fact.territory, fact.institution, fact.text, fact.amount, due, late
                )
            )
        if is_new:
            figures.new.append(record)
        ordered = sorted(fact.agreements)
        for previous, agreement in itertools.pairwise(ordered):
            if period.contains(agreement[0]):
                figures.due_changes.append(
                    DueChange(
                        fact.id,
                        fact.institution,
                        fact.text,
                        previous[2],
                        agreement[2],
                        agreement[0],
                        agreement[4],
                    )
                )
    figures.records.sort(key=lambda r: r.id)
    figures.overdue.sort(key=lambda o: (-o.dias_atraso, o.id))
    figures.fulfilled.sort(key=lambda f: (f.cumplido_el, f.id))
    figures.due_changes.sort(key=lambda c: (c.acordado_el, c.id))
    return figures


def status_label(value: str) -> str:
    return STATUS_LABELS.get(value, value)
