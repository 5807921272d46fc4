"""Sentences of an acta's paragraphs, and the commitments they state.

Pure functions of the text. :func:`split_sentences` cuts a paragraph into
sentences without cutting at abbreviations ("Sr.", "Ltda.", "S.A.", "I.
Municipalidad", "N° 3.-") or inside amounts, and recognises the labels of
acuerdos and clauses ("Acuerdo N° 3:", "1.", "3.2.", "a)", "SÉPTIMO:").
:func:`find_commitments` finds, in one sentence, each institution that
commits (through the verbs of :mod:`importer.actas.verbs`) and the action it
commits to, worded as an infinitive ("Transferir $15.000.000 al convenio
Lasana"). A sentence that only reports ("Se informó que el concurso
estará abierto…"), denies ("no aportará") or asks commits nobody.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from importer.actas.institutions import (
    KnownInstitutions,
    Mention,
    find_institutions,
    subject_before,
)
from importer.actas.proposal import Found
from importer.actas.verbs import Verb, find_verbs, report_frame

_UPPER = "A-ZÁÉÍÓÚÑÜ"
_ORDINAL = (
    r"(?:cl[aá]usula\s+)?(?:primer[oa]|segund[oa]|tercer[oa]|cuart[oa]|quint[oa]|sext[oa]"
    r"|s[eé]ptim[oa]|octav[oa]|noven[oa]|d[eé]cim[oa](?:\s+(?:primer[oa]|segund[oa]|tercer[oa]"
    r"|cuart[oa]|quint[oa]))?)"
)
_LABEL = re.compile(
    r"^\s*(?:(?P<acuerdo>acuerdo)\s*(?:n(?:[°º]|ro\.?|o\.|\.)?\s*)?"
    r"(?P<number>\d{1,4}(?:/\d{2,4})?)\s*(?:[:.)\-–]+\s*-?|(?=\s))"
    rf"|(?P<ordinal>{_ORDINAL})\s*[:.\-–]+"
    r"|(?P<item>\d{1,2}(?:\.\d{1,2})*|[a-hA-H])\s*(?:\.-?|\)|°\.?)(?=\s)|[•·▪*\-–])\s*",
    re.IGNORECASE,
)
_BOUNDARY = re.compile(
    rf"[.!?…]+[\"»”’)]*(?=\s+(?:[\"«“¿¡(]?[{_UPPER}0-9]|[a-h]\)\s))"
    r"|[;:](?=\s+(?:\d{1,2}[.)]|[a-h]\))\s)|,(?=\s+(?:\d{1,2}|[a-h])\)\s)"
)
_ABBREVIATIONS = set(
    str.split(
        "sr sra srta sres sras dr dra don doña ing prof lic ltda s.a s.a.c spa s.p.a e.i.r.l "
        "n n° nº nro núm num art arts ord res ex exta depto av avda pág pag p.ej aprox hrs "
        "u.f ee.uu cía cia gral lib mun of reg adm sec dir pdte pdta tel fono cod ej obs"
    )
)
_RESTRICTED_SUBJECT = re.compile(
    r"\b(?:por|con|ante|seg[uú]n|tras|a|al|junto\s+a|solicitud\s+de|petici[oó]n\s+de|consulta\s+de"
    r"|propuesta\s+de|apoyo\s+de)\s+(?:la\s+|el\s+|los\s+|las\s+)?$",
    re.IGNORECASE,
)
_OWN_SUBJECT = re.compile(
    r"\bque\s+(?:el|la|los|las|este|esta|estos|estas|dicho|dicha|su|sus|un|una)\s+\w+", re.I
)
# "…; responsable: FOSIS; plazo: 30 de octubre" after an acuerdo's action.
_FIELD_LABELS = re.compile(
    r"\s*[;,.]?\s*\b(?:responsables?|plazo|monto|fecha(?:\s+l[ií]mite)?)\s*:.*$", re.I
)
_EACH = re.compile(
    r"\bcada\s+(?:un[oa]|instituci[oó]n|servicio)\b|\bamb[oa]s\b|\brespectivamente\b", re.I
)
_BARE_MUNICIPALITY = re.compile(
    r"(?:\b(?:la|el)\s+)?(?:I\.\s*|Ilustre\s+)?(?:Municipalidad|Municipio)\s*,?\s*$", re.I
)
_COLON_ACTION = re.compile(r":\s*(?=[a-záéíóúñ]+(?:ar|er|ir)(?:se)?\b)")
_COORDINATION = re.compile(r"^\s*(?:,|y|e|,\s*y)\s*(?:la\s+|el\s+|los\s+|las\s+)?$", re.IGNORECASE)


@dataclass(frozen=True)
class Sentence:
    """A sentence of a paragraph: its text, where it starts in the
    paragraph, and its acuerdo label ("Acuerdo N° 3", "1", "a"; "" when
    none) with ``body`` the text after the label."""

    text: str
    start: int
    label: str = ""
    body: str = ""


@dataclass
class Clause:
    """One commitment of a sentence: its span in the sentence, the
    committing institution (``None`` when nobody is named), the others
    named with it ("FOSIS y SERCOTEC se comprometen"), the verb and the
    action."""

    start: int
    end: int
    subject: Mention | None
    verb: Verb | None
    action: str = ""
    others: list[Mention] = field(default_factory=list)

    def named(self, name: str) -> bool:
        return self.subject is not None and self.subject.name == name


def split_sentences(text: str) -> list[Sentence]:
    """The sentences of ``text`` in order, each with its label."""
    pieces: list[tuple[int, int]] = []
    start = 0
    for match in _BOUNDARY.finditer(text):
        end = match.end()
        segment = text[start:end].strip()
        last = segment.rsplit(maxsplit=1)[-1] if segment else ""
        word = last.lstrip('("«“').rstrip('.!?…"»”’)').lower()
        after = re.match(r"\s?\d{3}(?!\d)", text[end:])
        if text[match.start() - 1 : match.start()].isdigit() and after:
            continue  # "$15. 000.000": a scanner's space inside an amount
        if match.group()[0] == ".":
            abbreviation = word in _ABBREVIATIONS or (len(word) == 1 and word.isalpha())
            if abbreviation or _LABEL.fullmatch(segment + " "):
                continue
        pieces.append((start, end))
        start = end
    pieces.append((start, len(text)))
    sentences = []
    for begin, end in pieces:
        raw = text[begin:end]
        stripped = raw.strip()
        if not stripped:
            continue
        offset = begin + raw.index(stripped[0])
        sentences.append(_labelled(stripped, offset))
    return sentences


def _labelled(text: str, start: int) -> Sentence:
    match = _LABEL.match(text)
    if match is None or match.end() >= len(text):
        return Sentence(text, start, "", text)
    if match["acuerdo"]:
        label = f"Acuerdo N° {match['number']}"
    else:
        label = (match["ordinal"] or "").lower() or match["item"] or "•"
    return Sentence(text, start, label, text[match.end() :].strip())


def find_commitments(
    text: str, known: KnownInstitutions, *, local: str | None = None
) -> list[Clause]:
    """The commitments stated in the sentence ``text``: one clause per
    committing institution, each running from its subject to the next
    one's ("FOSIS aportará $10.000.000 y SERCOTEC aportará $5.000.000" is
    two; "CORFO y SERCOTEC designarán cada uno …" too). A verb with nobody
    before it takes a name right after it ("se compromete FOSIS a …"), an
    organisation's name in the subject's place (guessed), or ``local`` for
    a bare "la Municipalidad" (the acta's own); else its clause has no
    subject. Without a verb, "FOSIS: transferir …" is a commitment too."""
    if text.rstrip().endswith("?"):
        return []
    verbs = find_verbs(text, frame=report_frame(text))
    mentions = find_institutions(text, known)
    if not verbs:
        clause = _colon_clause(text, mentions, known)
        return [clause] if clause else []
    clauses: list[Clause] = []
    previous_end = 0
    for verb in verbs:
        before = [m for m in mentions if previous_end <= m.start and m.end <= verb.start]
        subject, others = _subject(text, before, verb.start)
        if subject is None:
            subject = _after(text, verb, mentions)
            if subject is not None:
                verb = _past_subject(text, verb, subject)
        if subject is None and not clauses:
            subject = _guess(text, previous_end, verb.start, known, local)
        if clauses and (subject is None or clauses[-1].named(subject.name)):
            previous_end = verb.end  # the same institution's second verb
            continue
        start = _clause_start(text, subject.start) if subject and clauses else 0
        if clauses:
            clauses[-1].end = start
        clauses.append(Clause(start, len(text), subject, verb, others=others))
        previous_end = verb.end
    for clause in list(clauses):
        if clause.others and clause.verb and _EACH.search(text[clause.verb.start : clause.end]):
            at = clauses.index(clause) + 1
            clauses[at:at] = [
                Clause(clause.start, clause.end, o, clause.verb) for o in clause.others
            ]
            clause.others = []
    for clause in clauses:
        clause.action = action_text(text, clause)
    return clauses


def _guess(
    text: str, start: int, end: int, known: KnownInstitutions, local: str | None
) -> Mention | None:
    guessed = subject_before(text[start:end], known)
    if guessed is not None:
        return Mention(guessed.name, guessed.text, guessed.start + start,
                       guessed.end + start, guessed.state)  # fmt: skip
    bare = _BARE_MUNICIPALITY.search(text[start:end])
    if local and bare:
        return Mention(local, bare.group().strip(" ,"), start + bare.start(), end, Found.GUESSED)
    return None


def _colon_clause(
    text: str, mentions: Sequence[Mention], known: KnownInstitutions
) -> Clause | None:
    """ "b) SERCOTEC: abrir la convocatoria …": the name, a colon, an
    infinitive."""
    colon = text.find(":")
    if not 0 < colon <= 90:
        return None
    action = _COLON_ACTION.match(text, colon)
    lead = re.match(r"\s*(?:(?:la|el|los|las)\s+)?", text)
    if action is None or lead is None:
        return None
    first = [m for m in mentions if m.start <= lead.end() and m.end <= colon]
    subject = first[0] if first else subject_before(text[:colon] + " ", known)
    if subject is None or subject.start > lead.end() or text[subject.end : colon].strip():
        return None
    clause = Clause(0, len(text), subject, Verb(colon, colon + 1, action.end(), ""))
    clause.action = action_text(text, clause)
    return clause


def acuerdo_clause(text: str, start: int, known: KnownInstitutions) -> Clause:
    """A numbered acuerdo without a commitment verb ("Acuerdo N° 3: Enviar
    la planilla …"): the text from ``start`` is the action, the first
    institution named in it (if any) the one that commits."""
    mentions = [m for m in find_institutions(text, known) if m.start >= start]
    subject, others = _subject(text, mentions[:1])
    clause = Clause(start, len(text), subject, None, others=others)
    clause.action = action_text(text, clause)
    return clause


def _subject(
    text: str, before: Sequence[Mention], verb_start: int | None = None
) -> tuple[Mention | None, list[Mention]]:
    """The nearest institution before the verb that is not in a
    prepositional phrase ("junto a INDAP", "a solicitud de CORFO"); when it
    is coordinated with earlier ones ("FOSIS y SERCOTEC"), the first of them.
    A name followed by "que el programa …" is not the verb's subject."""
    candidates = [
        m
        for m in before
        if not _RESTRICTED_SUBJECT.search(text[: m.start])
        and not (verb_start and _OWN_SUBJECT.search(text[m.end : verb_start]))
    ]
    if not candidates:
        return None, []
    chosen = len(candidates) - 1
    while chosen > 0 and _COORDINATION.match(
        text[candidates[chosen - 1].end : candidates[chosen].start]
    ):
        chosen -= 1
    others = [m for m in candidates[chosen + 1 :] if m.name != candidates[chosen].name]
    return candidates[chosen], others


def _past_subject(text: str, verb: Verb, subject: Mention) -> Verb:
    """ "Se compromete FOSIS a entregar …": the action starts after the name."""
    rest = re.match(r"\s+a\s+", text[subject.end :])
    start = subject.end + (rest.end() if rest else 0)
    infinitive = "" if verb.infinitive == "comprometer" else verb.infinitive
    return Verb(verb.start, verb.end, start, infinitive)


def _after(text: str, verb: Verb, mentions: Sequence[Mention]) -> Mention | None:
    for mention in mentions:
        gap = text[verb.end : mention.start]
        if mention.start >= verb.end and re.fullmatch(r"\s*(?:(?:la|el|los|las)\s+)?", gap):
            return mention
    return None


def _clause_start(text: str, subject_start: int) -> int:
    """Back over the article before a clause's subject."""
    head = re.search(r"(?:\b(?:la|el|los|las)\s+)?$", text[:subject_start], re.IGNORECASE)
    return head.start() if head else subject_start


def action_text(text: str, clause: Clause, cut: Sequence[tuple[int, int]] = ()) -> str:
    """The commitment worded from its verb on, as an infinitive phrase, the
    spans in ``cut`` (a deadline) left out when they end the clause or come
    before a comma, and an acuerdo's "responsable: …; plazo: …" left out;
    never empty (the clause itself, else the sentence)."""
    verb = clause.verb
    start = verb.action_start if verb else clause.start
    end = clause.end
    words = text[start:end]
    for cut_start, cut_end in sorted(cut, reverse=True):
        if not (start <= cut_start and cut_end <= end):
            continue
        left, right = words[: cut_start - start], words[cut_end - start :]
        if not right.strip(" .;,:"):
            words = left
        elif right.lstrip().startswith(","):
            words = left.rstrip().rstrip(",") + right
    if verb is None:
        words = _FIELD_LABELS.sub("", words) or words
    words = " ".join(words.split()).strip(" ,;:.-–")
    words = re.sub(r"\s+(?:y|e)$", "", words)
    words = re.sub(r"^(?:cada\s+un[oa]|amb[oa]s)\s+", "", words, flags=re.IGNORECASE)
    if verb and verb.infinitive:
        words = f"{verb.infinitive} {words}".strip()
    if not words:
        words = " ".join(text[clause.start : clause.end].split()).strip(" ,;:.") or text.strip()
    return words[:1].upper() + words[1:]
