"""A calendar feed as RFC 5545 text: one all-day event per commitment on its
effective due date, stable across changes (one UID per commitment, SEQUENCE
raised with each new due date or cancellation, DTSTAMP the instant its
history was last written), so a subscriber's calendar moves the event
instead of adding another. A pure function of its arguments: the same
record gives the same bytes."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from datetime import date, timedelta
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event, Timezone

from models.commitments import STATUS_LABELS, Status
from models.dates import format_long
from models.money import format_clp
from tracking.feeds import FeedHistory
from tracking.queries import CommitmentView

PRODID = "-//cumple//Seguimiento de Compromisos//ES"
PREFIXES = {Status.CUMPLIDO: "Cumplido", Status.CANCELADO: "Cancelado"}


@functools.lru_cache(maxsize=16)
def _timezone(tzid: str, first_year: int, last_year: int) -> Timezone:
    # Building a VTIMEZONE walks the zone's transitions: done once per range.
    zone = Timezone.from_tzinfo(
        ZoneInfo(tzid), tzid, date(first_year, 1, 1), date(last_year + 1, 1, 1)
    )
    zone.pop("COMMENT", None)  # icalendar's English note on the range, not for readers
    return zone


def event_uid(commitment_id: int, base_url: str) -> str:
    """``compromiso-<id>@<host of base_url>``: the same for the
    commitment's whole life, whatever its due date."""
    return f"compromiso-{commitment_id}@{urlsplit(base_url).hostname or 'cumple'}"


def _description(view: CommitmentView, link: str) -> str:
    lines = [
        view.compromiso,
        "",
        f"Estado: {STATUS_LABELS[view.estado]}",
        f"Institución: {view.institucion}",
        f"Responsable: {view.responsable or view.responsable_email}",
        f"Territorio: {view.territorio} ({view.region})",
        f"Monto comprometido: {format_clp(view.monto)}",
        f"Monto ejecutado: {format_clp(view.monto_ejecutado)}",
        f"Vencimiento: {format_long(view.vencimiento)}",
    ]
    if view.plazo != view.vencimiento:
        lines.append(f"Plazo acordado: {format_long(view.plazo)} (día inhábil)")
    lines.append(
        f"Acta: {view.acta_instancia} N° {view.acta_numero}, {format_long(view.acta_fecha)}"
    )
    lines.append(f"Ver el compromiso: {link}")
    return "\n".join(lines)


def _event(view: CommitmentView, history: FeedHistory, base_url: str) -> Event:
    link = f"{base_url.rstrip('/')}/compromisos/{view.id}"
    event = Event()
    event.add("uid", event_uid(view.id, base_url))
    event.add("dtstamp", history.changed_at)
    event.add("last-modified", history.changed_at)
    event.add("sequence", history.sequence)
    event.add("dtstart", view.vencimiento)
    event.add("dtend", view.vencimiento + timedelta(days=1))
    event.add("summary", f"{PREFIXES.get(view.estado, 'Vence')}: {view.compromiso} "
                         f"({view.institucion})")  # fmt: skip
    event.add("description", _description(view, link))
    event.add("url", link)
    event.add("status", "CANCELLED" if view.estado is Status.CANCELADO else "CONFIRMED")
    event.add("transp", "TRANSPARENT")
    event.add("x-cumple-estado", STATUS_LABELS[view.estado])
    return event


def feed_calendar(
    title: str,
    events: Sequence[tuple[CommitmentView, FeedHistory]],
    *,
    base_url: str,
    timezone: str,
    today: date,
) -> bytes:
    """The ``.ics`` of ``events`` (each commitment with its history), named
    ``title``, with a VTIMEZONE of ``timezone`` covering the years of its
    due dates and of ``today`` (the zone a client shows the dates in)."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("name", title)
    calendar.add("x-wr-calname", title)
    calendar.add("x-wr-timezone", timezone)
    calendar.add("x-published-ttl", timedelta(hours=6))
    years = [today.year, *(view.vencimiento.year for view, _ in events)]
    calendar.add_component(_timezone(timezone, min(years), max(years)))
    for view, history in sorted(events, key=lambda item: item[0].id):
        calendar.add_component(_event(view, history, base_url))
    return calendar.to_ical()
