"""The *tabla* of a territory's next session, as a pure function of its
commitments on a date D and the last fact recorded for each.

What it lists (stated exactly, the tests hold it to this):

- **open on D**: every commitment whose status on D is ``pendiente``,
  ``por_vencer``, ``vencido`` or ``informado`` (a reported fulfilment is
  still open until the gerente verifies it);
- in three sections, in this order: *overdue* (effective due date before
  D, the most business days late first), *due by the next session* (due
  on or before the next session's date, by due date), and *the rest* (by
  due date); ties by commitment number;
- business days late are counted in the región's calendar, as the
  information package counts them (``between(due date, D)``);
- **fulfilled since the previous session**: commitments whose status on D
  is ``cumplido`` (verified) with a fulfilment date after the previous
  session and on or before D. The previous session is the territory's
  latest acta dated before D, or D − 30 days when there is none; the next
  one is given, or D + :data:`DEFAULT_INTERVAL_DAYS`.

Nothing here reads the database or the clock: :mod:`reports.agenda_load`
gathers the data, the renderers (:mod:`reports.agenda_docx`,
:mod:`reports.agenda_pdf`) print the result."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from typing import Any

from config.i18n import plural
from models.calendar import BusinessCalendar, calendar_for
from models.commitments import OPEN_STATUSES, STATUS_LABELS, Status, acta_label
from models.dates import format_long
from tracking.history import event_label, event_value
from tracking.queries import CommitmentView, EventView

DEFAULT_INTERVAL_DAYS = 30
"""Days between two sessions when the next one is not given (most
instancias meet monthly), and how far back the previous session is taken
when the territory has no earlier acta."""

FACT_LIMIT = 240
"""Characters of a recorded fact shown in the tabla (a long note is cut)."""


class Section(StrEnum):
    """The three parts of the open commitments, in the tabla's order."""

    OVERDUE = "vencidos"
    DUE_SOON = "antes_de_la_proxima_sesion"
    LATER = "otros_abiertos"


@dataclass(frozen=True)
class TerritoryRef:
    """The territory the tabla is for."""

    id: int
    name: str
    region: str
    region_iso: str
    region_official: str
    """``Región de Antofagasta``."""
    region_id: int


@dataclass(frozen=True)
class AgendaItem:
    """One open commitment in the tabla, with what the board needs to see."""

    view: CommitmentView
    section: Section
    acta: str
    dias_atraso: int
    ultimo_hecho: str
    ultimo_hecho_el: date | None

    def late_words(self) -> str:
        """``3 días hábiles`` for an overdue commitment, else a dash."""
        if self.section is not Section.OVERDUE:
            return "—"
        return plural(self.dias_atraso, "{n} día hábil", "{n} días hábiles")

    def record(self) -> dict[str, Any]:
        """The commitment's contract fields plus the tabla's own."""
        return {
            **self.view.record(),
            "seccion": str(self.section),
            "acta": self.acta,
            "dias_atraso": self.dias_atraso,
            "ultimo_hecho": self.ultimo_hecho,
            "ultimo_hecho_el": self.ultimo_hecho_el.isoformat() if self.ultimo_hecho_el else None,
        }


@dataclass(frozen=True)
class FulfilledItem:
    """A commitment verified as fulfilled since the previous session."""

    view: CommitmentView
    acta: str
    dias_atraso: int
    """Business days between the due date and the fulfilment (0: on time)."""

    def timing_words(self) -> str:
        """``a tiempo`` or ``3 días hábiles de atraso``."""
        if self.dias_atraso <= 0:
            return "a tiempo"
        return plural(self.dias_atraso, "{n} día hábil de atraso", "{n} días hábiles de atraso")

    def record(self) -> dict[str, Any]:
        return {
            **self.view.record(),
            "seccion": "cumplidos",
            "acta": self.acta,
            "dias_atraso": self.dias_atraso,
        }


@dataclass(frozen=True)
class Agenda:
    """The tabla of one territory's session on ``day``."""

    territory: TerritoryRef
    day: date
    previous_session: date
    previous_from_acta: bool
    """Whether ``previous_session`` is an acta's date (else D − 30 days)."""
    next_session: date
    items: tuple[AgendaItem, ...]
    fulfilled: tuple[FulfilledItem, ...]

    def section(self, section: Section) -> list[AgendaItem]:
        return [item for item in self.items if item.section is section]

    def section_title(self, section: Section) -> str:
        """The heading of a section, with its count."""
        count = len(self.section(section))
        if section is Section.OVERDUE:
            return plural(count, "Vencido ({n} compromiso)", "Vencidos ({n} compromisos)")
        if section is Section.DUE_SOON:
            return plural(
                count,
                "Vence antes de la próxima sesión, hasta el {fecha} ({n} compromiso)",
                "Vencen antes de la próxima sesión, hasta el {fecha} ({n} compromisos)",
            ).replace("{fecha}", format_long(self.next_session))
        return plural(count, "Otro compromiso abierto ({n})", "Otros compromisos abiertos ({n})")

    def sections(self) -> list[tuple[Section, str, list[AgendaItem]]]:
        """The non-empty sections in order, each with its title."""
        return [
            (section, self.section_title(section), self.section(section))
            for section in Section
            if self.section(section)
        ]

    def fulfilled_title(self) -> str:
        return plural(
            len(self.fulfilled),
            "Cumplido desde la sesión anterior ({n} compromiso)",
            "Cumplidos desde la sesión anterior ({n} compromisos)",
        )

    def since_words(self) -> str:
        """``desde el 15 de junio de 2026 (fecha del acta anterior)``."""
        why = (
            "fecha del acta anterior"
            if self.previous_from_acta
            else "30 días antes; no hay acta anterior"
        )
        return f"desde el {format_long(self.previous_session)} ({why})"

    def summary(self) -> str:
        """``5 compromisos abiertos (2 vencidos) y 1 cumplido desde la sesión anterior.``"""
        overdue = len(self.section(Section.OVERDUE))
        opened = plural(len(self.items), "{n} compromiso abierto", "{n} compromisos abiertos")
        late = plural(overdue, "{n} vencido", "{n} vencidos")
        done = plural(
            len(self.fulfilled),
            "{n} cumplido desde la sesión anterior",
            "{n} cumplidos desde la sesión anterior",
        )
        return f"{opened} ({late}) y {done}."

    def records(self) -> list[dict[str, Any]]:
        """Every entry as JSON-ready objects: the open ones in order, then
        the fulfilled ones."""
        return [item.record() for item in self.items] + [f.record() for f in self.fulfilled]


def previous_session(acta_dates: Iterable[date], day: date) -> tuple[date, bool]:
    """The latest acta date before ``day`` (and ``True``), or ``day`` − 30
    days (and ``False``) when there is none."""
    earlier = [held_on for held_on in acta_dates if held_on < day]
    if earlier:
        return max(earlier), True
    return day - timedelta(days=DEFAULT_INTERVAL_DAYS), False


def _entry_words(event: EventView) -> str:
    label = event_label(event)
    if event.field == "status" and label != "Estado":
        text = label  # "Cumplimiento informado", "Devolución": the act says it all
    else:
        text = f"{label}: {event_value(event, event.new_value)}"
    return text + (f" (motivo: {event.reason})" if event.reason else "")


def fact_words(change: Sequence[EventView]) -> str:
    """The last recorded change as the board reads it: ``2 de julio de
    2026: Monto ejecutado: $5.000.000; Nota: primera cuota``. The acta's
    own record (or nothing) says there is no progress yet."""
    shown = [event for event in change if event.field != "created"]
    if not shown:
        return "Sin avances registrados desde el acta."
    text = "; ".join(_entry_words(event) for event in shown)
    if len(text) > FACT_LIMIT:
        text = text[: FACT_LIMIT - 1].rstrip() + "…"
    return f"{format_long(shown[-1].effective_on)}: {text}"


def _label(view: CommitmentView) -> str:
    return acta_label(view.acta_tipo, view.acta_instancia, view.acta_numero, view.acta_fecha)


def _section(view: CommitmentView, day: date, next_session: date) -> Section:
    if view.vencimiento < day:
        return Section.OVERDUE
    if view.vencimiento <= next_session:
        return Section.DUE_SOON
    return Section.LATER


def build_agenda(
    territory: TerritoryRef,
    views: Sequence[CommitmentView],
    last_facts: Mapping[int, Sequence[EventView]],
    acta_dates: Iterable[date],
    *,
    day: date,
    calendar: BusinessCalendar,
    next_session: date | None = None,
) -> Agenda:
    """The tabla of ``territory``'s session on ``day``.

    ``views`` are the territory's commitments with their state on ``day``
    (any status; the others are ignored), ``last_facts`` the entries of the
    last change of each dated on or before ``day``, ``acta_dates`` the dates of
    the territory's actas and ``calendar`` its región's business days.
    ``next_session`` defaults to ``day`` + 30 days and must be after
    ``day`` (``ValueError`` otherwise)."""
    following = next_session or day + timedelta(days=DEFAULT_INTERVAL_DAYS)
    if following <= day:
        raise ValueError(
            f"la próxima sesión ({format_long(following)}) debe ser posterior al {format_long(day)}"
        )
    since, from_acta = previous_session(acta_dates, day)
    items: list[AgendaItem] = []
    fulfilled: list[FulfilledItem] = []
    region_calendar = calendar
    for view in views:
        # Days late count in the commitment's own place (its local holidays).
        calendar = calendar_for(region_calendar.subdivision, view.calendario_local)
        if view.estado in OPEN_STATUSES:
            section = _section(view, day, following)
            late = calendar.between(view.vencimiento, day) if section is Section.OVERDUE else 0
            change = [e for e in last_facts.get(view.id, ()) if e.field != "created"]
            items.append(
                AgendaItem(
                    view=view, section=section, acta=_label(view), dias_atraso=late,
                    ultimo_hecho=fact_words(change),
                    ultimo_hecho_el=change[-1].effective_on if change else None,
                )
            )  # fmt: skip
        elif (
            view.estado is Status.CUMPLIDO
            and view.cumplido_el is not None
            and since < view.cumplido_el <= day
        ):
            late = max(calendar.between(view.vencimiento, view.cumplido_el), 0)
            fulfilled.append(FulfilledItem(view=view, acta=_label(view), dias_atraso=late))
    order = list(Section)
    items.sort(
        key=lambda item: (
            order.index(item.section),
            -item.dias_atraso,
            item.view.vencimiento,
            item.view.id,
        )
    )
    fulfilled.sort(key=lambda item: (item.view.cumplido_el or day, item.view.id))
    return Agenda(
        territory=territory,
        day=day,
        previous_session=since,
        previous_from_acta=from_acta,
        next_session=following,
        items=tuple(items),
        fulfilled=tuple(fulfilled),
    )


def status_words(status: Status) -> str:
    """``Informado, por verificar``: a status as the documents print it."""
    return STATUS_LABELS.get(status, str(status))


__all__ = [
    "DEFAULT_INTERVAL_DAYS",
    "Agenda",
    "AgendaItem",
    "FulfilledItem",
    "Section",
    "TerritoryRef",
    "build_agenda",
    "fact_words",
    "previous_session",
    "status_words",
]
