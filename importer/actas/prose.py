"""Proposed commitments from an acta's prose.

:func:`proposals_from_paragraphs` is a pure function of the paragraphs, the
acta's header, the institutions on record and the región/territorio given:
one :class:`Proposal` per commitment (an institution that commits in a
sentence, a numbered acuerdo, or a row "institution; action; …" of a table
that is not in the import format), with every import column it can fill,
how each was obtained, where it came from and notes in Spanish for what the
gerente must check. It never states an amount or a date the text does not:
a guess (``a fines de octubre`` → its last business day; the responsable
on record for that institution in that región) is marked ``supuesto``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from importer.actas.amounts import find_amounts
from importer.actas.cells import SEPARATOR, RowCommitment, row_commitment
from importer.actas.due_dates import find_due_dates
from importer.actas.fields import (
    NO_EMAIL,
    NO_INSTITUTION,
    NO_PLAZO,
    PLAZO_TEXTO,
    fill_amount,
    fill_institution,
    fill_plazo,
    set_value,
    source_of_money,
)
from importer.actas.institutions import (
    KnownInstitutions,
    Mention,
    comuna_region,
    find_institutions,
    municipality_of,
    region_code,
    region_iso,
    region_ref_name,
    subject_before,
)
from importer.actas.proposal import ActaHeader, Found, Paragraph, Proposal, Source
from importer.actas.sentences import (
    Clause,
    Sentence,
    action_text,
    acuerdo_clause,
    find_commitments,
    split_sentences,
)
from importer.columns import COLUMNS
from models.calendar import BusinessCalendar, calendar_for
from models.text import fold

_ACUERDOS_HEADING = re.compile(
    r"^(?:[IVX\d]+[.)-]*\s*)?(?:acuerdos?|compromisos?)(?:\s+(?:adoptados|tomados|alcanzados"
    r"|de\s+la\s+(?:sesi[oó]n|reuni[oó]n)|y\s+compromisos|y\s+responsables))?\s*:?$",
    re.IGNORECASE,
)
_HEADING = re.compile(r"^(?:[IVX\d]+[.)-]*\s*)?[^.;]{1,60}:?$")
_LOGISTICS = re.compile(
    r"(?:pr[oó]xima|siguiente)\s+(?:sesi[oó]n|reuni[oó]n)\s+(?:ordinaria\s+)?(?:se\s+)?"
    r"(?:realizar[aá]|efectuar[aá]|llevar[aá]|ser[aá]|celebrar[aá]|fij[aó]|program)",
    re.IGNORECASE,
)
_APPROVAL = re.compile(
    r"(?:se\s+)?(?:aprueba|aprob[oó]|aprobar|ratifica|toma\s+conocimiento|da\s+por\s+aprobad)",
    re.IGNORECASE,
)
_RESPONSIBLE_LINE = re.compile(
    r"(?:responsables?|instituci[oó]n(?:\s+responsable)?|a\s+cargo\s+de|encargad[oa]s?)\s*:"
    r"\s*(?P<who>[^;]+)",
    re.IGNORECASE,
)
_FIELD_LINE = re.compile(r"(?:plazo|fecha\s+l[ií]mite|monto|aporte)\s*:", re.IGNORECASE)


@dataclass
class _Acta:
    """What every proposal of the acta shares."""

    values: dict[str, tuple[str, Found]]
    region: str | None
    territory: str
    calendar: BusinessCalendar
    header: ActaHeader
    known: KnownInstitutions
    local: str | None


def proposals_from_paragraphs(
    paragraphs: Sequence[Paragraph],
    header: ActaHeader,
    known: KnownInstitutions,
    *,
    region: str | None,
    territory: str | None,
) -> list[Proposal]:
    """One proposal per commitment stated in ``paragraphs``, in order.
    ``region`` and ``territory`` (when given) are the acta's and win over
    the header; a región is otherwise guessed from the territorio on
    record or the place the header names. Repeated commitments (a summary
    of acuerdos at the end) are proposed once."""
    acta = _acta(header, known, region, territory)
    proposals: list[Proposal] = []
    seen: set[tuple[str, str]] = set()
    in_acuerdos = False
    for paragraph in paragraphs:
        text = " ".join(paragraph.text.split())
        if _ACUERDOS_HEADING.match(text):
            in_acuerdos = True
            continue
        if _is_heading(text) and not find_commitments(text, known):
            in_acuerdos = False
            continue
        row = row_commitment(text, known) if SEPARATOR in text else None
        if row is not None:
            _keep(proposals, seen, [_row_proposal(text, row, paragraph, acta)])
            continue
        last: Proposal | None = None
        for sentence in split_sentences(text):
            if _ACUERDOS_HEADING.match(sentence.text):
                in_acuerdos = True
                continue
            made = _from_sentence(sentence, paragraph, acta, in_acuerdos)
            if not made:
                if last is not None:
                    _complete_from(last, sentence, acta)
                continue
            _keep(proposals, seen, made)
            last = made[-1]
    return proposals


def _keep(proposals: list[Proposal], seen: set[tuple[str, str]], made: list[Proposal]) -> None:
    """Add ``made`` to ``proposals``, each commitment once."""
    for proposal in made:
        key = (fold(proposal.values["institucion"]), fold(proposal.values["compromiso"]))
        if key not in seen:
            seen.add(key)
            proposals.append(proposal)


def _row_proposal(text: str, row: RowCommitment, paragraph: Paragraph, acta: _Acta) -> Proposal:
    """A table row's commitment: its action cell is the compromiso, its
    person and e-mail cells the responsable."""
    clause = Clause(0, len(text), row.subject, None)
    source = Source(paragraph.location, text)
    proposal = _proposal(text, clause, source, acta, due_from=row.action_end)
    set_value(proposal, "compromiso", row.action.rstrip(" ."), Found.FOUND)
    if row.person:
        set_value(proposal, "responsable", row.person, Found.FOUND)
    if row.email or row.person:
        proposal.notes[:] = [n for n in proposal.notes if not n.startswith("responsable supuesto")]
        if proposal.states["responsable_email"] is Found.GUESSED:
            set_value(proposal, "responsable_email", "", Found.MISSING)
            proposal.notes.append(f"{NO_EMAIL} (responsable_email)")
    return proposal


def _acta(
    header: ActaHeader, known: KnownInstitutions, region: str | None, territory: str | None
) -> _Acta:
    state = header.states.get
    values: dict[str, tuple[str, Found]] = {
        "acta_fecha": (
            header.held_on.isoformat() if header.held_on else "",
            state("held_on", Found.FOUND),
        ),
        "acta_instancia": (header.instance, state("instance", Found.FOUND)),
        "acta_numero": (header.number, state("number", Found.FOUND)),
        "acta_tipo": (header.kind, state("kind", Found.FOUND)),
    }
    if territory and territory.strip():
        values["territorio"] = (" ".join(territory.split()), Found.FOUND)
    else:
        values["territorio"] = (header.territory, state("territory", Found.FOUND))
    code, region_state = region_code(region), Found.FOUND
    if region and code is None:
        values["region"] = (" ".join(region.split()), Found.FOUND)
    else:
        if code is None:
            code = known.territories.get(fold(values["territorio"][0])) or comuna_region(
                header.place
            )
            region_state = Found.GUESSED
        values["region"] = (region_ref_name(code), region_state) if code else ("", Found.MISSING)
    calendar = calendar_for(region_iso(values["region"][0]))
    for column, (value, found) in values.items():
        values[column] = (value, found if value else Found.MISSING)
    local = municipality_of(header.place, known)
    return _Acta(
        values, values["region"][0] or None, values["territorio"][0], calendar, header, known, local
    )


def _from_sentence(
    sentence: Sentence, paragraph: Paragraph, acta: _Acta, in_acuerdos: bool
) -> list[Proposal]:
    body = sentence.body
    if _LOGISTICS.search(body):
        return []
    numbered = sentence.label.startswith("Acuerdo") or (in_acuerdos and sentence.label != "")
    found = find_commitments(body, acta.known, local=acta.local)
    clauses = [c for c in found if numbered or c.subject]
    if not clauses and numbered and not _APPROVAL.match(body):
        clause = acuerdo_clause(body, 0, acta.known)
        due = find_due_dates(body, acta.header.held_on, acta.calendar)
        if not (clause.subject or find_amounts(body) or due):
            return []  # "Acuerdo N° 7: Solicitar a CORFO …": nobody commits
        clauses = [clause]
    location = paragraph.location + (f", {_label(sentence.label)}" if sentence.label else "")
    source = Source(location, sentence.text)
    return [_proposal(body, clause, source, acta) for clause in clauses]


def _is_heading(text: str) -> bool:
    """A title line ("III. VARIOS", "Compromisos:"), not a numbered item."""
    if not _HEADING.match(text) or split_sentences(text)[0].label:
        return False
    return text.upper() == text or text.endswith(":")


def _label(label: str) -> str:
    return label.lower() if label.startswith("Acuerdo") else f"punto {label}"


def _proposal(
    text: str, clause: Clause, source: Source, acta: _Acta, *, due_from: int = 0
) -> Proposal:
    """One proposal from ``clause`` of ``text``; a deadline at or after
    ``due_from`` (a table row's date cells) is preferred."""
    proposal = Proposal({}, {}, source)
    for column, (value, found) in acta.values.items():
        set_value(proposal, column, value, found)
    words = text[clause.start : clause.end]
    fill_institution(
        proposal, clause.subject, clause.others, acta.known, acta.region, acta.territory
    )
    dues = find_due_dates(words, acta.header.held_on, acta.calendar)
    dues = [d for d in dues if d.start >= due_from] + [d for d in dues if d.start < due_from]
    due = dues[0] if dues else None
    attribute = re.search(r"\bdel?\s*$", words[: due.start]) if due else None
    if due is not None and not due.text[:1].isdigit() and not attribute:
        # "la feria del 20 de septiembre" keeps its date; "… antes del 21" loses it
        shifted = [(due.start + clause.start, due.end + clause.start)]
        clause.action = action_text(text, clause, shifted)
    set_value(proposal, "compromiso", clause.action, Found.FOUND)
    fill_amount(proposal, find_amounts(words))
    fill_plazo(proposal, due, dues[1:])
    set_value(proposal, "fuente", source_of_money(words), Found.FOUND)
    for column in COLUMNS:
        proposal.values.setdefault(column.name, "")
        proposal.states.setdefault(column.name, Found.MISSING)
    proposal.states.setdefault(PLAZO_TEXTO, Found.MISSING)
    return proposal


def _assign(proposal: Proposal, mention: Mention, acta: _Acta) -> None:
    """The institution a "Responsable: …" line names, for an acuerdo
    without one."""
    stale = (NO_INSTITUTION, NO_EMAIL)
    proposal.notes[:] = [n for n in proposal.notes if not n.startswith(stale)]
    fill_institution(proposal, mention, [], acta.known, acta.region, acta.territory)


def _complete_from(proposal: Proposal, sentence: Sentence, acta: _Acta) -> None:
    """A sentence that only adds a date or an amount to the commitment
    before it ("El traspaso se hará antes del 21 de septiembre."): fill
    what the commitment lacks, as a guess."""
    text = sentence.body
    line = _RESPONSIBLE_LINE.match(text)
    if line is not None:
        if not proposal.values.get("institucion"):
            who = line["who"].strip().rstrip(".")
            found = find_institutions(who, acta.known)
            mention = found[0] if found else subject_before(who + " ", acta.known)
            if mention is not None:
                _assign(proposal, mention, acta)
        return
    labelled = _FIELD_LINE.match(text) is not None
    named = {m.name for m in find_institutions(text, acta.known)}
    if named - {proposal.values.get("institucion")}:
        return
    if not proposal.values.get("plazo") and not proposal.values.get(PLAZO_TEXTO):
        dues = find_due_dates(text, acta.header.held_on, acta.calendar)
        if dues and dues[0].plazo:
            proposal.notes[:] = [n for n in proposal.notes if not n.startswith(NO_PLAZO)]
            state = dues[0].state if labelled else Found.GUESSED
            set_value(proposal, "plazo", dues[0].plazo, state)
            set_value(
                proposal, PLAZO_TEXTO, dues[0].text, Found.FOUND if labelled else Found.GUESSED
            )
            if not labelled:
                proposal.notes.append(f"plazo tomado de la frase siguiente: «{sentence.text}»")
    if not proposal.values.get("monto"):
        amounts = [a for a in find_amounts(text) if a.pesos is not None]
        if amounts:
            set_value(
                proposal, "monto", str(amounts[0].pesos), Found.FOUND if labelled else Found.GUESSED
            )
            if not labelled:
                proposal.notes.append(f"monto tomado de la frase siguiente: «{sentence.text}»")
