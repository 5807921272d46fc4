"""The layout of a text PDF page as blocks: pdfplumber's text lines grouped
into paragraphs by their spacing (a wider gap, a change of size, a list
marker, a short line ending a sentence), ruled tables (``find_tables``)
where they stand on the page, with merged cells as in a DOCX; then the
pages put together: running headers and footers dropped, a paragraph or a
table cut by a page break joined again."""

from __future__ import annotations

import itertools
import re
import statistics
from collections.abc import Sequence
from typing import Any

from importer.actas.proposal import Block, Paragraph, Table

MARKER = re.compile(
    r"^(\d{1,3}[.)°º]\s|[a-zA-Z][.)]\s|[-•–·▪●*]\s|acuerdo\s+(n\.?\s*[°º]?\s*)?\d)", re.IGNORECASE
)
"""A line that starts an item: ``1.``, ``a)``, ``•``, ``Acuerdo N° 3``."""
PAGE_NUMBER = re.compile(r"^(p[áa]g(ina|\.)?\s*)?\d{1,4}(\s*(de|/)\s*\d{1,4})?$", re.IGNORECASE)
ENDS_SENTENCE = (".", ":", ";", "!", "?")
Box = tuple[float, float, float, float]
Line = dict[str, Any]


def inside(obj: dict[str, Any], boxes: Sequence[Box]) -> bool:
    """Whether the centre of ``obj`` lies in one of ``boxes``."""
    x = (obj["x0"] + obj["x1"]) / 2
    y = (obj["top"] + obj["bottom"]) / 2
    return any(x0 <= x <= x1 and top <= y <= bottom for x0, top, x1, bottom in boxes)


def page_blocks(page: Any, number: int) -> list[Block]:
    """One page's paragraphs and tables, top to bottom."""
    tables = []
    for found in page.find_tables():
        rows = _table_rows(page, found)
        # A frame around the page text is drawn as a one-cell "table": it is prose.
        if len(rows) >= 2 and max(len(row) for row in rows) >= 2:
            tables.append((found.bbox, rows))
    boxes = [bbox for bbox, _ in tables]
    text_page = (
        page.filter(lambda obj: obj.get("object_type") != "char" or not inside(obj, boxes))
        if boxes
        else page
    )
    lines = [
        line
        for line in text_page.extract_text_lines(return_chars=False)
        if line["text"].strip() and not PAGE_NUMBER.match(line["text"].strip())
    ]
    items: list[tuple[float, object]] = [(line["top"], line) for line in lines]
    items += [(bbox[1], rows) for bbox, rows in tables]
    items.sort(key=lambda item: item[0])
    return _group(items, number)


def _table_rows(page: Any, found: Any) -> list[list[str]]:
    """The table's cell texts on the grid: a horizontally merged cell's
    text in its first column, a vertically merged one's in every row it
    covers (as :mod:`importer.actas.documents` reads a DOCX)."""
    lines: list[list[list[Line] | None]] = []
    for table_row in found.rows:
        row: list[list[Line] | None] = []
        for bbox in table_row.cells:
            if bbox is None:
                row.append(None)
                continue
            chars = page.filter(lambda obj, box=bbox: obj.get("object_type") != "char"
                                or inside(obj, [box]))  # fmt: skip
            row.append(chars.crop(bbox).extract_text_lines(return_chars=True))
        lines.append(row)
    offsets = [line["x0"] - bbox[0] for table_row, row in zip(found.rows, lines, strict=True)
               for bbox, cell in zip(table_row.cells, row, strict=True) if cell
               for line in cell]  # fmt: skip
    padding = max(0.0, min(offsets, default=0.0))
    rows: list[list[str]] = []
    above: dict[int, tuple[Box, str]] = {}
    for table_row, row in zip(found.rows, lines, strict=True):
        top = min((bbox[1] for bbox in table_row.cells if bbox is not None), default=0.0)
        texts = []
        for column, (bbox, cell) in enumerate(zip(table_row.cells, row, strict=True)):
            if bbox is not None:
                text = _cell_text(cell or [], bbox[2] - padding)
                above[column] = (bbox, text)
            elif column in above and above[column][0][3] > top + 1:
                text = above[column][1]  # the merged cell above reaches this row
            else:
                text = ""
            texts.append(text)
        rows.append(texts)
    return rows


def _cell_text(lines: list[Line], right: float) -> str:
    """A cell's lines as one text. A line that is one word with no room
    left for the next line's first character was cut inside the word
    (Writer does so when a word is wider than its cell): it is joined to
    the next line without a space."""
    text, previous = "", None
    for line in lines:
        piece = " ".join(line["text"].split())
        if not piece:
            continue
        if previous is None:
            text = piece
        else:
            room = right - previous["x1"]
            first = line["chars"][0]["x1"] - line["chars"][0]["x0"] if line["chars"] else 0.0
            cut = " " not in previous["text"].strip() and room < first + 0.5
            # A word continues in lower case or in capitals ("SERCOT" "EC"), not
            # with a capital after lower case (a first name, then a surname).
            cut = cut and not (text[-1:].islower() and piece[:1].isupper())
            if cut or text.endswith("/") or piece.startswith("/"):
                text += piece
            else:
                text = join_lines([text, piece])
        previous = line
    return text


def _group(items: list[tuple[float, object]], page: int) -> list[Block]:
    lines = [item for _, item in items if isinstance(item, dict)]
    height = statistics.median([line["bottom"] - line["top"] for line in lines] or [10.0])
    gaps = [max(0.0, b["top"] - a["bottom"]) for a, b in itertools.pairwise(lines)]
    usual = sorted(gaps)[len(gaps) // 4] if gaps else 0.0
    right = max((line["x1"] for line in lines), default=0.0)
    blocks: list[Block] = []
    current: list[Line] = []
    counts = {"p": 0, "t": 0}

    def flush() -> None:
        if current:
            counts["p"] += 1
            text = join_lines([line["text"] for line in current])
            blocks.append(Paragraph(f"página {page}, párrafo {counts['p']}", text))
            current.clear()

    for _, item in items:
        if not isinstance(item, dict):
            flush()
            counts["t"] += 1
            blocks.append(Table(f"página {page}, tabla {counts['t']}", item))  # type: ignore[arg-type]
            continue
        if current and _breaks(current[-1], item, usual, height, right):
            flush()
        current.append(item)
    flush()
    return blocks


def _breaks(before: Line, line: Line, usual: float, height: float, right: float) -> bool:
    """Whether ``line`` starts a new paragraph after ``before``."""
    gap = line["top"] - before["bottom"]
    if gap > usual + 0.5 * height:
        return True
    size, previous = line["bottom"] - line["top"], before["bottom"] - before["top"]
    if abs(size - previous) > 0.2 * max(size, previous):
        return True
    if MARKER.match(line["text"].strip()):
        return True
    ended = before["text"].rstrip().endswith(ENDS_SENTENCE)
    return ended and before["x1"] < right - 0.15 * (right - before["x0"])


def join_lines(lines: Sequence[str]) -> str:
    """Lines of one paragraph as one text; a word hyphenated at a line end
    is joined again."""
    text = ""
    for raw in lines:
        line = " ".join(raw.split())
        if text.endswith("-") and len(text) > 1 and text[-2].isalpha() and line[:1].islower():
            text = text[:-1] + line
        elif text.endswith("-") and len(text) > 1 and not text[-2].isspace():
            text += line  # a break after a hyphen: «Público-» «Privado», «11-12-» «2026»
        else:
            text = f"{text} {line}" if text else line
    return text


def _running_key(block: Block) -> str | None:
    if not isinstance(block, Paragraph):
        return None
    return re.sub(r"\d+", "#", block.text.casefold())


def drop_running_lines(per_page: list[list[Block]]) -> list[list[Block]]:
    """The pages without their running header and footer: a paragraph that
    opens or closes two or more pages with the same words (page numbers
    aside). The first page keeps its header (a letterhead names the
    territorio); every footer goes."""
    seen: dict[str, set[int]] = {}
    for number, page in enumerate(per_page):
        for block in (*page[:2], *page[-2:]):
            key = _running_key(block)
            if key is not None:
                seen.setdefault(key, set()).add(number)
    running = {key for key, pages in seen.items() if len(pages) >= 2}
    if not running:
        return per_page
    kept: list[list[Block]] = []
    for number, page in enumerate(per_page):
        edges = {id(block) for block in (*page[:2], *page[-2:])}
        kept.append([
            block for position, block in enumerate(page)
            if id(block) not in edges or _running_key(block) not in running
            or (number == 0 and position < 2)
        ])  # fmt: skip
    return kept


def join_pages(per_page: list[list[Block]]) -> list[Block]:
    """The pages' blocks in order; a paragraph that runs over a page break
    (no final punctuation, the next page starting in lower case) and a
    table that continues on the next page (same columns, its header
    repeated or not, its last row perhaps finished there) are joined."""
    blocks: list[Block] = []
    for page in per_page:
        for position, block in enumerate(page):
            last = blocks[-1] if blocks else None
            if position == 0 and _runs_on(last, block):
                assert isinstance(last, Paragraph) and isinstance(block, Paragraph)
                blocks[-1] = Paragraph(last.location, f"{last.text} {block.text}")
                continue
            same = (
                isinstance(last, Table)
                and isinstance(block, Table)
                and (max(map(len, block.rows)) == max(map(len, last.rows)))
            )
            if position == 0 and same:
                assert isinstance(last, Table) and isinstance(block, Table)
                blocks[-1] = Table(last.location, _continued(last.rows, block.rows))
                continue
            blocks.append(block)
    return blocks


def _runs_on(last: Block | None, block: Block) -> bool:
    """Whether ``block`` goes on with the paragraph ``last`` ended a page with."""
    return (
        isinstance(last, Paragraph)
        and isinstance(block, Paragraph)
        and not last.text.endswith(ENDS_SENTENCE)
        and block.text[:1].islower()
    )


def _continued(rows: list[list[str]], more: list[list[str]]) -> list[list[str]]:
    """``rows`` and the rows of their continuation: a repeated header
    dropped; a first row with its first cell empty and most cells empty is
    the end of the last row, cut by the page break."""
    more = more[1:] if more and more[0] == rows[0] else more
    if more and rows:
        first = more[0]
        if not first[0] and sum(1 for cell in first if cell) <= len(first) // 2:
            last = [join_lines([a, b]) if b else a for a, b in zip(rows[-1], first, strict=False)]
            return [*rows[:-1], last, *more[1:]]
    return [*rows, *more]
