"""How well the acta reader did on one document, against the commitments
the corpus says it states.

Proposals are paired one to one with the gold commitments by the action's
words (the share of the gold action's words found in the proposal's
``compromiso``, or the strings' difflib ratio, whichever is higher; at least
:data:`MATCH_AT`), preferring the pair whose institution agrees. Then:

- commitments: found (gold paired) / gold, and correct proposals (paired) /
  proposals;
- per field (institución, monto, plazo): over the paired proposals, right /
  filled (precision) and, over the gold commitments that state the field,
  filled right / stated (recall);
- invented values: an amount or a due date filled where the gold says there
  is none, or one the document does not state anywhere (neither in a
  commitment nor in the reports, attendance and dates around them); a date
  inside the period the commitment's words name ("a fines de octubre") is a
  wrong guess, not an invented one.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from datetime import date

from importer.actas.proposal import ActaReading, Proposal
from models.dates import DateError, format_long, parse_date
from models.money import AmountError, format_clp, parse_clp
from models.text import fold
from testbed.actas_corpus.spec import Acta, Gold

MATCH_AT = 0.6
_ISO = re.compile(r"\d{4}-\d{2}-\d{2}")
FIELDS = ("institucion", "monto", "plazo")
"""The fields the thresholds are about."""
INFO_FIELDS = ("plazo_texto",)
"""Fields measured for information only."""
FULL_NAMES = {
    "FOSIS": "Fondo de Solidaridad e Inversión Social",
    "SERCOTEC": "Servicio de Cooperación Técnica",
    "INDAP": "Instituto de Desarrollo Agropecuario",
    "SENCE": "Servicio Nacional de Capacitación y Empleo",
    "CORFO": "Corporación de Fomento de la Producción",
    "SERNATUR": "Servicio Nacional de Turismo",
    "SERNAPESCA": "Servicio Nacional de Pesca y Acuicultura",
}
"""An institution named by its acronym or by its full name is the same one."""
_ALIASES = {fold(full): fold(acronym) for acronym, full in FULL_NAMES.items()}
_STOPWORDS = frozenset((
    "del", "las", "los", "una", "uno", "con", "por", "para", "que", "sus", "como", "ante",
    "desde", "entre", "hasta", "segun", "sin", "sobre", "tras", "cada", "este", "esta",
))  # fmt: skip


def institution_key(name: str) -> str:
    """``"la I. Municipalidad de Monte Patria"`` and ``"Municipalidad de
    Monte Patria"`` give one key; so do an acronym and its full name."""
    key = fold(name).strip(" .,;:")
    key = re.sub(r"^(la|el|los|las)\s+", "", key)
    key = re.sub(r"^(ilustre|i\.)\s*municipalidad\b", "municipalidad", key)
    key = re.sub(r"\s*\(([^)]*)\)$", "", key) or key
    return _ALIASES.get(key, key)


def due_key(value: str) -> str:
    """A due date as ``YYYY-MM-DD`` or ``N días hábiles``; anything else
    folded as it is (it will match nothing)."""
    text = fold(value).strip(" .")
    match = re.fullmatch(r"(\d+)\s+dias?\s+habil(?:es)?", text)
    if match:
        return f"{int(match.group(1))} días hábiles"
    try:
        return parse_date(text).isoformat()
    except DateError:
        return text


def _stems(text: str) -> set[str]:
    words = re.findall(r"[a-zñ]+", fold(text))
    return {w[:6] for w in words if len(w) >= 3 and w not in _STOPWORDS}


def action_similarity(gold: str, proposed: str) -> float:
    """How well ``proposed`` carries the gold action: the share of its words
    present (compared by their first six letters, so that ``transferir``
    and ``transferirá`` agree) or the difflib ratio, whichever is higher."""
    if not proposed.strip():
        return 0.0
    wanted = _stems(gold)
    share = len(wanted & _stems(proposed)) / len(wanted) if wanted else 0.0
    ratio = difflib.SequenceMatcher(None, fold(gold), fold(proposed)).ratio()
    return max(share, ratio)


@dataclass
class FieldTally:
    """One field: how many filled and how many of those right (precision),
    how many the gold states and how many of those were filled right
    (recall)."""

    filled: int = 0
    right: int = 0
    stated: int = 0
    found: int = 0

    def add(self, other: FieldTally) -> None:
        self.filled += other.filled
        self.right += other.right
        self.stated += other.stated
        self.found += other.found

    @property
    def precision(self) -> float | None:
        return self.right / self.filled if self.filled else None

    @property
    def recall(self) -> float | None:
        return self.found / self.stated if self.stated else None


@dataclass
class Tally:
    """Counts over one or more documents."""

    documents: int = 0
    gold: int = 0
    found: int = 0
    proposals: int = 0
    correct: int = 0
    invented: int = 0
    fields: dict[str, FieldTally] = field(
        default_factory=lambda: {name: FieldTally() for name in FIELDS + INFO_FIELDS}
    )

    def add(self, other: Tally) -> None:
        self.documents += other.documents
        self.gold += other.gold
        self.found += other.found
        self.proposals += other.proposals
        self.correct += other.correct
        self.invented += other.invented
        for name, tally in other.fields.items():
            self.fields.setdefault(name, FieldTally()).add(tally)

    @property
    def recall(self) -> float | None:
        return self.found / self.gold if self.gold else None

    @property
    def precision(self) -> float | None:
        return self.correct / self.proposals if self.proposals else None


@dataclass(frozen=True)
class Miss:
    """One thing the reader got wrong: which document, what, what the
    corpus expected, what the reader gave, and the text it was read from."""

    document: str
    problem: str
    expected: str
    got: str
    text: str


def _amount(value: str) -> int | None:
    try:
        return parse_clp(value)
    except AmountError:
        return None


def _describe_amount(amount: int | None) -> str:
    return format_clp(amount)


def _describe_due(due: str | None) -> str:
    if due is None:
        return "sin plazo"
    try:
        return format_long(parse_date(due))
    except DateError:
        return due


def _describe_gold(gold: Gold) -> str:
    return f"{gold.institution} · {_describe_amount(gold.amount)} · {_describe_due(gold.due)}"


def _texto_right(gold: str, got: str) -> bool:
    wanted, given = fold(gold).strip(" .,;"), fold(got).strip(" .,;")
    shorter, longer = sorted((wanted, given), key=len)
    return bool(shorter) and shorter in longer and len(shorter) * 2 >= len(longer)


def pair(acta: Acta, proposals: list[Proposal]) -> dict[int, int]:
    """Gold index → proposal index, one to one (see the module's doc)."""
    gold = acta.gold()
    candidates: list[tuple[float, int, int]] = []
    for gi, commitment in enumerate(gold):
        for pi, proposal in enumerate(proposals):
            similarity = action_similarity(commitment.action, proposal.values.get("compromiso", ""))
            if similarity < MATCH_AT:
                continue
            same = institution_key(commitment.institution) == institution_key(
                proposal.values.get("institucion", "")
            )
            candidates.append((similarity + (1.0 if same else 0.0), gi, pi))
    pairs: dict[int, int] = {}
    taken: set[int] = set()
    for _, gi, pi in sorted(candidates, key=lambda c: (-c[0], c[1], c[2])):
        if gi not in pairs and pi not in taken:
            pairs[gi] = pi
            taken.add(pi)
    return pairs


def score_document(acta: Acta, reading: ActaReading, label: str) -> tuple[Tally, list[Miss]]:
    """The counts and the misses of one reading of ``acta``'s document."""
    sources = acta.gold_sources()
    proposals = reading.proposals
    amounts = acta.stated_amounts()
    dues = {due_key(d) for d in acta.stated_dues()}
    tally = Tally(documents=1, gold=len(sources), proposals=len(proposals))
    misses: list[Miss] = []
    pairs = pair(acta, proposals)
    tally.found = tally.correct = len(pairs)
    for gi, (gold, text) in enumerate(sources):
        if gi not in pairs:
            misses.append(Miss(label, "compromiso no encontrado", _describe_gold(gold), "", text))
            for name, stated in _stated(gold).items():
                tally.fields[name].stated += int(stated)
            continue
        values = proposals[pairs[gi]].values
        for name in FIELDS + INFO_FIELDS:
            counts = tally.fields[name]
            value = (values.get(name) or "").strip()
            stated = _stated(gold)[name]
            counts.stated += int(stated)
            if not value:
                if stated and name in FIELDS:
                    misses.append(Miss(label, _PROBLEMS[name][1], _expected(gold, name), "", text))
                continue
            counts.filled += 1
            if _is_right(name, value, gold):
                counts.right += 1
                counts.found += int(stated)
            elif name in FIELDS:
                misses.append(Miss(label, _PROBLEMS[name][0], _expected(gold, name), value, text))
        tally.invented += _invented(values, gold, amounts, dues, label, text, misses)
    paired = set(pairs.values())
    for pi, proposal in enumerate(proposals):
        if pi in paired:
            continue
        values = proposal.values
        got = " · ".join(
            v
            for v in (values.get(k, "") for k in ("institucion", "compromiso", "monto", "plazo"))
            if v
        )
        misses.append(Miss(label, "propuesta sin compromiso", "", got, proposal.source.text))
        tally.invented += _invented(
            values, None, amounts, dues, label, proposal.source.text, misses
        )
    return tally, misses


_PROBLEMS = {
    "institucion": ("institución equivocada", "institución no leída"),
    "monto": ("monto equivocado", "monto no leído"),
    "plazo": ("plazo equivocado", "plazo no leído"),
}
"""Per field: the miss when it is wrong, and when it is not read."""


def _stated(gold: Gold) -> dict[str, bool]:
    return {
        "institucion": True,
        "monto": gold.amount is not None,
        "plazo": gold.due is not None,
        "plazo_texto": gold.plazo_texto is not None,
    }


def _is_right(name: str, value: str, gold: Gold) -> bool:
    if name == "institucion":
        return institution_key(value) == institution_key(gold.institution)
    if name == "monto":
        return gold.amount is not None and _amount(value) == gold.amount
    if name == "plazo":
        return gold.due is not None and due_key(value) == due_key(gold.due)
    return gold.plazo_texto is not None and _texto_right(gold.plazo_texto, value)


def _expected(gold: Gold, name: str) -> str:
    if name == "institucion":
        return gold.institution
    if name == "monto":
        return _describe_amount(gold.amount)
    if name == "plazo":
        return _describe_due(gold.due)
    return gold.plazo_texto or ""


def _is_due(key: str) -> bool:
    return key.endswith("días hábiles") or _ISO.fullmatch(key) is not None


def _within_period(due: str, gold: Gold | None) -> bool:
    """Whether ``due`` falls in the period the gold due date's words name
    ("a fines de octubre", "durante noviembre", "primer semestre de 2027"):
    such a date is a wrong guess from stated words, not an invented one."""
    if gold is None or gold.due is None or gold.plazo_texto is None:
        return False
    words = fold(gold.plazo_texto)
    day_stated = re.search(r"\d", re.sub(r"\b\d{4}\b", "", words))
    if day_stated or not _ISO.fullmatch(gold.due) or not _ISO.fullmatch(due):
        return False  # a day is stated: only that day is the text's
    end = date.fromisoformat(gold.due)
    months = 6 if "semestre" in words else 3 if "trimestre" in words else 1
    start = date(end.year, end.month - months + 1, 1)
    return start <= date.fromisoformat(due) <= end


def _invented(
    values: dict[str, str],
    gold: Gold | None,
    amounts: set[int],
    dues: set[str],
    label: str,
    text: str,
    misses: list[Miss],
) -> int:
    """Count (and record) the amount and due date of one proposal that the
    text does not state: filled where its gold commitment has none, or not
    stated anywhere in the document. A value that is not an amount or a
    date at all is wrong, not invented."""
    count = 0
    amount_text = (values.get("monto") or "").strip()
    amount = _amount(amount_text) if amount_text else None
    if amount is not None and ((gold is not None and gold.amount is None) or amount not in amounts):
        count += 1
        expected = _describe_amount(gold.amount) if gold else "ninguno"
        misses.append(Miss(label, "monto inventado", expected, amount_text, text))
    due_text = (values.get("plazo") or "").strip()
    due = due_key(due_text) if due_text else ""
    if _is_due(due) and (
        (gold is not None and gold.due is None)
        or (due not in dues and not _within_period(due, gold))
    ):
        count += 1
        expected = _describe_due(gold.due) if gold else "ninguno"
        misses.append(Miss(label, "plazo inventado", expected, due_text, text))
    return count
