"""Hostile import files, built deterministically into a folder.

Each entry names a file, how to build it and the words its Spanish refusal
must contain. The workbooks are written by hand (tests/hostile/zipfiles.py)
because no spreadsheet program writes them: that is the point."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from tests.hostile.zipfiles import Member, archive, deflated, zeros

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
OFFICE_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
CONTENT_TYPES = (
    XML + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
    'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.sheet.main+xml"/></Types>'
)
ROOT_RELS = (
    XML + f'<Relationships xmlns="{RELS}"><Relationship Id="rId1" Type="{OFFICE_RELS}/'
    'officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
WORKBOOK = (
    XML + f'<workbook xmlns="{MAIN}" xmlns:r="{OFFICE_RELS}"><sheets>'
    '<sheet name="Hoja1" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
WORKBOOK_RELS = (
    XML + f'<Relationships xmlns="{RELS}"><Relationship Id="rId1" Type="{OFFICE_RELS}/'
    'worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
)
LAUGHS = (
    '<!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(
        f'<!ENTITY lol{n} "{("&lol" + (str(n - 1) if n > 1 else "") + ";") * 10}">'
        for n in range(1, 10)
    )
    + "]>"
)
PASSWD = '<!DOCTYPE x [<!ENTITY passwd SYSTEM "file:///etc/passwd">]>'
HEADER = (
    "region;territorio;acta_fecha;acta_instancia;institucion;responsable_email;compromiso;plazo"
)
ROW = (
    "{region};Loa Emprende;2026-06-15;Consejo Público-Privado;FOSIS;a@fosis.cl.example;"
    "Pagar;2026-09-21"
)


def _ref_row(ref: str) -> int:
    return int(re.sub(r"[A-Z]", "", ref))


def sheet_xml(
    cells: list[tuple[str, str]], *, dimension: str | None = None, prolog: str = ""
) -> str:
    """A worksheet with inline-string ``cells`` (reference, text)."""
    rows: dict[int, list[str]] = {}
    for ref, text in cells:
        cell = f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'
        rows.setdefault(_ref_row(ref), []).append(cell)
    body = "".join(f'<row r="{r}">{"".join(c)}</row>' for r, c in sorted(rows.items()))
    declared = f'<dimension ref="{dimension}"/>' if dimension else ""
    return (
        XML
        + prolog
        + f'<worksheet xmlns="{MAIN}">{declared}<sheetData>{body}</sheetData></worksheet>'
    )


def workbook(sheet: str, *, shared: str | None = None, extra: list[Member] | None = None) -> bytes:
    """An XLSX with one sheet (and optionally a sharedStrings part)."""
    members = [
        deflated("[Content_Types].xml", CONTENT_TYPES.encode()),
        deflated("_rels/.rels", ROOT_RELS.encode()),
        deflated("xl/workbook.xml", WORKBOOK.encode()),
        deflated("xl/_rels/workbook.xml.rels", WORKBOOK_RELS.encode()),
        deflated("xl/worksheets/sheet1.xml", sheet.encode()),
    ]
    if shared is not None:
        members.append(deflated("xl/sharedStrings.xml", shared.encode()))
    return archive(members + (extra or []))


def shared_strings(texts: list[str], *, prolog: str = "") -> str:
    items = "".join(f"<si><t>{text}</t></si>" for text in texts)
    return XML + prolog + f'<sst xmlns="{MAIN}" count="{len(texts)}">{items}</sst>'


def shared_sheet(count: int) -> str:
    """A sheet whose first row shows the first ``count`` shared strings."""
    cells = "".join(f'<c r="{_letters(i + 1)}1" t="s"><v>{i}</v></c>' for i in range(count))
    return (
        XML
        + f'<worksheet xmlns="{MAIN}"><sheetData><row r="1">{cells}</row></sheetData></worksheet>'
    )


def _letters(column: int) -> str:
    letters = ""
    while column:
        column, rest = divmod(column - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def valid_workbook() -> bytes:
    """A small valid workbook (header and one row), to be damaged."""
    header = HEADER.split(";")
    values = ROW.format(region="Antofagasta").split(";")
    cells = [(f"{_letters(i + 1)}1", v) for i, v in enumerate(header)]
    cells += [(f"{_letters(i + 1)}2", v) for i, v in enumerate(values)]
    return workbook(sheet_xml(cells))


def csv_text(region: str = "Antofagasta") -> str:
    return f"{HEADER}\n{ROW.format(region=region)}\n"


@dataclass(frozen=True)
class Hostile:
    """One hostile file: its name, its bytes, the words of its refusal."""

    name: str
    build: Callable[[], bytes]
    words: tuple[str, ...]


CORPUS: tuple[Hostile, ...] = (
    Hostile(
        "dimension-xfd.xlsx",
        lambda: workbook(sheet_xml([("A1", "a"), ("XFD1048576", "b")], dimension="A1:XFD1048576")),
        ("A1:XFD1048576", "1.048.576", "200.000", "CUMPLE_IMPORT_MAX_ROWS"),
    ),
    Hostile(
        "dimension-ausente-xfd.xlsx",
        lambda: workbook(sheet_xml([("A1", "a"), ("XFD1048576", "b")])),
        ("XFD1048576", "1.048.576", "CUMPLE_IMPORT_MAX_ROWS"),
    ),
    Hostile(
        "dimension-falsa-z1000000.xlsx",
        lambda: workbook(sheet_xml([("A1", "a"), ("Z1000000", "b")], dimension="A1:B2")),
        ("Z1000000", "1.000.000", "CUMPLE_IMPORT_MAX_ROWS"),
    ),
    Hostile(
        "columna-xfd.xlsx",
        lambda: workbook(sheet_xml([("A1", "a"), ("XFD1", "b")])),
        ("XFD1", "16.384", "CUMPLE_IMPORT_MAX_COLUMNS"),
    ),
    Hostile(
        "texto-compartido-400kb.xlsx",
        lambda: workbook(shared_sheet(1), shared=shared_strings(["x" * 400 * 1024])),
        ("texto compartido n.º 1", "pasa de 64 KB", "CUMPLE_IMPORT_MAX_LINE_KB"),
    ),
    Hostile(
        "millon-de-textos.xlsx",
        lambda: workbook(shared_sheet(3), shared=shared_strings([f"t{i}" for i in range(10**6)])),
        ("fila 1", "falta esta columna obligatoria"),
    ),
    Hostile(
        "celda-400kb.xlsx",
        lambda: workbook(sheet_xml([("A1", "region"), ("A2", "x" * 400 * 1024)])),
        ("celda A2", "pasa de 64 KB", "CUMPLE_IMPORT_MAX_LINE_KB"),
    ),
    Hostile(
        "bomba-zip-1gb.xlsx",
        lambda: workbook(sheet_xml([("A1", "a")]), extra=[zeros("xl/media/image1.bin", 1024)]),
        ("descomprimido pesaría", "el máximo es 100 MB", "CUMPLE_IMPORT_MAX_MB"),
    ),
    Hostile(
        "bomba-zip-proporcion.xlsx",
        lambda: workbook(sheet_xml([("A1", "a")]), extra=[zeros("xl/media/image1.bin", 50)]),
        ("bomba zip", "xl/media/image1.bin"),
    ),
    Hostile(
        "mil-millones-de-risas-textos.xlsx",
        lambda: workbook(shared_sheet(1), shared=shared_strings(["&lol9;"], prolog=LAUGHS)),
        ("DOCTYPE", "ENTITY"),
    ),
    Hostile(
        "mil-millones-de-risas-hoja.xlsx",
        lambda: workbook(sheet_xml([("A1", "&lol9;")], prolog=LAUGHS)),
        ("DOCTYPE", "ENTITY"),
    ),
    Hostile(
        "entidad-externa.xlsx",
        lambda: workbook(sheet_xml([("A1", "&passwd;")], prolog=PASSWD)),
        ("DOCTYPE", "ENTITY"),
    ),
    Hostile(
        "truncado-a-la-mitad.xlsx",
        lambda: valid_workbook()[: len(valid_workbook()) // 2],
        ("dañado o incompleto",),
    ),
    Hostile(
        "truncado-al-final.xlsx",
        lambda: valid_workbook()[:-10],
        ("dañado o incompleto",),
    ),
    Hostile(
        "zip-sin-libro.xlsx",
        lambda: archive([deflated("hola.txt", b"hola")]),
        ("xl/workbook.xml", "Libro de Excel"),
    ),
    Hostile(
        "texto-remitido-inexistente.xlsx",
        lambda: workbook(shared_sheet(2), shared=shared_strings(["region"])),
        ("celda B1", "remite a un texto"),
    ),
    Hostile("vacio.xlsx", lambda: b"", ("no es un archivo ZIP",)),
    Hostile("csv-con-nombre-xlsx.xlsx", lambda: csv_text().encode(), ("parece un CSV", ".csv")),
    Hostile("xlsx-con-nombre-csv.csv", valid_workbook, ("libro XLSX", ".xlsx")),
    Hostile("vacio.csv", lambda: b"", ("vacío",)),
    Hostile("utf16.csv", lambda: csv_text().encode("utf-16"), ("UTF-16", "CSV UTF-8")),
    Hostile(
        "utf16-sin-bom.csv", lambda: csv_text().encode("utf-16-le"), ("línea 1", "bytes nulos")
    ),
    Hostile(
        # Latin-1 is read (as Windows-1252): the región comes back intact.
        "latin1.csv",
        lambda: csv_text(region="Ñandú").encode("latin-1"),
        ("fila 2", "«Ñandú»"),
    ),
    Hostile(
        "bytes-nulos.csv",
        lambda: (csv_text() + "Antofagasta\x00;x\n").encode(),
        ("línea 3", "bytes nulos"),
    ),
    Hostile(
        "linea-10mb.csv",
        lambda: (HEADER + "\n" + "x" * 10 * 1024 * 1024 + "\n").encode(),
        ("línea 2", "10.240 KB", "64 KB", "CUMPLE_IMPORT_MAX_LINE_KB"),
    ),
    Hostile(
        "diez-mil-columnas.csv",
        lambda: (";".join(["a"] * 10_000) + "\n").encode(),
        ("fila 1", "10.000 columnas", "100 columnas", "CUMPLE_IMPORT_MAX_COLUMNS"),
    ),
    Hostile(
        "demasiadas-filas.csv",
        lambda: (HEADER + "\n" + "a\n" * 200_001).encode(),
        ("200.000 filas de datos", "CUMPLE_IMPORT_MAX_ROWS"),
    ),
)


def build(folder: Path) -> list[tuple[Hostile, Path]]:
    """Write every file of :data:`CORPUS` into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for entry in CORPUS:
        path = folder / entry.name
        path.write_bytes(entry.build())
        written.append((entry, path))
    return written
