"""How history entries read in Spanish, for every screen."""

from __future__ import annotations

from datetime import date

from models.commitments import STATUS_LABELS
from models.dates import format_long
from models.money import format_clp
from tracking.queries import EventView

FIELD_LABELS = {
    "created": "Registro",
    "status": "Estado",
    "executed_amount": "Monto ejecutado",
    "plazo": "Plazo",
    "note": "Nota",
}


def field_label(field: str) -> str:
    return FIELD_LABELS.get(field, field)


def event_value(event: EventView, value: str | None) -> str:
    """An old or new value as people read it: amounts, dates, statuses."""
    if value is None:
        return "—"
    if event.field == "executed_amount":
        return format_clp(int(value))
    if event.field == "plazo":
        return format_long(date.fromisoformat(value))
    if event.field == "created":
        return f"plazo {format_long(date.fromisoformat(value))}"
    if event.field == "status":
        return STATUS_LABELS.get(value, value)
    return value
