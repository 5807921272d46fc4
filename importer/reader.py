"""Reading the rows of a ``.csv`` or ``.xlsx`` file, with their spreadsheet
row numbers. Cells keep their types (XLSX dates stay dates)."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from importer.errors import UnreadableFile

SUFFIXES = (".csv", ".xlsx")


@dataclass
class Sheet:
    """The header cells, the data rows as ``(row_number, cells)`` and the
    number of data rows (for progress)."""

    header: list[object]
    rows: list[tuple[int, list[object]]]


def _decode(raw: bytes) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Excel in Spanish saves "CSV" as Windows-1252.
        return raw.decode("cp1252", errors="replace")


def _read_csv(path: Path) -> Sheet:
    text = _decode(path.read_bytes())
    first_line = text.split("\n", 1)[0]
    delimiter = max((";", ",", "\t"), key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        records = list(reader)
    except csv.Error as exc:
        raise UnreadableFile(f"el CSV está mal formado ({exc})") from None
    if not records:
        raise UnreadableFile("el archivo está vacío")
    header, *data = records
    return Sheet(
        header=list(header),
        rows=[(number, list(cells)) for number, cells in enumerate(data, start=2)],
    )


def _read_xlsx(path: Path) -> Sheet:
    # calamine (Rust) reads a 50,000-row sheet ~13x faster than openpyxl's
    # read-only mode, with the same typed cells (dates stay dates).
    from python_calamine import CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_path(str(path))
        if not workbook.sheet_names:
            raise UnreadableFile("el libro no tiene hojas")
        records = workbook.get_sheet_by_index(0).to_python(skip_empty_area=False)
    except UnreadableFile:
        raise
    except Exception as exc:  # calamine raises its own error types per format problem
        raise UnreadableFile(f"no es un libro XLSX válido ({exc.__class__.__name__})") from None
    if not records:
        raise UnreadableFile("la primera hoja está vacía")
    header, *data = records
    return Sheet(
        header=list(header),
        rows=[(number, list(cells)) for number, cells in enumerate(data, start=2)],
    )


def read_sheet(path: Path) -> Sheet:
    """The first sheet of ``path``. Raises :class:`UnreadableFile` with a
    Spanish reason when the file cannot be read."""
    if not path.exists():
        raise UnreadableFile("el archivo no existe")
    if not path.is_file():
        raise UnreadableFile("no es un archivo")
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return _read_csv(path)
    if suffix == ".xlsx":
        return _read_xlsx(path)
    raise UnreadableFile(
        f"formato «{path.suffix or 'sin extensión'}» no admitido; use .csv o .xlsx"
    )
