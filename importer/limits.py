"""How much of a file the importer agrees to read (README, "Seguridad").

The limits come from the settings (``CUMPLE_IMPORT_MAX_*``); every refusal
names the limit and its setting, so the person who hits it knows what to
change: the file, or the installation's configuration."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from babel.numbers import format_decimal

from importer.errors import LimitExceeded

if TYPE_CHECKING:
    from config.settings import Settings

LOCALE = "es_CL"
MAX_RATIO = 200
"""Uncompressed/compressed size above which a zip member is a zip bomb.
Real sheets compress 5-30 times; deflate cannot exceed about 1,030."""
MIN_BOMB_BYTES = 1024 * 1024
"""Members smaller than this are never bombs, whatever their ratio."""


def number(value: int) -> str:
    """``1.048.576`` (es-CL thousands separators)."""
    return format_decimal(value, locale=LOCALE)


@dataclass(frozen=True)
class Limits:
    """The importer's limits; the defaults are the settings' defaults."""

    max_rows: int = 200_000
    max_columns: int = 100
    max_mb: int = 100
    max_line_kb: int = 64

    @classmethod
    def from_settings(cls, settings: Settings) -> Limits:
        """The limits configured in ``settings``."""
        return cls(
            max_rows=settings.import_max_rows,
            max_columns=settings.import_max_columns,
            max_mb=settings.import_max_mb,
            max_line_kb=settings.import_max_line_kb,
        )

    @property
    def max_bytes(self) -> int:
        return self.max_mb * 1024 * 1024

    @property
    def max_line_bytes(self) -> int:
        return self.max_line_kb * 1024

    def too_many_rows(self, subject: str) -> LimitExceeded:
        """``subject`` says what is too long: ``la celda Z1000000 llega a la fila 1.000.000``."""
        return LimitExceeded(
            f"{subject}; el máximo es {number(self.max_rows)} filas de datos "
            "(CUMPLE_IMPORT_MAX_ROWS): divida la planilla en partes"
        )

    def too_many_columns(self, subject: str) -> LimitExceeded:
        """``subject`` says what is too wide: ``la fila 2 tiene 10.000 columnas``."""
        return LimitExceeded(
            f"{subject}; el máximo es {number(self.max_columns)} columnas "
            "(CUMPLE_IMPORT_MAX_COLUMNS): borre las columnas que sobran"
        )

    def too_big(self, size: int, what: str) -> LimitExceeded:
        """``what`` is e.g. ``el archivo pesa`` or ``el libro descomprimido pesa``."""
        return LimitExceeded(
            f"{what} {megabytes(size)}; el máximo es {number(self.max_mb)} MB "
            "(CUMPLE_IMPORT_MAX_MB): divida la planilla en partes"
        )

    def too_long(self, size: int | None, where: str) -> LimitExceeded:
        """A line or a cell text of ``size`` bytes (``None``: read only up to
        the limit, so its size is unknown); ``where`` names it."""
        limit = f"{number(self.max_line_kb)} KB"
        if size is None:
            measured = f"pasa de {limit}, el máximo"
        else:
            measured = f"tiene {kilobytes(size)}; el máximo es {limit}"
        return LimitExceeded(f"{where} {measured} (CUMPLE_IMPORT_MAX_LINE_KB): acorte ese texto")


def megabytes(size: int) -> str:
    """``1.024 MB``; sizes under a MB are shown in KB."""
    if size < 1024 * 1024:
        return kilobytes(size)
    return f"{number(-(-size // (1024 * 1024)))} MB"


def kilobytes(size: int) -> str:
    """``10.240 KB``, rounded up so that a size over a limit never prints as it."""
    return f"{number(-(-size // 1024))} KB"
