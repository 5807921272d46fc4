"""Rows of tables the reader did not recognise as the import format, which
reach the prose rules as "cell; cell; …" paragraphs: a row whose first
cell names an institution and a later cell an action in the infinitive
("Municipalidad de Pudahuel; Andrea Vidal; Ceder el uso del gimnasio;
2027-06-15") states a commitment. A row that reports a status
("Cumplido", "En ejecución") states none: it follows up an old one."""

from __future__ import annotations

import re
from dataclasses import dataclass

from importer.actas.fields import EMAIL
from importer.actas.institutions import (
    KnownInstitutions,
    Mention,
    find_institutions,
    subject_before,
)

SEPARATOR = "; "
_ACTION = re.compile(r"[A-ZÁÉÍÓÚÑ][a-záéíóúñ]+(?:ar|er|ir)(?:se|lo|la|los|las)?\b")
_PERSON = re.compile(r"(?:[A-ZÁÉÍÓÚÑ][a-záéíóúñ]+\s+){1,3}[A-ZÁÉÍÓÚÑ][a-záéíóúñ]+")
_STATUS = re.compile(
    r"^(?:cumplid[oa]|en\s+ejecuci[oó]n|ejecutad[oa]|pendiente|vencid[oa]|realizad[oa]"
    r"|en\s+curso|cancelad[oa]|en\s+proceso)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class RowCommitment:
    """A commitment a table row states: the institution (span in the row
    text), the action and its span, and the person and e-mail cells."""

    subject: Mention
    action: str
    action_start: int
    action_end: int
    person: str = ""
    email: str = ""


def _cells(text: str) -> list[tuple[int, str]]:
    """Each cell with where it starts in ``text``."""
    cells, start = [], 0
    for cell in text.split(SEPARATOR):
        cells.append((start, cell))
        start += len(cell) + len(SEPARATOR)
    return cells


def row_commitment(text: str, known: KnownInstitutions) -> RowCommitment | None:
    """The commitment of a row paragraph, or ``None`` when ``text`` is no
    such row (fewer than three cells, no institution first, no action, or
    a status cell)."""
    cells = _cells(text)
    if len(cells) < 3 or any(_STATUS.match(cell.strip()) for _, cell in cells):
        return None
    if cells[0][1].strip().rstrip(".").isdigit():
        cells = cells[1:]  # the row's number
    start, first = cells[0]
    named = [m for m in find_institutions(first, known) if m.text.strip() == first.strip()]
    subject = named[0] if named else subject_before(first.strip() + " ", known)
    if subject is None or subject.text != first.strip():
        return None
    subject = Mention(subject.name, subject.text, start + subject.start, start + subject.end,
                      subject.state)  # fmt: skip
    person = ""
    emails = [cell.strip().lower() for _, cell in cells if EMAIL.fullmatch(cell.strip())]
    email = emails[0] if emails else ""
    for offset, cell in cells[1:]:
        value = cell.strip()
        if _ACTION.match(value):
            return RowCommitment(subject, value, offset, offset + len(cell), person, email)
        elif _PERSON.fullmatch(value) and not person:
            person = value
    return None
