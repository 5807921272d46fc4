"""How history entries read in Spanish, for every screen."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from models.commitments import STATUS_LABELS
from models.dates import format_long
from models.money import format_bytes, format_clp
from tracking.queries import EventView

FIELD_LABELS = {
    "created": "Registro en el acta",
    "status": "Estado",
    "executed_amount": "Monto ejecutado",
    "plazo": "Plazo",
    "note": "Nota",
    "evidence": "Evidencia",
}
TRANSITIONS = {
    ("pendiente", "informado"): "Cumplimiento informado",
    ("informado", "cumplido"): "Verificación",
    ("informado", "pendiente"): "Devolución",
    ("cumplido", "pendiente"): "Reapertura",
    ("cancelado", "pendiente"): "Reapertura",
}


def field_label(field: str) -> str:
    return FIELD_LABELS.get(field, field)


def event_label(event: EventView) -> str:
    """What an entry records: the field, or the act for status changes."""
    if event.field == "status":
        return TRANSITIONS.get((event.old_value or "", event.new_value or ""), "Estado")
    return field_label(event.field)


def _json(value: str) -> dict[str, Any]:
    try:
        data = json.loads(value)
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def evidence_words(value: str) -> str:
    """``acta.pdf (12.345 bytes, sha256 9f86d081884c…)`` or ``referencia: …``."""
    data = _json(value)
    if data.get("tipo") == "referencia":
        return f"referencia: {data.get('referencia')}"
    size = data.get("bytes")
    shown = format_bytes(size if isinstance(size, int) else None)
    return f"{data.get('nombre')} ({shown}, sha256 {str(data.get('sha256'))[:12]}…)"


def event_value(event: EventView, value: str | None) -> str:
    """An old or new value as people read it: amounts, dates, statuses."""
    if value is None:
        return "—"
    if event.field == "executed_amount":
        return format_clp(int(value))
    if event.field == "plazo":
        return format_long(date.fromisoformat(value))
    if event.field == "created":
        data = _json(value)
        plazo = data.get("plazo") if data else value
        try:
            return f"plazo {format_long(date.fromisoformat(str(plazo)))}"
        except ValueError:
            return str(plazo)
    if event.field == "evidence":
        return evidence_words(value)
    if event.field == "status":
        return STATUS_LABELS.get(value, value)
    return value
