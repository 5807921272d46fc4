"""Recorded changes to a commitment. What may change, and which history
entries a change produces, is decided by pure functions of the
commitment's current state (:func:`plan_change` for gerentes and admins,
:func:`plan_report` for a responsable's link); the database part
(:mod:`tracking.record`) locks the row, appends the entries to the chain and
replays the state.

The rules: a fact date is neither before the acta nor after today, and
never before the latest fact of the same field (so that the state replayed
by business dates is the state recorded); closed (fulfilled or cancelled)
is closed until reopened with a reason; a reported fulfilment waits as
``informado`` for the gerente's verification; an executed amount above the
committed one needs a reason, and one far above it is refused; a fact dated
inside a period whose package was already sent is a rectification and needs
a reason."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date

from sqlmodel import Session

from models.calendar import BusinessCalendar
from models.dates import DateError, check_range, format_long
from models.history import Fact, State, StoredStatus, apply_fact
from models.money import format_clp
from models.timestamps import utc_now
from tracking.errors import Closed, InvalidChange
from tracking.record import Entry, Loaded, load, record

SETTABLE = (StoredStatus.PENDIENTE, StoredStatus.CUMPLIDO, StoredStatus.CANCELADO)
OVER_EXECUTION_FACTOR = 100
"""An executed amount above this many times the committed one is refused."""
NO_AMOUNT_CEILING = 1_000_000_000_000
"""The largest executed amount accepted when nothing was committed."""
FIELD_WORDS = {"status": "estado", "executed_amount": "monto ejecutado", "plazo": "plazo"}


@dataclass(frozen=True)
class Change:
    """What a gerente or admin asks to change. ``on`` is the business date
    of the fact (fulfilled, paid, agreed); ``None`` means today."""

    status: str | None = None
    executed_amount: int | None = None
    due_date: date | None = None
    reason: str | None = None
    note: str | None = None
    on: date | None = None


@dataclass(frozen=True)
class Report:
    """What a responsable reports through a reminder's link."""

    fulfilled: bool = False
    executed_amount: int | None = None
    note: str | None = None
    on: date | None = None
    evidence: int = 0
    """How many pieces of evidence come with the report (files and references)."""


@dataclass(frozen=True)
class Plan:
    """The history entries to store and the state they lead to."""

    effective_on: date
    entries: list[Entry]
    state: State
    notes: list[str] = field(default_factory=list)

    @property
    def status(self) -> str:
        return self.state.status

    @property
    def fulfilled_on(self) -> date | None:
        return self.state.fulfilled_on

    @property
    def executed_amount(self) -> int:
        return self.state.executed_amount

    @property
    def plazo(self) -> date:
        return self.state.plazo

    @property
    def due_date(self) -> date:
        return self.state.due_date


@dataclass(frozen=True)
class Rules:
    """What the rules need besides the state: the acta's date and amount,
    the región's calendar, the latest date recorded per field and the sent
    periods (``closed(day)`` gives the key of a sent period containing it)."""

    acta_date: date
    amount: int | None
    calendar: BusinessCalendar
    latest: Mapping[str, date] = field(default_factory=dict)
    closed: Callable[[date], str | None] = lambda day: None


def _clean(text: str | None) -> str | None:
    if text is None:
        return None
    cleaned = " ".join(text.split())
    return cleaned or None


def _fact_date(on: date | None, today: date, rules: Rules) -> date:
    try:
        if on is not None:
            check_range(on)
    except DateError as exc:
        raise InvalidChange(f"{str(exc).capitalize()}.") from None
    day = on or today
    if day > today:
        raise InvalidChange(
            f"La fecha del hecho ({format_long(day)}) es posterior a hoy ({format_long(today)}); "
            "registre los hechos cuando ocurran."
        )
    if day < rules.acta_date:
        raise InvalidChange(
            f"La fecha del hecho ({format_long(day)}) es anterior al acta "
            f"({format_long(rules.acta_date)})."
        )
    return day


def _in_order(field_name: str, day: date, rules: Rules) -> None:
    latest = rules.latest.get(field_name)
    if latest is not None and day < latest:
        raise InvalidChange(
            f"El último cambio de {FIELD_WORDS[field_name]} tiene fecha {format_long(latest)}; "
            f"un nuevo cambio debe tener esa fecha o una posterior (--on)."
        )


def check_executed(amount: int, committed: int | None, reason: str | None) -> None:
    """Refuse a negative or implausible executed amount; ask for a reason
    when it is above the committed amount (it is then flagged as
    sobre-ejecución)."""
    if amount < 0:
        raise InvalidChange("El monto ejecutado no puede ser negativo.")
    ceiling = committed * OVER_EXECUTION_FACTOR if committed else NO_AMOUNT_CEILING
    if amount > ceiling:
        limit = (
            f"{OVER_EXECUTION_FACTOR} veces el monto comprometido ({format_clp(committed)})"
            if committed
            else f"{format_clp(NO_AMOUNT_CEILING)} sin monto comprometido"
        )
        raise InvalidChange(
            f"El monto ejecutado {format_clp(amount)} supera {limit}; revise la cifra."
        )
    if committed is not None and amount > committed and reason is None:
        raise InvalidChange(
            f"El monto ejecutado {format_clp(amount)} supera el comprometido "
            f"({format_clp(committed)}): indique el motivo de la sobre-ejecución (--reason)."
        )


def _closed_message(state: State) -> str:
    if state.status == StoredStatus.CUMPLIDO:
        since = (
            f"cumplido desde el {format_long(state.fulfilled_on)}"
            if state.fulfilled_on
            else ("cumplido")
        )
    else:
        since = (
            f"cancelado desde el {format_long(state.cancelled_on)}"
            if state.cancelled_on
            else "cancelado"
        )
    return (
        f"El compromiso está {since} y un compromiso cerrado no cambia. Si hay que "
        "corregirlo, reábralo indicando el motivo («cumple commitments reopen»)."
    )


def _finish(
    state: State, day: date, entries: list[Entry], rules: Rules, reason: str | None
) -> Plan:
    """Mark rectifications and compute the resulting state."""
    period = rules.closed(day)
    changes_figures = any(e.field in ("status", "executed_amount", "plazo") for e in entries)
    if period is not None and changes_figures:
        if reason is None:
            raise InvalidChange(
                f"La fecha {format_long(day)} cae en el periodo {period}, cuyo paquete ya se "
                "envió al Gobierno Regional: el cambio es una rectificación y requiere un "
                "motivo (--reason)."
            )
        entries = [
            Entry(e.field, e.old, e.new, e.reason or reason, e.effective_on, period)
            if e.field in ("status", "executed_amount", "plazo")
            else e
            for e in entries
        ]
    result = state
    for position, entry in enumerate(entries):
        result = apply_fact(
            result, Fact(entry.effective_on, position, entry.field, entry.new, ""), rules.calendar
        )
    return Plan(day, entries, result)


def plan_change(state: State, change: Change, today: date, rules: Rules) -> Plan:
    """Validate a gerente's or admin's ``change`` and return what to store.
    Raises :class:`InvalidChange` with a Spanish message."""
    reason = _clean(change.reason)
    note = _clean(change.note)
    wants_state = (
        change.status is not None
        or change.executed_amount is not None
        or change.due_date is not None
    )
    if reason is not None and not wants_state:
        raise InvalidChange(
            "--reason explica un cambio de --status, de --due-date o de --executed-amount; "
            "indique cuál."
        )
    if not wants_state and note is None:
        raise InvalidChange(
            "Indique al menos un cambio: --status, --executed-amount, --due-date o --note."
        )
    day = _fact_date(change.on, today, rules)
    if wants_state and state.status in (StoredStatus.CUMPLIDO, StoredStatus.CANCELADO):
        raise Closed(_closed_message(state))
    entries: list[Entry] = []
    if change.status is not None:
        entries.extend(_status_entries(state, change.status, reason, day, rules))
    if change.executed_amount is not None:
        check_executed(change.executed_amount, rules.amount, reason)
        if change.executed_amount != state.executed_amount:
            _in_order("executed_amount", day, rules)
            over = rules.amount is not None and change.executed_amount > rules.amount
            entries.append(
                Entry("executed_amount", str(state.executed_amount), str(change.executed_amount),
                      reason if over else None, day)
            )  # fmt: skip
    if change.due_date is not None:
        entries.extend(_due_date_entries(state, change.due_date, reason, day, rules))
    if note is not None:
        entries.append(Entry("note", None, note, None, day))
    if not entries:
        raise InvalidChange("Nada cambió: el compromiso ya tiene esos valores.")
    return _finish(state, day, entries, rules, reason)


def _status_entries(
    state: State, text: str, reason: str | None, day: date, rules: Rules
) -> list[Entry]:
    wanted = text.strip().lower()
    if wanted == StoredStatus.INFORMADO:
        raise InvalidChange(
            "El estado «informado» lo registra el responsable al informar el cumplimiento con "
            "su enlace; para dar por cumplido use cumplido (queda verificado)."
        )
    if wanted not in SETTABLE:
        if wanted in {"por_vencer", "vencido"}:
            raise InvalidChange(
                f"El estado «{wanted}» se calcula con el plazo; use pendiente, cumplido o "
                "cancelado."
            )
        raise InvalidChange(f"El estado «{text}» no existe; use pendiente, cumplido o cancelado.")
    if wanted == state.status:
        return []
    if wanted == StoredStatus.PENDIENTE and reason is None:
        raise InvalidChange(
            "Para devolver un informe de cumplimiento indique el motivo (--reason); el "
            "responsable lo verá en su próximo resumen."
        )
    _in_order("status", day, rules)
    return [Entry("status", state.status, wanted, reason, day)]


def _due_date_entries(
    state: State, due_date: date, reason: str | None, day: date, rules: Rules
) -> list[Entry]:
    try:
        check_range(due_date)
    except DateError as exc:
        raise InvalidChange(f"{str(exc).capitalize()}.") from None
    if reason is None:
        raise InvalidChange("Para cambiar el plazo indique el motivo con --reason.")
    if due_date < rules.acta_date:
        raise InvalidChange(
            f"El nuevo plazo ({format_long(due_date)}) es anterior al acta "
            f"({format_long(rules.acta_date)})."
        )
    latest = rules.latest.get("plazo", rules.acta_date)
    if day < latest:
        raise InvalidChange(
            f"El plazo vigente se acordó el {format_long(latest)}; un nuevo plazo debe "
            "acordarse en esa fecha o después (--on)."
        )
    if due_date == state.plazo:
        return []
    return [Entry("plazo", state.plazo.isoformat(), due_date.isoformat(), reason, day)]


def plan_report(state: State, report: Report, today: date, rules: Rules) -> Plan:
    """Validate what a responsable reports through a link. A fulfilment
    puts the commitment in ``informado`` until the gerente verifies it;
    evidence alone is always welcome while the commitment is open."""
    note = _clean(report.note)
    if state.status in (StoredStatus.CUMPLIDO, StoredStatus.CANCELADO):
        word = "cumplido" if state.status == StoredStatus.CUMPLIDO else "cancelado"
        raise Closed(
            f"Este compromiso ya está {word} y no admite cambios por este enlace. Si hay un "
            "error, escriba a su gerente territorial."
        )
    changes = report.fulfilled or report.executed_amount is not None or note is not None
    if state.status == StoredStatus.INFORMADO and changes:
        raise Closed(
            f"Su informe de cumplimiento del {format_long(state.reported_on)} espera la "
            "verificación de la gerencia; mientras tanto solo puede agregar evidencia."
        )
    if not changes and not report.evidence:
        raise InvalidChange(
            "Indique un avance: marque el cumplimiento, escriba el monto ejecutado, un "
            "comentario o adjunte evidencia."
        )
    if report.fulfilled and not report.evidence:
        raise InvalidChange(
            "Para informar el cumplimiento adjunte al menos un medio de verificación: un "
            "archivo (PDF, imagen, planilla o documento) o una referencia (N° de resolución, "
            "orden de compra, código BIP)."
        )
    day = _fact_date(report.on, today, rules)
    entries: list[Entry] = []
    if report.fulfilled:
        returned = rules.latest.get("status")
        if returned is not None and day < returned:
            raise InvalidChange(
                f"La gerencia cambió el estado de este compromiso el {format_long(returned)} "
                "(lo devolvió o lo reabrió): informe el cumplimiento con esa fecha o una "
                "posterior, cuando esté completo."
            )
        entries.append(Entry("status", state.status, StoredStatus.INFORMADO, None, day))
    if report.executed_amount is not None:
        check_executed(report.executed_amount, rules.amount, note)
        if report.executed_amount != state.executed_amount:
            _in_order("executed_amount", day, rules)
            over = rules.amount is not None and report.executed_amount > rules.amount
            entries.append(
                Entry("executed_amount", str(state.executed_amount), str(report.executed_amount),
                      note if over else None, day)
            )  # fmt: skip
    if note is not None:
        entries.append(Entry("note", None, note, None, day))
    return _finish(state, day, entries, rules, note)


def plan_decision(
    state: State, decision: str, reason: str | None, today: date, calendar: BusinessCalendar
) -> Plan:
    """A gerente's or admin's decision, dated today: ``verify`` (informado →
    cumplido), ``return`` (informado → pendiente) or ``reopen`` (cumplido or
    cancelado → pendiente); the last two need a reason."""
    reason = _clean(reason)
    if decision == "verify":
        if state.status != StoredStatus.INFORMADO:
            raise InvalidChange(
                "Solo se verifica un compromiso informado (el responsable informó su "
                f"cumplimiento); este está {state.status}."
            )
        entry = Entry("status", state.status, StoredStatus.CUMPLIDO, reason, today)
    elif decision == "return":
        if state.status != StoredStatus.INFORMADO:
            raise InvalidChange(
                f"Solo se devuelve un compromiso informado; este está {state.status}."
            )
        if reason is None:
            raise InvalidChange(
                "Indique el motivo de la devolución (--reason): el responsable lo verá en su "
                "próximo resumen y en su enlace."
            )
        entry = Entry("status", state.status, StoredStatus.PENDIENTE, reason, today)
    elif decision == "reopen":
        if state.status not in (StoredStatus.CUMPLIDO, StoredStatus.CANCELADO):
            raise InvalidChange(
                f"Solo se reabre un compromiso cumplido o cancelado; este está {state.status}."
            )
        if reason is None:
            raise InvalidChange("Indique el motivo de la reapertura (--reason).")
        entry = Entry("status", state.status, StoredStatus.PENDIENTE, reason, today)
    else:
        raise ValueError(decision)
    result = apply_fact(state, Fact(today, 0, "status", entry.new, ""), calendar)
    return Plan(today, [entry], result)


def rules_for(loaded: Loaded) -> Rules:
    """The rules' inputs for a loaded commitment."""
    return Rules(
        acta_date=loaded.acta_date,
        amount=loaded.commitment.amount,
        calendar=loaded.calendar,
        latest=loaded.latest(),
        closed=loaded.closed_period,
    )


def apply_change(
    session: Session, commitment_id: int, change: Change, actor: str, today: date
) -> Plan:
    """Lock the commitment, validate ``change`` and record it. The caller
    commits."""
    loaded = load(session, commitment_id)
    plan = plan_change(loaded.state, change, today, rules_for(loaded))
    record(session, loaded, plan.entries, actor, utc_now())
    return plan


def decide(
    session: Session,
    commitment_id: int,
    decision: str,
    actor: str,
    today: date,
    reason: str | None = None,
) -> Plan:
    """Verify, return or reopen a commitment (see :func:`plan_decision`)."""
    loaded = load(session, commitment_id)
    plan = plan_decision(loaded.state, decision, reason, today, loaded.calendar)
    record(session, loaded, plan.entries, actor, utc_now())
    return plan
