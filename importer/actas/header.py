"""The acta's own data, read from its first blocks: kind (acta, protocolo,
convenio, resolución, oficio), number, instance, territory, place and date
("ACTA N° 12 … Consejo Público-Privado Loa Emprende … En Calama, a 10 de
septiembre de 2026"), each with how it was obtained. Dates in words go
through text2num and dateparser (Spanish); the rest are the few patterns
actas are written in."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import date

from importer.actas.proposal import ActaHeader, Block, Found, Paragraph
from models.commitments import ActaKind
from models.dates import DateError, check_range, parse_date
from models.text import fold

HEADER_BLOCKS = 12
"""Blocks at the start of an acta that hold its header."""
CLOSING_BLOCKS = 10
"""Blocks at its end that may hold the place and date ("Calama, 10 de …")."""
INSTANCES = (
    "Consejo Público-Privado",
    "Directorio Ejecutivo",
    "Secretaría Técnica",
    "Mesa Territorial",
    "Mesa Técnica",
    "Concejo Municipal",
)
"""The instancias of domain.md (the body whose meeting produces an acta)."""
_KINDS = {fold(kind.value): kind.value for kind in ActaKind} | {"ord": ActaKind.OFICIO.value}
_KIND = re.compile(r"^\W*(acta|protocolo|convenio|resoluci[oó]n|oficio|ord)\b\.?", re.IGNORECASE)
_KIND_ANYWHERE = re.compile(r"\b(acta|protocolo|convenio|resoluci[oó]n|oficio)\b", re.IGNORECASE)
_NUMBER = re.compile(
    r"(?:\bN\s*(?:[°º?*]|o\b|ro\b|\.\s*[°º])\s*\.?\s*|\bn[úu]mero\s+|#\s*)"
    r"(\d{1,6}(?:\s*[/-]\s*\d{2,4})?)",
    re.IGNORECASE,
)
_BARE_NUMBER = re.compile(r"^\W*acta\s+(\d{1,6}(?:\s*[/-]\s*\d{2,4})?)\b", re.IGNORECASE)
_MONTHS = "enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|setiembre|octubre|noviembre|diciembre"  # noqa: E501
_DATE = (
    r"(?:\d{1,2}|primero)\s+(?:d[ií]as\s+)?de(?:l\s+mes\s+de)?\s+(?i:" + _MONTHS + r")"
    r"\s+(?:de(?:l)?\s+)?(?:(?i:a[ñn]o)\s+)?\d{4}"
    r"|\d{1,2}[/.-]\d{1,2}[/.-]\d{4}|\d{4}-\d{2}-\d{2}"
)
_WEEKDAY = r"(?i:lunes|martes|mi[ée]rcoles|jueves|viernes|s[áa]bado|domingo)"
_PLACE = r"[A-ZÁÉÍÓÚÑ][\w'’.]*(?:\s+(?:de|del|la|las|los|el|y|[A-ZÁÉÍÓÚÑ][\w'’.]*)){0,5}"
_PLACE_DATE = re.compile(
    r"(?:^\W*|(?i:\ben)\s+)(?:(?i:la\s+(?:ciudad|comuna|localidad)\s+de)\s+)?"
    r"(?P<place>" + _PLACE + r")\s*,\s*(?:(?i:a|el|al|con\s+fecha|hoy)\s+)?"
    r"(?:(?i:d[ií]a)\s+)?(?:" + _WEEKDAY + r"\s*,?\s*)?(?P<date>" + _DATE + r")"
)
_PLACE_LABEL = re.compile(r"^\W*(?i:lugar)\s*:\s*(?P<place>" + _PLACE + r")")
_PLACE_PREFIX = re.compile(r"^(?i:en)\s+(?:(?i:la\s+(?:ciudad|comuna|localidad)\s+de)\s+)?")
_ANY_DATE = re.compile(r"(?P<date>" + _DATE + r")", re.IGNORECASE)
_AFTER_INSTANCE = re.compile(
    r"^\s*(?:[-–—:,]\s*)?(?:(?i:del|de\s+la|de)\s+)?(?:(?i:territorio)\s*:?\s+)?(?:(?i:de)\s+)?"
)
_TERRITORY_LABEL = re.compile(r"\bterritorio\s*:?\s+(?P<name>[A-ZÁÉÍÓÚÑ].*)", re.IGNORECASE)
_STOP_WORDS = {
    "en", "realizada", "realizado", "celebrada", "celebrado", "sesion", "sesión", "a", "con",
    "siendo", "fecha", "del", "de", "el", "la", "reunido", "reunida", "n", "nº", "n°", "acta",
    "ordinaria", "extraordinaria", "y",
}  # fmt: skip
_CONNECTORS = {"de", "del", "la", "las", "los", "el", "y"}


def header_lines(blocks: Sequence[Block], count: int = HEADER_BLOCKS) -> list[str]:
    """The texts of the first ``count`` blocks; a table's rows as lines
    (``Fecha: 10/09/2026``)."""
    lines: list[str] = []
    for block in blocks[:count]:
        if isinstance(block, Paragraph):
            lines.append(block.text)
        else:
            lines.extend(": ".join(cell for cell in row if cell) for row in block.rows[:20])
    return [line for line in lines if line]


def read_header(blocks: Sequence[Block], *, territories: Iterable[str] = ()) -> ActaHeader:
    """The header of the acta whose blocks are ``blocks``; ``territories``
    are the known territorio names (a name found in the header is taken as
    stored). What is not found is left empty and ``MISSING``."""
    lines = header_lines(blocks)
    header = ActaHeader()
    header.kind, header.states["kind"] = _kind(lines)
    header.number, header.states["number"] = _number(lines)
    instance, header.states["instance"], after = _instance(lines)
    header.instance = instance
    header.territory, header.states["territory"] = _territory(lines, after, territories)
    closing = [b.text for b in blocks[-CLOSING_BLOCKS:] if isinstance(b, Paragraph)]
    place, held_on = _place_and_date(lines, closing)
    header.place, header.states["place"] = place, Found.FOUND if place else Found.MISSING
    header.held_on = held_on
    header.states["held_on"] = Found.FOUND if held_on else Found.MISSING
    return header


def _kind(lines: Sequence[str]) -> tuple[str, Found]:
    for line in lines:
        match = _KIND.match(line)
        if match:
            return _KINDS[fold(match.group(1))], Found.FOUND
    for line in lines[:3]:
        match = _KIND_ANYWHERE.search(line)
        if match:
            return _KINDS[fold(match.group(1))], Found.FOUND
    return "", Found.MISSING


def _number(lines: Sequence[str]) -> tuple[str, Found]:
    """The number in the title: the kind's line or the few lines after it."""
    start = next((i for i, line in enumerate(lines) if _KIND.match(line)), 0)
    for line in lines[start : start + 4]:
        match = _NUMBER.search(line) or _BARE_NUMBER.match(line)
        if match:
            return re.sub(r"\s*([/-])\s*", r"\1", match.group(1)), Found.FOUND
    return "", Found.MISSING


def loose(name: str) -> str:
    """A pattern for ``name`` that ignores case, accents and how the words
    are joined (``Consejo Publico Privado``, ``CONSEJO PÚBLICO-PRIVADO``)."""
    variants = {"a": "aáà", "e": "eé", "i": "ií", "o": "oó", "u": "uúü", "n": "nñ"}
    parts = []
    for word in re.split(r"[\s\-–]+", fold(name)):
        parts.append(
            "".join(f"[{variants[ch]}]" if ch in variants else re.escape(ch) for ch in word)
        )
    return r"(?i:\b" + r"[\s\-–]*".join(parts) + r"\b)"


_INSTANCE_PATTERNS = [(name, re.compile(loose(name))) for name in INSTANCES]


def _instance(lines: Sequence[str]) -> tuple[str, Found, str]:
    """The instancia as written (in its usual spelling when the acta writes
    it in capitals), how it was found, and the text after it on its line."""
    for line in lines:
        for name, pattern in _INSTANCE_PATTERNS:
            match = pattern.search(line)
            if match:
                written = " ".join(match.group(0).split())
                shown = name if written.isupper() else written
                return shown, Found.FOUND, line[match.end() :]
    return "", Found.MISSING, ""


def _territory(lines: Sequence[str], after: str, known: Iterable[str]) -> tuple[str, Found]:
    names = sorted({name for name in known if name.strip()}, key=len, reverse=True)
    text = "\n".join(lines)
    for name in names:
        if re.search(loose(name), text):
            return name, Found.FOUND
    for line in lines:
        labelled = _TERRITORY_LABEL.search(line)
        if labelled and line.lower().lstrip().startswith("territorio"):
            phrase = _phrase(labelled.group("name"))
            if phrase:
                return phrase, Found.FOUND
    phrase = _phrase(_AFTER_INSTANCE.sub("", after, count=1)) if after else ""
    if phrase:
        return phrase, Found.GUESSED
    for line in lines:
        labelled = _TERRITORY_LABEL.search(line)
        if labelled:
            phrase = _phrase(labelled.group("name"))
            if phrase:
                return phrase, Found.GUESSED
    return "", Found.MISSING


def _phrase(text: str) -> str:
    """The name at the start of ``text``: capitalised words (and their
    connectors) up to punctuation, a number or a word that starts the rest
    of the sentence; written in capitals, it is given in title case."""
    words: list[str] = []
    for word in re.split(r"\s+", text.strip()):
        bare = word.strip(',.;:()"«»')
        if not bare or bare[0].isdigit() or fold(bare) in _STOP_WORDS - _CONNECTORS:
            break
        if fold(bare) in _CONNECTORS or bare[0].isupper():
            words.append(bare)
        else:
            break
        if bare != word or len(words) >= 6:
            break
    while words and fold(words[-1]) in _CONNECTORS:
        words.pop()
    phrase = " ".join(words)
    if phrase.isupper():
        phrase = " ".join(
            word.lower() if word.lower() in _CONNECTORS else word.title() for word in words
        )
    return phrase


def _place_and_date(lines: Sequence[str], closing: Sequence[str]) -> tuple[str, date | None]:
    for group in (lines, closing):
        for line in group:
            match = _PLACE_DATE.search(_in_digits(line))
            if match:
                day = to_date(match.group("date"))
                if day is not None:
                    return _PLACE_PREFIX.sub("", match.group("place")).rstrip("."), day
    labelled = (_PLACE_LABEL.match(line) for line in lines)
    place = next((match.group("place").rstrip(".") for match in labelled if match), "")
    for line in lines:
        for match in _ANY_DATE.finditer(_in_digits(line)):
            day = to_date(match.group("date"))
            if day is not None:
                return place, day
    return place, None


def _in_digits(line: str) -> str:
    """``a diez días del mes de septiembre de dos mil veintiséis`` → ``a 10
    días del mes de septiembre de 2026`` (numbers in words, via text2num)."""
    if not re.search(r"\b(?:dos\s+mil|diez|once|doce|trece|catorce|quince|veint|treint|uno|dos|"
                     r"tres|cuatro|cinco|seis|siete|ocho|nueve)", line, re.IGNORECASE):  # fmt: skip
        return line
    from text_to_num import alpha2digit

    return alpha2digit(re.sub(r"(?i)veinti[uú]n\b", "veintiuno", line), "es")


def to_date(text: str) -> date | None:
    """A date written ``10 de septiembre de 2026``, ``10 días del mes de
    septiembre del año 2026``, ``10/09/2026`` or ``2026-09-10``; ``None``
    when it is not a real date between 1990 and 2100."""
    text = " ".join(text.split())
    try:
        return parse_date(text.replace(".", "-"))
    except DateError:
        pass
    words = re.sub(r"(?i)\bprimero\b", "1", text)
    words = re.sub(r"(?i)\s+d[ií]as\s+del\s+mes", "", words)
    words = re.sub(r"(?i)\bdel\s+(a[ñn]o\s+)?(\d{4})$", r"de \2", words)
    words = re.sub(r"(?i)\bde\s+a[ñn]o\s+", "de ", words).replace("setiembre", "septiembre")
    import dateparser

    parsed = dateparser.parse(
        words, languages=["es"], settings={"DATE_ORDER": "DMY", "STRICT_PARSING": True}
    )
    if parsed is None:
        return None
    try:
        return check_range(parsed.date())
    except DateError:
        return None


__all__ = ["INSTANCES", "header_lines", "loose", "read_header", "to_date"]
