"""The first sheet of an XLSX workbook, read so that memory follows the cells
the file really holds, never the range it declares.

The zip is inspected first from its central directory (no decompression):
size, zip bombs, the parts an XLSX must have. Then each XML part is streamed
through expat in small chunks, refusing any DOCTYPE or entity declaration
(billion laughs, external entities) and checking every cell reference
against the limits before the cell is stored. Cells keep their types as a
spreadsheet reader gives them: text, ``float``, ``bool``, and ``date`` or
``datetime`` for cells with a date format."""

from __future__ import annotations

import functools
import posixpath
import re
import zipfile
import zlib
from datetime import date, datetime
from pathlib import Path

from importer.errors import UnreadableFile
from importer.limits import MAX_RATIO, MIN_BOMB_BYTES, Limits, megabytes, number
from importer.xlsx_xml import date_styles, local_name, shared_strings, stream_part

MAX_MEMBERS = 10_000
WORKBOOK = "xl/workbook.xml"
_REF = re.compile(r"^([A-Z]{1,3})([0-9]{1,7})$")


def _first_sheet(archive: zipfile.ZipFile, names: set[str]) -> str:
    """The part of the workbook's first sheet, through the workbook's rels."""
    sheet_ids: list[str] = []

    def on_sheet(tag: str, attrs: dict[str, str]) -> None:
        if local_name(tag) == "sheet" and not sheet_ids:
            relation = [v for k, v in attrs.items() if k.endswith(":id")]
            sheet_ids.append(relation[0] if relation else "")

    stream_part(archive, WORKBOOK, on_sheet, lambda _: None, lambda _: None)
    if not sheet_ids:
        raise UnreadableFile("el libro no tiene hojas")
    targets: dict[str, str] = {}

    def on_relation(tag: str, attrs: dict[str, str]) -> None:
        if local_name(tag) == "Relationship":
            targets[attrs.get("Id", "")] = attrs.get("Target", "")

    rels = "xl/_rels/workbook.xml.rels"
    if rels in names:
        stream_part(archive, rels, on_relation, lambda _: None, lambda _: None)
    target = targets.get(sheet_ids[0], "worksheets/sheet1.xml")
    part = target.lstrip("/") if target.startswith("/") else posixpath.normpath(f"xl/{target}")
    if part not in names:
        raise UnreadableFile(f"el libro no contiene su primera hoja («{part}»)")
    return part


def _inspect(archive: zipfile.ZipFile, limits: Limits) -> set[str]:
    """Refuse what the central directory already shows: too many parts, a
    workbook too big once decompressed, zip bombs, encryption, no workbook."""
    members = archive.infolist()
    if len(members) > MAX_MEMBERS:
        raise UnreadableFile(
            f"el libro tiene {number(len(members))} partes; un XLSX real tiene unas pocas decenas"
        )
    total = sum(member.file_size for member in members)
    if total > limits.max_bytes:
        raise limits.too_big(total, "el libro descomprimido pesaría")
    for member in members:
        if member.flag_bits & 0x1:
            raise UnreadableFile("el libro está protegido con contraseña; guárdelo sin ella")
        ratio = member.file_size / max(member.compress_size, 1)
        if member.file_size > MIN_BOMB_BYTES and ratio > MAX_RATIO:
            raise UnreadableFile(
                f"la parte «{member.filename}» se descomprime a {megabytes(member.file_size)}, "
                f"{number(int(ratio))} veces su tamaño (una «bomba zip»; el máximo es "
                f"{number(MAX_RATIO)} veces): vuelva a guardar el libro desde Excel o LibreOffice"
            )
    names = {member.filename for member in members}
    if WORKBOOK not in names:
        raise UnreadableFile(
            "es un archivo ZIP pero no un libro XLSX (no contiene xl/workbook.xml); "
            "guarde la planilla como «Libro de Excel (.xlsx)»"
        )
    return names


_COLUMNS: dict[str, int] = {}


def _column(letters: str) -> int:
    value = _COLUMNS.get(letters)
    if value is None:
        value = 0
        for letter in letters:
            value = value * 26 + ord(letter) - 64
        if len(_COLUMNS) < 4096:
            _COLUMNS[letters] = value
    return value


class _SheetReader:
    """Streams ``<sheetData>`` into rows of real cells, checked one by one.

    The handlers run once per element of a sheet of hundreds of thousands
    of cells, so the common path (``c``, ``v``, ``row``, unprefixed) is
    tested first and the cell text is collected inline (same limits as
    :class:`TextCollector`)."""

    def __init__(self, limits: Limits, strings: list[str], dates: frozenset[int]) -> None:
        self.limits, self.strings, self.dates = limits, strings, dates
        self.max_rows, self.max_columns = limits.max_rows, limits.max_columns
        self.max_text = limits.max_line_bytes
        self.rows: list[tuple[int, list[object]]] = []
        self.row_number = 0
        self.cells: list[object] = []
        self.column = 0
        self.ref = ""
        self.kind = "n"
        self.style = 0
        self.parts: list[str] = []
        self.size = 0
        self.capturing = False
        self.phonetic = 0
        self.inline = False

    def _check(self, row: int, column: int, what: str) -> None:
        if row > self.max_rows + 1:
            raise self.limits.too_many_rows(f"{what} llega a la fila {number(row)}")
        if column > self.max_columns:
            raise self.limits.too_many_columns(f"{what} llega a la columna {number(column)}")

    def start(self, tag: str, attrs: dict[str, str]) -> None:
        if tag == "c":
            self._start_cell(attrs)
            return
        if tag == "v":
            self.capturing = self.phonetic == 0
            return
        if ":" in tag:
            tag = tag.rpartition(":")[2]
            if tag == "c":
                self._start_cell(attrs)
                return
            if tag == "v":
                self.capturing = self.phonetic == 0
                return
        if tag == "row":
            given = attrs.get("r", "")
            self.row_number = int(given) if given.isdigit() else self.row_number + 1
            self.cells, self.column = [], 0
        elif tag == "t":
            if self.inline:
                self.capturing = self.phonetic == 0
        elif tag == "is":
            self.inline = True
        elif tag == "rPh":
            self.phonetic += 1
        elif tag == "dimension":
            ref = attrs.get("ref", "").replace("$", "")
            match = _REF.match(ref.split(":")[-1])
            if match:
                where = f"la hoja declara el rango {ref[:30]}, que"
                self._check(int(match[2]), _column(match[1]), where)

    def _start_cell(self, attrs: dict[str, str]) -> None:
        ref = attrs.get("r", "")
        match = _REF.match(ref) if ref else None
        if match:
            letters, digits = match.groups()
            self.column = _column(letters)
            row = int(digits)
            if row != self.row_number:
                self._end_row()
                self.row_number = row
        elif ref:
            raise UnreadableFile(f"la hoja tiene una celda de referencia inválida («{ref[:20]}»)")
        else:
            self.column += 1
            ref = f"columna {number(self.column)}, fila {number(self.row_number)}"
        self.ref = ref
        if self.row_number > self.max_rows + 1 or self.column > self.max_columns:
            self._check(self.row_number, self.column, f"la celda {ref}")
        self.kind = attrs.get("t", "n")
        style = attrs.get("s")
        self.style = 0 if style is None else int(style) if style.isdigit() else 0
        if self.parts:
            self.parts = []
        self.size = 0
        self.capturing = False
        self.phonetic = 0
        self.inline = False

    def end(self, tag: str) -> None:
        if ":" in tag:
            tag = tag.rpartition(":")[2]
        if tag == "v" or tag == "t":
            self.capturing = False
        elif tag == "c":
            index = self.column - 1
            cells = self.cells
            if index >= len(cells):
                cells.extend([None] * (index - len(cells) + 1))
            parts = self.parts
            if parts:
                text = parts[0] if len(parts) == 1 else "".join(parts)
                limit = self.max_text
                if self.size * 4 > limit and len(text.encode("utf-8")) > limit:
                    raise self.limits.too_long(None, self._where())
                cells[index] = self._cell(text)
            else:
                cells[index] = None
        elif tag == "row":
            self._end_row()
        elif tag == "rPh":
            self.phonetic -= 1

    def _end_row(self) -> None:
        if not self.cells:
            return
        if self.rows and self.rows[-1][0] == self.row_number:
            previous = self.rows[-1][1]
            previous.extend([None] * (len(self.cells) - len(previous)))
            for index, cell in enumerate(self.cells):
                if cell is not None:
                    previous[index] = cell
        elif len(self.rows) > self.max_rows:  # the header and max_rows data rows
            raise self.limits.too_many_rows(
                f"la hoja tiene más de {number(self.max_rows)} filas de datos"
            )
        else:
            self.rows.append((self.row_number, self.cells))
        self.cells = []

    def chars(self, data: str) -> None:
        if self.capturing:
            self.parts.append(data)
            self.size += len(data)  # characters: never more than the UTF-8 bytes
            if self.size > self.max_text:
                raise self.limits.too_long(None, self._where())

    def _where(self) -> str:
        return f"la celda {self.ref}"

    def _cell(self, text: str) -> object:
        kind = self.kind
        if kind == "s":
            strings = self.strings
            if text.isdigit() and int(text) < len(strings):
                return strings[int(text)]
            if not text.strip().isdigit() or int(text) >= len(strings):
                raise UnreadableFile(f"la celda {self.ref} remite a un texto que el libro no tiene")
            return strings[int(text)]
        if kind == "n":
            try:
                value = float(text)
            except ValueError:
                raise UnreadableFile(f"la celda {self.ref} tiene un número inválido") from None
            if self.style in self.dates and 1 <= value < 2958466:
                return _excel_date(value)
            return value
        if kind in ("str", "inlineStr", "e"):
            return text
        if kind == "b":
            return text.strip() in ("1", "true")
        if kind == "d":
            try:
                return datetime.fromisoformat(text.strip())
            except ValueError:
                return text
        try:
            value = float(text)
        except ValueError:
            raise UnreadableFile(f"la celda {self.ref} tiene un número inválido") from None
        if self.style in self.dates and 1 <= value < 2958466:
            return _excel_date(value)
        return value


@functools.lru_cache(maxsize=4096)  # a sheet repeats the same few dates
def _excel_date(value: float) -> date | datetime:
    moment = _from_excel(value)
    return moment.date() if moment.time() == datetime.min.time() else moment


def _from_excel(value: float) -> datetime:
    from openpyxl.utils.datetime import from_excel

    moment = from_excel(value)
    return moment if isinstance(moment, datetime) else datetime.combine(date(1900, 1, 1), moment)


Rows = list[tuple[int, list[object]]]


def _read(archive: zipfile.ZipFile, limits: Limits) -> tuple[list[object], Rows]:
    names = _inspect(archive, limits)
    sheet = _first_sheet(archive, names)
    shared = "xl/sharedStrings.xml"
    strings = shared_strings(archive, shared, limits) if shared in names else []
    styles = "xl/styles.xml"
    dates = date_styles(archive, styles) if styles in names else frozenset()
    reader = _SheetReader(limits, strings, dates)
    stream_part(archive, sheet, reader.start, reader.end, reader.chars)
    rows = reader.rows
    if not rows:
        raise UnreadableFile("la primera hoja está vacía")
    header: list[object] = rows[0][1] if rows[0][0] == 1 else []
    return header, [entry for entry in rows if entry[0] != 1]


def _not_a_zip(path: Path) -> UnreadableFile:
    with path.open("rb") as handle:
        head = handle.read(4096)
    if head.startswith(b"PK"):
        return UnreadableFile(
            "el libro XLSX está dañado o incompleto (¿se cortó la descarga?); vuelva a guardarlo"
        )
    if head and b"\x00" not in head and any(sep in head for sep in (b";", b",", b"\t")):
        return UnreadableFile(
            "el archivo dice ser .xlsx pero es texto (parece un CSV); cámbiele la extensión a .csv"
        )
    return UnreadableFile("no es un libro XLSX válido (no es un archivo ZIP)")


def read_xlsx(path: Path, limits: Limits) -> tuple[list[object], Rows]:
    """The header cells and the data rows ``(row_number, cells)`` of the
    first sheet. Raises :class:`UnreadableFile` (or its ``LimitExceeded``)
    with a Spanish reason; nothing bigger than the limits is ever allocated."""
    size = path.stat().st_size
    if size > limits.max_bytes:
        raise limits.too_big(size, "el archivo pesa")
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        raise _not_a_zip(path) from None
    try:
        with archive:
            return _read(archive, limits)
    except (
        zipfile.BadZipFile,
        zlib.error,
        EOFError,
        OSError,
        NotImplementedError,
        RuntimeError,
        ValueError,
    ):
        raise UnreadableFile(
            "el libro XLSX está dañado o incompleto (¿se cortó la descarga?); vuelva a guardarlo"
        ) from None
