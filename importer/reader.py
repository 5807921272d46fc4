"""Reading the rows of a ``.csv`` or ``.xlsx`` file, with their spreadsheet
row numbers, within the importer's limits (:mod:`importer.limits`). Cells
keep their types (XLSX dates stay dates)."""

from __future__ import annotations

import codecs
import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path

from importer.errors import UnreadableFile
from importer.limits import Limits, number
from importer.xlsx import read_xlsx

SUFFIXES = (".csv", ".xlsx")
_FIRST_LINE = re.compile(r"[^\r\n]*")


@dataclass
class Sheet:
    """The header cells, the data rows as ``(row_number, cells)`` and the
    number of data rows (for progress)."""

    header: list[object]
    rows: list[tuple[int, list[object]]]


def _line_of(raw: bytes, position: int) -> str:
    return number(raw.count(b"\n", 0, position) + 1)


def _check_bytes(raw: bytes, limits: Limits) -> None:
    """Refuse, before decoding, what no CSV export produces."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise UnreadableFile(
            "el CSV está codificado en UTF-16; guárdelo como «CSV UTF-8 (delimitado por comas)»"
        )
    if raw.startswith(b"PK\x03\x04"):
        raise UnreadableFile(
            "el archivo dice ser .csv pero es un libro XLSX; cámbiele la extensión a .xlsx"
        )
    nul = raw.find(b"\x00")
    if nul >= 0:
        raise UnreadableFile(
            f"la línea {_line_of(raw, nul)} contiene bytes nulos, que un CSV no lleva "
            "(¿está en UTF-16 o es otro tipo de archivo?); guárdelo como «CSV UTF-8»"
        )
    # Anchored at line starts, so the scan stays linear in the file's size.
    too_long = re.compile(rb"(?:\A|(?<=[\r\n]))[^\r\n]{%d}" % (limits.max_line_bytes + 1))
    found = too_long.search(raw)
    if found:
        end = re.compile(rb"[^\r\n]*").match(raw, found.start())
        size = (end.end() if end else found.end()) - found.start()
        raise limits.too_long(size, f"la línea {_line_of(raw, found.start())} del archivo")


def _decode(raw: bytes) -> str:
    # A byte-order mark is dropped before choosing the encoding: some tools
    # put a UTF-8 BOM in front of a Windows-1252 file.
    raw = raw.removeprefix(codecs.BOM_UTF8)
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        # Excel in Spanish saves "CSV" as Windows-1252.
        return raw.decode("cp1252", errors="replace")


def _csv_error(exc: csv.Error, row: int, limits: Limits) -> UnreadableFile:
    if "field larger than field limit" in str(exc):
        return limits.too_long(csv.field_size_limit() + 1, f"un texto de la fila {number(row)}")
    return UnreadableFile(
        f"el CSV está mal formado en la fila {number(row)} (revise las comillas de esa fila)"
    )


def _read_csv(path: Path, limits: Limits) -> Sheet:
    size = path.stat().st_size
    if size > limits.max_bytes:
        raise limits.too_big(size, "el archivo pesa")
    raw = path.read_bytes()
    _check_bytes(raw, limits)
    text = _decode(raw)
    del raw
    first_line = _FIRST_LINE.match(text, 0, limits.max_line_bytes + 1)
    delimiter = max((";", ",", "\t"), key=(first_line.group() if first_line else "").count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    records: list[list[str]] = []
    try:
        for record in reader:
            row = len(records) + 1
            if len(record) > limits.max_columns:
                raise limits.too_many_columns(
                    f"la fila {number(row)} tiene {number(len(record))} columnas"
                )
            if row > limits.max_rows + 1:
                raise limits.too_many_rows(
                    f"el archivo tiene más de {number(limits.max_rows)} filas de datos"
                )
            for cell in record:
                if len(cell) * 4 > limits.max_line_bytes:
                    cell_size = len(cell.encode("utf-8"))
                    if cell_size > limits.max_line_bytes:
                        raise limits.too_long(cell_size, f"un texto de la fila {number(row)}")
            records.append(record)
    except csv.Error as exc:
        raise _csv_error(exc, len(records) + 1, limits) from None
    if not records:
        raise UnreadableFile("el archivo está vacío")
    header, *data = records
    return Sheet(
        header=list(header),
        rows=[(row, list(cells)) for row, cells in enumerate(data, start=2)],
    )


def read_sheet(path: Path, limits: Limits | None = None) -> Sheet:
    """The first sheet of ``path``, read within ``limits`` (default: the
    settings' defaults). Raises :class:`UnreadableFile` — or its subclass
    ``LimitExceeded``, naming the limit and its setting — with a Spanish
    reason when the file cannot be read; never another exception."""
    limits = limits or Limits()
    if not path.exists():
        raise UnreadableFile("el archivo no existe")
    if not path.is_file():
        raise UnreadableFile("no es un archivo")
    suffix = path.suffix.lower()
    if suffix == ".csv":
        sheet = _read_csv(path, limits)
    elif suffix == ".xlsx":
        header, rows = read_xlsx(path, limits)
        sheet = Sheet(header=header, rows=rows)
    else:
        raise UnreadableFile(
            f"formato «{path.suffix or 'sin extensión'}» no admitido; use .csv o .xlsx"
        )
    return sheet
