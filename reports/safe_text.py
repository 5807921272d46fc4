"""Text cells that spreadsheets would execute (CSV injection): the one rule
every CSV meant for people applies to its text fields."""

from __future__ import annotations

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
