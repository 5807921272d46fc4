"""Logs on standard error: short Spanish lines for a person at a terminal,
one JSON object per line for a collector (when standard error is not a
terminal, or when ``CUMPLE_LOG_FORMAT=json``). Every event is a short
Spanish phrase; its facts travel as fields (``extra=``), never inside the
phrase, so that a log collector can filter on them. The JSON keeps the
fields' names and values; the text line names them in Spanish."""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime
from typing import IO, Any

# Attributes every LogRecord has; anything else came in through ``extra``.
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {"message", "asctime"}


def record_fields(record: logging.LogRecord) -> dict[str, Any]:
    """The ``extra`` fields of a record."""
    return {key: value for key, value in vars(record).items() if key not in _STANDARD}


class JsonFormatter(logging.Formatter):
    """``{"ts", "level", "logger", "event", ...fields}`` on one line."""

    def format(self, record: logging.LogRecord) -> str:
        data: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "event": record.getMessage(),
            **record_fields(record),
        }
        if record.exc_info:
            data["error"] = self.formatException(record.exc_info)
        return json.dumps(data, ensure_ascii=False, default=str)


LEVELS = {
    "DEBUG": "detalle",
    "INFO": "aviso",
    "WARNING": "atención",
    "ERROR": "error",
    "CRITICAL": "crítico",
}
"""A record's level as the text line says it."""

FIELDS = {
    "day": "fecha",
    "orchestrator": "orquestador",
    "due": "por_recordar",
    "reminders": "recordatorios",
    "messages": "correos",
    "sent": "enviados",
    "retrying": "en_reintento",
    "failed": "fallidos",
    "packages": "paquetes",
    "package_failures": "paquetes_fallidos",
    "worker": "proceso",
    "outbox_id": "correo",
    "message_id": "id_mensaje",
    "attempt": "intento",
    "step": "paso",
    "region_id": "region",
    "period": "periodo",
}
"""The fields' names as the text line says them (JSON keeps the names)."""

VALUES = {"direct": "directo", "prefect": "Prefect"}


def _value(value: Any) -> Any:
    if isinstance(value, bool):
        return "sí" if value else "no"
    if value is None:
        return "—"
    return VALUES.get(value, value) if isinstance(value, str) else value


class TextFormatter(logging.Formatter):
    """``HH:MM:SS nivel evento (campo=valor, …)`` for a person at a terminal."""

    def format(self, record: logging.LogRecord) -> str:
        moment = datetime.fromtimestamp(record.created).strftime("%H:%M:%S")
        level = LEVELS.get(record.levelname, record.levelname.lower())
        fields = ", ".join(
            f"{FIELDS.get(key, key)}={_value(value)}"
            for key, value in record_fields(record).items()
        )
        line = f"{moment} {level} {record.getMessage()}" + (f" ({fields})" if fields else "")
        if record.exc_info:
            line += "\n" + self.formatException(record.exc_info)
        return line.rstrip()


def resolve_format(fmt: str, stream: IO[str]) -> str:
    """``json`` or ``text``: ``auto`` is text when ``stream`` is a terminal
    (a person reads it) and JSON otherwise (a collector, a file, a pipe)."""
    if fmt != "auto":
        return fmt
    try:
        return "text" if stream.isatty() else "json"
    except (AttributeError, ValueError):  # no isatty, or a closed stream
        return "json"


def configure_logging(
    fmt: str = "auto", level: str = "INFO", stream: IO[str] | None = None
) -> None:
    """Send the ``cumple`` loggers (and uvicorn's, APScheduler's) to
    ``stream`` (standard error by default) in ``fmt``: ``json``, ``text`` or
    ``auto`` (:func:`resolve_format`). Idempotent: calling it again replaces
    the handler."""
    target = stream or sys.stderr
    handler = logging.StreamHandler(target)
    chosen = resolve_format(fmt, target)
    handler.setFormatter(JsonFormatter() if chosen == "json" else TextFormatter())
    handler.set_name("cumple")
    for name in ("cumple", "apscheduler", "uvicorn", "uvicorn.error", "uvicorn.access"):
        logger = logging.getLogger(name)
        for old in [h for h in logger.handlers if h.get_name() == "cumple"]:
            logger.removeHandler(old)
        logger.addHandler(handler)
        logger.setLevel(level)
        logger.propagate = False
