"""Problems found in an import file, located by spreadsheet row and column."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class RowError:
    """One mistake: ``row`` is the spreadsheet's row number (header = 1)."""

    row: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"fila {self.row}, columna {self.column}: {self.message}"


class ImportFailed(Exception):
    """The import was refused whole; nothing was written."""

    def __init__(self, errors: list[RowError]) -> None:
        self.errors = sorted(errors)
        super().__init__(f"{len(self.errors)} errores")


class UnreadableFile(Exception):
    """The file cannot be read at all (format, encoding, corruption)."""


class LimitExceeded(UnreadableFile):
    """The file is over one of the importer's limits; the message names the
    limit and its setting (``CUMPLE_IMPORT_MAX_*``)."""
