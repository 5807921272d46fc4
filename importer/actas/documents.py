"""An acta document as ordered blocks: paragraphs and tables with their
places, in reading order.

``.docx`` files are inspected before python-docx sees them: the zip's
central directory (size, zip bombs, encryption), the content types (macros
are refused: a ``.docm`` renamed ``.docx`` too) and every XML part streamed
through expat refusing DOCTYPE and ENTITY declarations. PDFs go to
:mod:`importer.actas.pdf` (text) and :mod:`importer.actas.ocr` (scanned).
Every refusal is an :class:`importer.errors.UnreadableFile` with a Spanish
reason; nothing else escapes."""

from __future__ import annotations

import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from xml.parsers import expat

from importer.actas.proposal import Block, Paragraph, Table
from importer.errors import UnreadableFile
from importer.limits import MAX_RATIO, MIN_BOMB_BYTES, Limits, megabytes, number

DOCUMENT_SUFFIXES = (".docx", ".docm", ".pdf")
"""What :func:`read_blocks` is asked to read (a ``.docm`` only to be refused)."""
CONVERTIBLE = (".doc", ".odt", ".rtf")
"""Word processor formats refused with the advice to save the acta as DOCX."""
MAX_PARTS = 2_000
"""Parts of a DOCX zip: a real acta has a few dozen."""
MAX_BLOCKS = 20_000
"""Paragraphs and tables of one acta (a long acta has a few hundred)."""
MAX_CELLS = 20_000
"""Cells of one table."""
CHUNK = 64 * 1024
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_WORD_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml."
_MACRO_MARKERS = ("macroenabled", "vbaproject", "vbadata")
_OFFICE_DOCUMENT = "/officeDocument"
DAMAGED = "el documento DOCX está dañado o incompleto (¿se cortó la descarga?); vuelva a guardarlo"
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


@dataclass(frozen=True)
class DocumentLimits:
    """What an acta document may be: the importer's size limit
    (``CUMPLE_IMPORT_MAX_MB``) and this module's counts."""

    max_bytes: int
    max_mb: int
    max_blocks: int = MAX_BLOCKS


def document_limits(limits: Limits | None = None) -> DocumentLimits:
    """The limits for a document, from the importer's (default: the settings' defaults)."""
    limits = limits or Limits()
    return DocumentLimits(max_bytes=limits.max_bytes, max_mb=limits.max_mb)


def too_big(size: int, what: str, limits: DocumentLimits) -> UnreadableFile:
    return UnreadableFile(
        f"{what} {megabytes(size)}; el máximo es {number(limits.max_mb)} MB "
        "(CUMPLE_IMPORT_MAX_MB): divida el documento o guárdelo sin imágenes"
    )


def read_blocks(path: Path, limits: Limits | None = None) -> list[Block]:
    """The paragraphs and tables of the ``.docx`` or ``.pdf`` at ``path``,
    in reading order, each with its place (``párrafo 3``, ``tabla 1``,
    ``página 2, párrafo 4``). Raises :class:`UnreadableFile` (Spanish) for a
    file that is not such a document, is damaged, protected, hostile or over
    the limits, or a scanned PDF when Tesseract is not installed."""
    bounds = document_limits(limits)
    if not path.exists():
        raise UnreadableFile("el archivo no existe")
    if not path.is_file():
        raise UnreadableFile("no es un archivo")
    size = path.stat().st_size
    if size == 0:
        raise UnreadableFile("el archivo está vacío (0 bytes)")
    if size > bounds.max_bytes:
        raise too_big(size, "el documento pesa", bounds)
    suffix = path.suffix.lower()
    with path.open("rb") as handle:
        head = handle.read(8)
    if suffix == ".pdf":
        from importer.actas.pdf import read_pdf

        return read_pdf(path, head, bounds)
    if suffix in (".docx", ".docm"):
        return _read_docx(path, head, bounds)
    if suffix in CONVERTIBLE:
        raise UnreadableFile(
            f"un acta en «{suffix}» no se lee directamente; ábrala en Word o LibreOffice y "
            "guárdela como «Documento de Word (.docx)» o PDF"
        )
    raise UnreadableFile(
        f"formato «{path.suffix or 'sin extensión'}» no admitido para un acta; use .docx o .pdf"
    )


def _not_a_docx(head: bytes) -> UnreadableFile:
    if head.startswith(b"%PDF"):
        return UnreadableFile(
            "el archivo dice ser .docx pero es un PDF; cámbiele la extensión a .pdf"
        )
    if head.startswith(_OLE):
        return UnreadableFile(
            "es un documento de Word 97-2003 (.doc) o un .docx protegido con contraseña; "
            "ábralo en Word o LibreOffice y guárdelo como «Documento de Word (.docx)» "
            "sin contraseña"
        )
    if head.startswith(b"PK"):
        return UnreadableFile(DAMAGED)
    return UnreadableFile("no es un documento DOCX válido (no es un archivo ZIP)")


def _read_docx(path: Path, head: bytes, limits: DocumentLimits) -> list[Block]:
    import docx
    from docx.exceptions import PythonDocxError
    from docx.opc.exceptions import OpcError

    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        raise _not_a_docx(head) from None
    try:
        with archive:
            _inspect(archive, limits)
        try:
            document = docx.Document(str(path))
        except (OpcError, PythonDocxError, ValueError, KeyError) as exc:
            raise UnreadableFile(
                "el archivo no es un documento de Word (.docx) que se pueda leer; "
                "vuelva a guardarlo desde Word o LibreOffice"
            ) from exc
        return _blocks(document, limits)
    except UnreadableFile:
        raise
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError, ValueError,
            KeyError, AttributeError, TypeError, SyntaxError, PythonDocxError):  # fmt: skip
        raise UnreadableFile(DAMAGED) from None


def _inspect(archive: zipfile.ZipFile, limits: DocumentLimits) -> None:
    """Refuse what the central directory and the package's small parts
    show: too many parts, too big once decompressed, zip bombs, encryption,
    macros, XML declarations, not a Word document."""
    members = archive.infolist()
    if len(members) > MAX_PARTS:
        raise UnreadableFile(
            f"el documento tiene {number(len(members))} partes; un DOCX real tiene unas pocas "
            "decenas"
        )
    total = sum(member.file_size for member in members)
    if total > limits.max_bytes:
        raise too_big(total, "el documento descomprimido pesaría", limits)
    for member in members:
        if member.flag_bits & 0x1:
            raise UnreadableFile("el documento está protegido con contraseña; guárdelo sin ella")
        ratio = member.file_size / max(member.compress_size, 1)
        if member.file_size > MIN_BOMB_BYTES and ratio > MAX_RATIO:
            raise UnreadableFile(
                f"la parte «{member.filename[:80]}» se descomprime a "
                f"{megabytes(member.file_size)}, {number(int(ratio))} veces su tamaño (una "
                f"«bomba zip»; el máximo es {number(MAX_RATIO)} veces): vuelva a guardar el "
                "documento desde Word o LibreOffice"
            )
        if any(marker in member.filename.lower() for marker in _MACRO_MARKERS):
            raise _macros()
    names = {member.filename for member in members}
    if "[Content_Types].xml" not in names or "_rels/.rels" not in names:
        raise UnreadableFile(
            "es un archivo ZIP pero no un documento de Word (le faltan sus partes básicas); "
            "guárdelo como «Documento de Word (.docx)»"
        )
    for member in members:
        if member.filename.lower().endswith((".xml", ".rels")):
            _refuse_declarations_in(archive, member.filename)
    main = _main_part(archive)
    content_type = _content_types(archive).get(main.lower(), "")
    if any(marker in content_type.lower() for marker in _MACRO_MARKERS):
        raise _macros()
    if not content_type.startswith(_WORD_MAIN):
        raise UnreadableFile(
            "el archivo es un documento de Office pero no de Word (.docx); "
            "guarde el acta como «Documento de Word (.docx)» o PDF"
        )


def _macros() -> UnreadableFile:
    return UnreadableFile(
        "el documento contiene macros (.docm), que cumple no abre; guárdelo como "
        "«Documento de Word (.docx)», sin macros"
    )


def _parser(start: object = None) -> expat.XMLParserType:
    parser = expat.ParserCreate()
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)

    def refuse(*_: object) -> None:
        raise UnreadableFile(
            "el documento contiene declaraciones XML (DOCTYPE o ENTITY) que un DOCX nunca "
            "lleva; vuelva a guardarlo desde Word o LibreOffice"
        )

    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    parser.ExternalEntityRefHandler = refuse
    if start is not None:
        parser.StartElementHandler = start
    return parser


def _stream(archive: zipfile.ZipFile, name: str, parser: expat.XMLParserType) -> None:
    try:
        with archive.open(name) as handle:
            while chunk := handle.read(CHUNK):
                parser.Parse(chunk, False)
        parser.Parse(b"", True)
    except expat.ExpatError as exc:
        raise UnreadableFile(
            f"la parte «{name[:80]}» del documento está dañada (XML inválido en la línea "
            f"{exc.lineno})"
        ) from None


def _refuse_declarations_in(archive: zipfile.ZipFile, name: str) -> None:
    _stream(archive, name, _parser())


def _main_part(archive: zipfile.ZipFile) -> str:
    """The package's main part, as its relationships name it."""
    found: list[str] = []

    def start(tag: str, attrs: dict[str, str]) -> None:
        if tag.endswith("Relationship") and attrs.get("Type", "").endswith(_OFFICE_DOCUMENT):
            found.append(attrs.get("Target", ""))

    _stream(archive, "_rels/.rels", _parser(start))
    if not found:
        raise UnreadableFile("el documento no declara su contenido principal; vuelva a guardarlo")
    return "/" + found[0].lstrip("/")


def _content_types(archive: zipfile.ZipFile) -> dict[str, str]:
    """Each part's declared content type (overrides), keyed by lower-cased part name."""
    types: dict[str, str] = {}

    def start(tag: str, attrs: dict[str, str]) -> None:
        if tag.endswith("Override"):
            types[attrs.get("PartName", "").lower()] = attrs.get("ContentType", "")
        elif tag.endswith("Default") and "macroenabled" in attrs.get("ContentType", "").lower():
            raise _macros()

    _stream(archive, "[Content_Types].xml", _parser(start))
    return types


def _blocks(document: object, limits: DocumentLimits) -> list[Block]:
    from docx.text.paragraph import Paragraph as DocxParagraph

    body = document.element.body  # type: ignore[attr-defined]
    blocks: list[Block] = []
    counts = {"p": 0, "tbl": 0}
    # The first page's header often carries the letterhead (programme,
    # territorio, región), as the first lines of a PDF page do.
    sections = document.sections  # type: ignore[attr-defined]
    if sections and not sections[0].header.is_linked_to_previous:
        for paragraph in sections[0].header.paragraphs:
            text = " ".join(paragraph.text.split())
            if text:
                blocks.append(Paragraph("encabezado de página", text))
    for element in _body_elements(body):
        if len(blocks) >= limits.max_blocks:
            raise UnreadableFile(
                f"el documento tiene más de {number(limits.max_blocks)} párrafos y tablas; "
                "divídalo en partes"
            )
        if element.tag == f"{_W}p":
            text = " ".join(DocxParagraph(element, document).text.split())  # type: ignore[arg-type]
            if text:
                counts["p"] += 1
                blocks.append(Paragraph(f"párrafo {counts['p']}", text))
        else:
            rows = _table_rows(element, document)
            if any(any(cell for cell in row) for row in rows):
                counts["tbl"] += 1
                blocks.append(Table(f"tabla {counts['tbl']}", rows))
    return blocks


def _body_elements(parent: object) -> Iterator[object]:
    """Paragraphs and tables in body order, including those inside content
    controls (``w:sdt``), which Word uses for form-like templates."""
    for child in parent:  # type: ignore[attr-defined]
        tag = child.tag
        if tag in (f"{_W}p", f"{_W}tbl"):
            yield child
        elif tag in (f"{_W}sdt", f"{_W}sdtContent", f"{_W}customXml"):
            yield from _body_elements(child)


def _table_rows(table: object, document: object) -> list[list[str]]:
    """The table as a grid of cell texts: a horizontally merged cell's text
    in its first column (the others empty), a vertically merged cell's text
    repeated in every row it covers (one institution for several rows)."""
    from docx.table import _Cell

    rows: list[list[str]] = []
    cells = 0
    for tr in table.tr_lst:  # type: ignore[attr-defined]
        row: list[str] = [""] * tr.grid_before
        for tc in tr.tc_lst:
            span = max(1, min(tc.grid_span, 64))
            column = len(row)
            if tc.vMerge == "continue":
                above = rows[-1] if rows else []
                text = above[column] if column < len(above) else ""
            else:
                text = " ".join(_Cell(tc, document).text.split())  # type: ignore[arg-type]
            row.append(text)
            row.extend([""] * (span - 1))
        cells += len(row)
        if cells > MAX_CELLS:
            raise UnreadableFile(
                f"una tabla del documento tiene más de {number(MAX_CELLS)} celdas; divídala"
            )
        rows.append(row)
    return rows
