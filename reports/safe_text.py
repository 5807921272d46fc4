"""Text made safe for where it goes: cells that spreadsheets would execute
(CSV injection), the one rule every CSV meant for people applies to its text
fields; and characters the PDFs' font cannot draw (:func:`drawable`)."""

from __future__ import annotations

import functools
import re
import unicodedata

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""What makes Excel, LibreOffice or Google Sheets read a cell as a formula
(OWASP, "CSV Injection")."""

CSV_NOTE = (
    "Las celdas de texto que comienzan con =, +, -, @, tabulación o retorno de carro "
    "llevan un apóstrofo inicial para que las planillas no las ejecuten; el JSON conserva "
    "el texto exacto."
)


def neutralise_cell(text: str) -> str:
    """``text`` with a leading ``'`` when it begins with ``=``, ``+``, ``-``,
    ``@``, a tab or a carriage return, unchanged otherwise. Only for text:
    numbers and ISO dates are written as they are, never through this
    function (``-5`` in an amount column is a number, not a formula)."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


MISSING_GLYPH = "\ufffd"
"""What a character the documents' font cannot draw is printed as."""


@functools.cache
def _undrawable() -> re.Pattern[str]:
    """Characters outside the cmap of both upright faces of the font."""
    # Imported here: the CSV writers and the console import this module,
    # and need neither matplotlib (where the font lives) nor fontTools.
    from fontTools.ttLib import TTFont

    from reports.fonts import FACES, font_folder

    covered: set[int] | None = None
    for name in (FACES[(400, "normal")], FACES[(700, "normal")]):
        with TTFont(font_folder() / name, lazy=True) as font:
            cmap = set(font.getBestCmap())
        covered = cmap if covered is None else covered & cmap
    assert covered is not None
    ranges: list[str] = []
    start = previous = -2
    for point in [*sorted(covered), -1]:
        if point == previous + 1:
            previous = point
            continue
        if start >= 0:
            ranges.append(f"\\U{start:08x}-\\U{previous:08x}")
        start = previous = point
    return re.compile(f"[^{''.join(ranges)}]")


def _replacement(match: re.Match[str]) -> str:
    char = match.group()
    # Controls, format characters (bidi marks, joiners) and variation
    # selectors are never drawn: the shaper drops them without a glyph.
    if unicodedata.category(char) in ("Cc", "Cf") or "VARIATION SELECTOR" in unicodedata.name(
        char, ""
    ):
        return char
    return MISSING_GLYPH


def drawable(text: str) -> str:
    """``text`` with each character the documents' font (DejaVu Sans) has
    no glyph for (an emoji, CJK) replaced by U+FFFD.

    WeasyPrint would draw such a character as the font's .notdef glyph,
    which PDF/A forbids, and then writes the font with a custom encoding
    that pdfminer (pdfplumber) cannot read: one emoji in a name left every
    other word of the PDF unextractable. Only the PDFs (and their charts)
    go through it; the workbooks, the CSV, the JSON and the DOCX keep the
    exact text."""
    return _undrawable().sub(_replacement, text)
