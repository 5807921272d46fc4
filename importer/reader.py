"""Reading the rows of a ``.csv`` or ``.xlsx`` file, with their spreadsheet
row numbers. Cells keep their types (XLSX dates stay dates)."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterator
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
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise UnreadableFile(f"no es un libro XLSX válido ({exc.__class__.__name__})") from None
    try:
        if not workbook.worksheets:
            raise UnreadableFile("el libro no tiene hojas")
        sheet = workbook.worksheets[0]
        rows: Iterator[tuple[object, ...]] = sheet.iter_rows(values_only=True)
        header = next(rows, None)
        if header is None:
            raise UnreadableFile("la primera hoja está vacía")
        data = [(number, list(cells)) for number, cells in enumerate(rows, start=2)]
    finally:
        workbook.close()
    return Sheet(header=list(header), rows=data)


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
