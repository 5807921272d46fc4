"""The words of deadlines in Spanish actas, as regular expressions (used
by :mod:`importer.actas.due_dates`): explicit dates ("21 de septiembre de
2026", "21/09/2026", "2026-09-21"), terms ("en 10 días hábiles", "en 15
días"), periods ("a fines de octubre", "primer semestre de 2027"), undated
deadlines ("antes de la próxima sesión"), the words that introduce a
deadline ("antes del", "a más tardar el") and those after which a date names
something else ("el acta N° 12 del …", "a partir del …")."""

from __future__ import annotations

import re

from importer.actas.amounts import NUMBER_WORDS

MONTHS = {
    "enero": 1, "febrero": 2, "marzo": 3, "abril": 4, "mayo": 5, "junio": 6, "julio": 7,
    "agosto": 8, "septiembre": 9, "setiembre": 9, "octubre": 10, "noviembre": 11,
    "diciembre": 12,
}  # fmt: skip
MONTH_NAMES = [name for name in MONTHS if name != "setiembre"]
_MONTH = r"(?P<month>" + "|".join(MONTH_NAMES).replace("sep", "sep?") + ")"
_YEAR = (
    r"(?:\s*,?\s*(?:de|del)?\s*(?:año\s+)?(?P<year>(?:19|20)\d\d)\b"
    r"|\s+(?P<this>del\s+presente\s+año|de\s+este\s+año|del\s+año\s+en\s+curso))?"
)
_STRONG = (
    r"antes\s+del?|a\s+m[aá]s\s+tardar(?:\s+(?:el|al|a))?|hasta\s+(?:el|al|a)?|para\s+(?:el|a)?"
    r"|con\s+fecha\s+l[ií]mite(?:\s+(?:el|al))?|fecha\s+l[ií]mite:?|(?:como\s+)?plazo(?:\s+m[aá]ximo)?:?(?:\s+(?:el|hasta\s+el|al))?"
    r"|no\s+m[aá]s\s+all[aá]\s+del?|durante|dentro\s+de"
)
_WEAK = r"el\s+d[ií]a|el|al|en|a"
_MARKER = rf"(?:(?P<marker>{_STRONG}|{_WEAK})\s+)?"
_WEEKDAY = r"(?:(?:lunes|martes|mi[eé]rcoles|jueves|viernes|s[aá]bado|domingo)\s*,?\s*)?"
_N = rf"(?P<n>\d{{1,3}}|{NUMBER_WORDS})"
_TAIL = (
    r"(?P<tail>\s+(?:contados?\s+)?(?:desde|a\s+contar\s+de|a\s+partir\s+de|luego\s+de"
    r"|despu[eé]s\s+de|tras|siguientes?\s+al?)\b(?:(?!\s+y\s)[^,.;:]){0,60})?"
)
_FLAGS = re.IGNORECASE

EXPLICIT = re.compile(
    r"(?<!\w)"
    rf"{_MARKER}(?<!\w){_WEEKDAY}(?P<day>\d{{1,2}}|primero)\s*(?:°|º)?\s+de\s+{_MONTH}\b{_YEAR}"
    r"(?:\s+pr[oó]ximo\b)?",
    _FLAGS,
)
NUMERIC = re.compile(
    r"(?<!\w)"
    rf"{_MARKER}(?<![\w/.,-]){_WEEKDAY}(?P<day>\d{{1,2}})(?P<sep>[/-])(?P<nmonth>\d{{1,2}})"
    r"(?:(?P=sep)\s?(?P<nyear>\d{4}|\d{2}))?(?![\w/-]|[.,]\d)",
    _FLAGS,
)
ISO = re.compile(
    rf"(?<!\w){_MARKER}(?<![\w/.-])(?P<iyear>(?:19|20)\d\d)-(?P<imonth>\d\d)-(?P<day>\d\d)(?![\w-])",
    _FLAGS,
)
BUSINESS = re.compile(
    r"(?<!\w)"
    r"(?:(?P<marker>(?:en\s+(?:un|el)\s+plazo\s+(?:m[aá]ximo\s+)?de|dentro\s+(?:del\s+plazo\s+)?de"
    r"|(?:con\s+)?(?:un\s+)?plazo\s+(?:m[aá]ximo\s+)?de|en\s+un\s+m[aá]ximo\s+de|plazo:?|en|a)"
    r"(?:\s+los)?)\s+)?"
    rf"(?<!\w){_N}\s+d[ií]as?\s+h[aá]bil(?:es)?\b{_TAIL}",
    _FLAGS,
)
CALENDAR = re.compile(
    r"(?<!\w)"
    r"(?P<marker>en\s+(?:un|el)\s+plazo\s+(?:m[aá]ximo\s+)?de|dentro\s+de(?:\s+los\s+pr[oó]ximos)?"
    rf"|en\s+los\s+pr[oó]ximos|en)\s+{_N}\s+(?P<unit>d[ií]as?|semanas?|mes(?:es)?)"
    rf"(?!\s+h[aá]bil)(?:\s+(?:corridos|calendario))?\b{_TAIL}",
    _FLAGS,
)
PART_OF_MONTH = re.compile(
    r"(?<!\w)"
    r"(?:(?P<marker>antes\s+de|hasta|para|a|hacia|durante)\s+)?"
    r"(?:(?:los\s+|el\s+)?(?P<part>fines|finales|fin|mediados|principios|inicios|comienzos"
    r"|cierre|t[eé]rmino)|(?:el\s+)?(?P<last>[uú]ltimo\s+d[ií]a(?:\s+h[aá]bil)?))\s+"
    rf"(?:del?\s+)?(?:mes\s+de\s+)?{_MONTH}\b{_YEAR}",
    _FLAGS,
)
WHOLE_MONTH = re.compile(
    r"(?<!\w)"
    r"(?P<marker>durante|en|dentro\s+de|para|hasta|antes\s+de)\s+(?:el\s+)?(?:transcurso\s+del?\s+)?"
    rf"(?:mes\s+de\s+)?{_MONTH}\b{_YEAR}",
    _FLAGS,
)
PERIOD = re.compile(
    r"(?<!\w)"
    r"(?:(?P<marker>durante|en|para|hasta|antes\s+del?(?:\s+(?:fin|t[eé]rmino|cierre)\s+del?)?"
    r"|a\s+(?:fines|finales)\s+del?|al\s+(?:t[eé]rmino|cierre|final)\s+del?)\s+)?(?:el\s+)?"
    r"(?P<ord>primer|segundo|tercer|cuarto|1er|2do|3er|4to|[1-4]\s*[°º])\s+(?P<period>semestre|trimestre)"
    r"(?:\s+(?:del?\s+)?(?:año\s+)?(?P<year>(?:19|20)\d\d)\b|\s+(?P<this>del\s+presente\s+año|de\s+este\s+año))?",
    _FLAGS,
)
YEAR_END = re.compile(
    r"(?<!\w)"
    r"(?:(?P<marker>antes\s+de(?:l)?|hasta|para|a|al|durante|en)\s+)?(?:el\s+)?(?P<part>fines|finales|fin|t[eé]rmino|cierre|final)"
    r"\s+de(?:l)?\s+(?:este\s+|presente\s+)?(?P<unit>año|mes)(?:\s+(?P<year>(?:19|20)\d\d)\b)?",
    _FLAGS,
)
WHOLE_YEAR = re.compile(
    r"(?<!\w)"
    r"(?P<marker>durante(?:\s+el)?|en\s+el|en|dentro\s+del|para\s+el|para|hasta\s+el)\s+"
    r"(?:año\s+|transcurso\s+del\s+(?:año\s+)?)?"
    r"(?:(?P<year>(?:19|20)\d\d)\b|(?P<this>presente\s+año|este\s+año))",
    _FLAGS,
)
NEXT_WEEK = re.compile(
    r"(?<!\w)"
    r"(?:(?P<marker>durante|en|para|antes\s+de)\s+)?la\s+(?:pr[oó]xima\s+semana|semana\s+(?:pr[oó]xima|siguiente))",
    _FLAGS,
)
UNDATED = re.compile(
    r"(?<!\w)"
    r"a\s+la\s+brevedad(?:\s+posible)?|de\s+inmediato|en\s+forma\s+inmediata"
    r"|(?:antes\s+de|para|en|hasta)\s+la\s+(?:pr[oó]xima|siguiente)\s+(?:sesi[oó]n|reuni[oó]n)",
    _FLAGS,
)
# A date right after these words names a document, a meeting, a start or
# a past event, not a deadline.
_GAP = r"(?:[\s,]+(?!\w*rán?\b)[\w°º.]+){0,3}?[\s,]*"
REFERENCE = re.compile(
    r"(?:\b(?:acta|sesi[oó]n|reuni[oó]n|oficio|ord\.|resoluci[oó]n|carta|decreto|correo|convenio"
    r"|protocolo|memor[aá]ndum)\b" + _GAP + r"(?:del?|de\s+fecha)"
    r"|\b(?:(?:celebrad|realizad|efectuad|firmad|suscrit|recibid|enviad|emitid|ingresad|fechad"
    r"|iniciad)[ao]s?|fecha|desde|partir|contar|inici[oó]|comenz[oó]|realiz[oó]|efectu[oó]|lugar"
    r"|pasad[ao]|anterior|transfiri[oó]|entreg[oó]|aport[oó]|lleg[oó])\b"
    + _GAP
    + r"(?:del?|el|en|al)?)\s*(?:d[ií]a\s+)?$",
    _FLAGS,
)
# ... except a meeting set as the deadline ("en la sesión del 15 de octubre").
MEETING = re.compile(
    r"(?:en|para|antes\s+de|hasta)\s+la\s+(?:pr[oó]xima\s+|siguiente\s+)?(?:sesi[oó]n|reuni[oó]n)"
    r"(?:\s+\w+){0,3}?\s+(?:del?|el)\s*(?:d[ií]a\s+)?$",
    _FLAGS,
)
ACTA_TAIL = re.compile(
    r"(?:esta|este|la\s+presente|el\s+presente)\s+(?:sesi[oó]n|reuni[oó]n|acta|protocolo|convenio"
    r"|documento|instrumento|fecha)|la\s+(?:sesi[oó]n|reuni[oó]n)\b|hoy"
    r"|la\s+fecha(?:\s+(?:del?\s+)?(?:la\s+)?(?:presente\s+)?(?:acta|sesi[oó]n|reuni[oó]n))?\s*$",
    _FLAGS,
)
STRONG_RE = re.compile(_STRONG, _FLAGS)
