"""What reading an acta yields: its header and the commitments it proposes,
each field found in the text, guessed from it, or missing, and where it came
from. Nothing here is imported until a person confirms it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from importer.columns import COLUMNS
from importer.reader import Sheet

SOURCE_COLUMN = "texto_fuente"
"""The last column of a proposals spreadsheet: where each row came from
(the importer ignores it)."""


class Found(StrEnum):
    """How a field's value was obtained."""

    FOUND = "encontrado"
    """Stated in the text (an amount, a date, a named institution)."""
    GUESSED = "supuesto"
    """Inferred from it ("a fines de octubre" → its last business day,
    30 October 2026: a due date is a business day; an acronym)."""
    MISSING = "falta"
    """Not in the text: the gerente must fill it in."""


@dataclass(frozen=True)
class Paragraph:
    """A paragraph of the document's text, with its place ("párrafo 12",
    "página 2, párrafo 4")."""

    location: str
    text: str


@dataclass(frozen=True)
class Table:
    """A table of the document: its rows of cell texts, the first being its
    header, with its place ("tabla 1")."""

    location: str
    rows: list[list[str]]


Block = Paragraph | Table


@dataclass
class ActaHeader:
    """The acta's own data: kind (acta, protocolo, convenio, resolución,
    oficio), number, instance, territory, place and date, each with how it
    was obtained (``states``, keyed by the same names)."""

    kind: str = ""
    number: str = ""
    instance: str = ""
    territory: str = ""
    place: str = ""
    held_on: date | None = None
    states: dict[str, Found] = field(default_factory=dict)


@dataclass(frozen=True)
class Source:
    """Where a proposal came from: the block's place and its text."""

    location: str
    text: str


@dataclass
class Proposal:
    """One proposed commitment: a value per import column (text as it
    would be typed in a spreadsheet cell; ``plazo`` an ISO date or
    ``N días hábiles``, ``plazo_texto`` the words as written), how each
    column was obtained, where it came from, and remarks in Spanish
    ("institución no registrada: …")."""

    values: dict[str, str]
    states: dict[str, Found]
    source: Source
    notes: list[str] = field(default_factory=list)

    def missing(self) -> list[str]:
        """The required import columns this proposal does not fill."""
        return [c.name for c in COLUMNS if c.required and not self.values.get(c.name)]

    def unconfirmed(self) -> list[str]:
        """The commitment's own required columns filled by a guess (a
        responsable on record, the last business day of "a fines de
        octubre", an unregistered institution): a person must confirm them
        before they are imported. Where the acta was held (región,
        territorio, instance) is the acta's, shown once in the import's
        report, and not asked again per commitment."""
        return [
            name
            for name in CONFIRMED_COLUMNS
            if self.values.get(name) and self.states.get(name) is Found.GUESSED
        ]


CONFIRMED_COLUMNS = ("acta_fecha", "institucion", "responsable_email", "compromiso", "plazo")
"""Required columns a direct import never takes from a guess."""


@dataclass
class ActaReading:
    """Everything read from one acta document."""

    header: ActaHeader
    proposals: list[Proposal]
    warnings: list[str] = field(default_factory=list)

    def sheet(self) -> Sheet:
        """The proposals as the importer's rows (row numbers from 2, as in
        a spreadsheet under its header), with the source text last."""
        names = [c.name for c in COLUMNS] + [SOURCE_COLUMN]
        rows: list[tuple[int, list[object]]] = [
            (
                number,
                [p.values.get(c.name) or None for c in COLUMNS]
                + [f"{p.source.location}: {p.source.text}"],
            )
            for number, p in enumerate(self.proposals, start=2)
        ]
        return Sheet(header=list(names), rows=rows)
