"""Amounts of money as actas write them, in whole Chilean pesos.

Pure functions of the text. An amount needs a currency or a scale that only
money takes: ``$15.000.000``, ``$ 15.000.000.-``, ``15 millones de pesos``,
``$ 8,5 millones``, ``M$ 8.500`` (thousands: $8.500.000), ``MM$ 1,2``
(millions: $1.200.000), ``$15 MM``, ``quince millones de pesos``. A bare
number is never an amount (a year, a percentage, a RUT, a phone number, a
date, an acta number); "15 millones" without "pesos" is taken as pesos but
marked ``stated_currency=False`` so that the caller can flag the guess.
Amounts in UF, UTM or dollars are found but carry no peso value: converting
them would invent one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from text_to_num import text2num

from models.text import fold

NOT_PESOS = {"UF": "UF", "U.F.": "UF", "UTM": "UTM", "US$": "USD", "USD": "USD"}


@dataclass(frozen=True)
class Amount:
    """One amount in a text: its value in pesos (``None`` when the unit is
    not pesos), the words as written and where they are."""

    pesos: int | None
    text: str
    start: int
    end: int
    unit: str = "CLP"
    stated_currency: bool = True

    @property
    def span(self) -> tuple[int, int]:
        return (self.start, self.end)


_NUMBER = r"\d{1,3}(?:\.\s?\d{3})+(?:,\d+)?|\d{1,3}(?:,\d{3}){2,}|\d+(?:[.,]\d+)?"
_SCALE = r"mil\s+millones|millones|mill[oó]n"
_SCALES = {"mil millones": 10**9, "millones": 10**6, "millon": 10**6, "mil": 10**3, "mm": 10**6}
_PREFIX_SCALE = {"$": 1, "clp": 1, "clp$": 1, "m$": 10**3, "mm$": 10**6}
_END = r"(?:\s*\.-|-)?"
_NO_WORD_BEFORE = r"(?<![\w$.,])"

_PREFIXED = re.compile(
    _NO_WORD_BEFORE + r"(?P<cur>US\$|MM\$|M\$|CLP\$?|\$)\s{0,2}(?P<num>" + _NUMBER + r")(?![\d])"
    r"(?:\s*(?P<scale>" + _SCALE + r"|mil|MM)\b)?(?:\s*(?:de\s+)?pesos\b)?" + _END,
    re.IGNORECASE,
)
_SUFFIXED = re.compile(
    _NO_WORD_BEFORE + r"(?P<num>" + _NUMBER + r")(?![\d])"
    r"(?:\s*(?P<scale>" + _SCALE + r"|mil)\b)?\s*(?:de\s+)?(?P<cur>pesos|CLP)\b" + _END,
    re.IGNORECASE,
)
_FOREIGN = re.compile(
    _NO_WORD_BEFORE + r"(?:(?P<pre>UF|UTM|USD)\s?(?P<num1>" + _NUMBER + r")(?![\d])"
    r"|(?P<num2>" + _NUMBER + r")(?![\d])(?:\s*(?:" + _SCALE + r"|mil)\b)?\s*(?:de\s+)?"
    r"(?P<post>UF\b|U\.F\.|UTM\b|USD\b|d[oó]lares\b))",
    re.IGNORECASE,
)
# "15 millones" with no currency: pesos, unless "de" names another unit
# ("2 millones de personas").
_BARE_MILLIONS = re.compile(
    _NO_WORD_BEFORE + r"(?P<num>" + _NUMBER + r")(?![\d])\s*(?P<scale>" + _SCALE + r")\b"
    r"(?!\s+de\s+(?!pesos\b))",
    re.IGNORECASE,
)

_WORDS = str.split(
    "un uno una dos tres cuatro cinco seis siete ocho nueve diez once doce trece catorce "
    "quince dieciséis diecisiete dieciocho diecinueve veinte veintiuno veintidós veintitrés "
    "veinticuatro veinticinco veintiséis veintisiete veintiocho veintinueve treinta cuarenta "
    "cincuenta sesenta setenta ochenta noventa cien ciento doscientos doscientas trescientos "
    "trescientas cuatrocientos cuatrocientas quinientos quinientas seiscientos seiscientas "
    "setecientos setecientas ochocientos ochocientas novecientos novecientas mil millón millones"
)
_CANONICAL_WORD = {fold(word): word for word in _WORDS} | {"veintiun": "veintiuno"}
_SPELLINGS = set(_CANONICAL_WORD) | set(_WORDS) | {"veintiún"}
_WORD = "(?:" + "|".join(sorted(map(re.escape, _SPELLINGS), key=len, reverse=True)) + r")(?!\w)"
_FIRST_WORD = r"(?!mill[oó]n)" + _WORD
_IN_WORDS = re.compile(
    r"(?<!\w)(?P<words>" + _FIRST_WORD + r"(?:\s+(?:y\s+)?" + _WORD + r")*)"
    r"(?:\s+(?:de\s+)?(?P<cur>pesos)\b|(?<=millones)(?!\s+de\s+(?!pesos\b))"
    r"|(?<=mill[oó]n)(?!\s+de\s+(?!pesos\b)))" + _END,
    re.IGNORECASE,
)
_FOLD_ACCENTS = str.maketrans("áéíóúÁÉÍÓÚ", "aeiouAEIOU")


def _decimal(number: str, scale: int) -> Decimal | None:
    """Chilean notation: dots group thousands, the comma is the decimal
    separator. ``1,500`` is 1.5 when scaled by millions and 1500 otherwise
    (nobody writes half a peso)."""
    number = number.replace(" ", "")  # "$15. 000.000" as a scanner reads it
    if re.fullmatch(r"\d{1,3}(?:\.\d{3})+(?:,\d+)?", number):
        cleaned = number.replace(".", "").replace(",", ".")
    elif re.fullmatch(r"\d{1,3}(?:,\d{3})+", number) and (scale < 10**6 or number.count(",") > 1):
        cleaned = number.replace(",", "")
    else:
        cleaned = number.replace(",", ".")
    try:
        return Decimal(cleaned)
    except InvalidOperation:
        return None


def _pesos(number: str, scale: int) -> int | None:
    value = _decimal(number, scale)
    if value is None:
        return None
    total = value * scale
    if total <= 0 or total != total.to_integral_value() or total > 10**15:
        return None
    return int(total)


def _scale(word: str | None) -> int:
    if not word:
        return 1
    return _SCALES[" ".join(fold(word).split())]


NUMBER_WORDS = r"(?<!\w)" + _FIRST_WORD + r"(?:\s+(?:y\s+)?" + _WORD + r")*"
"""A number written in words ("diez", "treinta y cinco", "quince millones")."""


def number_in_words(words: str) -> int | None:
    """The value of a number written in Spanish words, ``None`` when the
    words are not a number (text2num, with the accents people forget)."""
    return _in_words(words)


def _in_words(words: str) -> int | None:
    tokens = [_CANONICAL_WORD.get(fold(token), token) for token in words.split()]
    try:
        value = text2num(" ".join(tokens), "es")
    except ValueError:
        return None
    return value if value > 0 else None


def _candidates(text: str) -> list[tuple[int, Amount]]:
    """Every match of every form, with a priority for overlaps (lower wins)."""
    found: list[tuple[int, Amount]] = []

    def add(priority: int, match: re.Match[str], pesos: int | None, **kw: object) -> None:
        start, end = match.span()
        found.append((priority, Amount(pesos, text[start:end], start, end, **kw)))  # type: ignore[arg-type]

    for match in _PREFIXED.finditer(text):
        currency = match["cur"].upper()
        if currency == "US$":
            add(0, match, None, unit="USD")
            continue
        scale = _PREFIX_SCALE[currency.lower()] * _scale(match["scale"])
        pesos = _pesos(match["num"], scale)
        if pesos is not None:
            add(0, match, pesos)
    for match in _SUFFIXED.finditer(text):
        pesos = _pesos(match["num"], _scale(match["scale"]))
        if pesos is not None:
            add(1, match, pesos)
    for match in _FOREIGN.finditer(text):
        unit = (match["pre"] or match["post"]).upper().translate(_FOLD_ACCENTS)
        add(1, match, None, unit=NOT_PESOS.get(unit, "USD"))
    for match in _IN_WORDS.finditer(text):
        pesos = _in_words(match["words"])
        if pesos is not None:
            add(2, match, pesos, stated_currency=match["cur"] is not None)
    for match in _BARE_MILLIONS.finditer(text):
        pesos = _pesos(match["num"], _scale(match["scale"]))
        if pesos is not None:
            add(3, match, pesos, stated_currency=False)
    return found


def find_amounts(text: str) -> list[Amount]:
    """Every amount in ``text``, in order of appearance; where two forms
    overlap, the one that states its currency wins, then the longer."""
    chosen: list[Amount] = []
    ranked = sorted(_candidates(text), key=lambda c: (c[0], c[1].start, c[1].start - c[1].end))
    for _priority, amount in ranked:
        if all(amount.end <= other.start or amount.start >= other.end for other in chosen):
            chosen.append(amount)
    return sorted(chosen, key=lambda a: a.start)
