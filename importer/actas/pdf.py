"""A PDF acta as ordered blocks. The file is checked first (a PDF, not
protected, no «PDF bomb» among the streams its text needs); pages with a
text layer are laid out by :mod:`importer.actas.pdf_layout`, pages without
text (a scan) go through :mod:`importer.actas.ocr`."""

from __future__ import annotations

import re
import zlib
from pathlib import Path
from typing import Any

from importer.actas.documents import DocumentLimits, too_big
from importer.actas.pdf_layout import drop_running_lines, join_pages, page_blocks
from importer.actas.proposal import Block
from importer.errors import UnreadableFile
from importer.limits import number

MAX_PAGES = 300
"""Pages of a text PDF (a long acta with its annexes has a few dozen)."""
_STREAM = re.compile(rb"stream\r?\n")
_IMAGE = re.compile(rb"/Subtype\s*/Image")


def read_pdf(path: Path, head: bytes, limits: DocumentLimits) -> list[Block]:
    """The blocks of the PDF at ``path`` (``head``: its first bytes).
    Raises :class:`UnreadableFile` (Spanish) when it is not a PDF, is
    protected, damaged or over the limits."""
    if b"%PDF" not in head:
        with path.open("rb") as handle:
            if b"%PDF-" not in handle.read(1024):
                raise UnreadableFile("no es un PDF válido (no comienza como un PDF)")
    _check_streams(path.read_bytes(), limits)
    import pdfplumber
    from pdfplumber.utils.exceptions import PdfminerException

    try:
        pdf = pdfplumber.open(path)
    except PdfminerException as exc:
        raise _open_error(exc) from None
    # pdfminer raises many kinds of errors on a malformed file (KeyError,
    # TypeError, its own PSException...): any of them means a damaged PDF.
    try:
        with pdf:
            return _read(path, pdf, limits)
    except UnreadableFile:
        raise
    except (MemoryError, RecursionError):
        raise UnreadableFile(
            "el PDF es demasiado complejo para leerlo; expórtelo de nuevo"
        ) from None
    except Exception:
        raise UnreadableFile(
            "el PDF está dañado o incompleto (¿se cortó la descarga?); vuelva a exportarlo"
        ) from None


def _check_streams(raw: bytes, limits: DocumentLimits) -> None:
    """Refuse a PDF whose compressed streams (text, fonts, object
    streams: what reading its text decompresses; images are never
    decoded) would take more than the size limit: a «PDF bomb»."""
    total = 0
    for match in _STREAM.finditer(raw):
        if raw[max(0, match.start() - 3) : match.start()] == b"end":
            continue
        before = raw[max(0, match.start() - 2048) : match.start()]
        dictionary = before[before.rfind(b" obj") :]
        if _IMAGE.search(dictionary) or b"/FlateDecode" not in dictionary:
            continue
        end = raw.find(b"endstream", match.end())
        pending = raw[match.end() : end if end > 0 else len(raw)]
        inflater = zlib.decompressobj()
        try:
            while pending:
                total += len(inflater.decompress(pending, 1 << 20))
                if total > limits.max_bytes:
                    raise too_big(total, "el texto del PDF descomprimido pesaría más de", limits)
                if inflater.unconsumed_tail == pending or inflater.eof:
                    break
                pending = inflater.unconsumed_tail
        except zlib.error:
            continue  # a damaged stream: pdfminer says so, or skips it


def _open_error(exc: Exception) -> UnreadableFile:
    cause = exc.args[0] if exc.args else exc
    name = type(cause).__name__
    if name in ("PDFPasswordIncorrect", "PDFEncryptionError", "PDFEncryptionWarning"):
        return UnreadableFile(
            "el PDF está protegido con contraseña; expórtelo de nuevo sin contraseña"
        )
    return UnreadableFile(
        "el PDF está dañado o incompleto (¿se cortó la descarga?); vuelva a exportarlo"
    )


def _read(path: Path, pdf: Any, limits: DocumentLimits) -> list[Block]:
    pages = pdf.pages
    if len(pages) > MAX_PAGES:
        raise UnreadableFile(
            f"el PDF tiene {number(len(pages))} páginas; el máximo es {number(MAX_PAGES)}: "
            "divídalo en partes"
        )
    per_page: list[list[Block]] = []
    scanned: list[int] = []
    has_text = False
    for index, page in enumerate(pages, start=1):
        if page.chars:
            has_text = True
            per_page.append(page_blocks(page, index))
        else:
            per_page.append([])
            if page.images:
                scanned.append(index)
        page.close()
    if not has_text:
        scanned = list(range(1, len(pages) + 1))
    if scanned:
        from importer.actas.ocr import ocr_pages

        sizes = {index: (pages[index - 1].width, pages[index - 1].height) for index in scanned}
        for index, blocks in ocr_pages(path, sizes).items():
            per_page[index - 1] = blocks
    blocks = join_pages(drop_running_lines(per_page))
    if len(blocks) > limits.max_blocks:
        raise UnreadableFile(
            f"el PDF tiene más de {number(limits.max_blocks)} párrafos y tablas; divídalo en partes"
        )
    return blocks
