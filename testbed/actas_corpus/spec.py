"""The shape of a corpus acta: its blocks (headings, paragraphs, tables,
page breaks) as the secretary wrote them, and, attached to the block that
states it, each commitment the reader must yield (the gold standard).

A paragraph that is not a commitment (attendance, a report of past facts,
"se informa que…") may still state amounts and dates: they are listed on the
block so that the scoring can tell a value taken from the text from one the
reader made up."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Gold:
    """One commitment the acta states: the institution (as it is registered,
    or would be on first import), the action in the acta's words (its verb
    may be put in the infinitive; the rest is a piece of the sentence), the amount
    in whole pesos or ``None``, the due date (``YYYY-MM-DD``, ``N días
    hábiles`` or ``None``) and the words of the due date as written."""

    institution: str
    action: str
    amount: int | None
    due: str | None
    plazo_texto: str | None = None


@dataclass(frozen=True)
class Heading:
    """A heading; level 0 is the document's title."""

    text: str
    level: int = 1


@dataclass(frozen=True)
class Para:
    """A paragraph. ``**…**`` marks bold runs (an "Acuerdo N° 3:" lead);
    ``numbered`` lays it out as a Word numbered list item (the number is then
    not in the text). ``amounts`` and ``dates`` are values it states that are
    not a commitment's."""

    text: str
    commitments: tuple[Gold, ...] = ()
    amounts: tuple[int, ...] = ()
    dates: tuple[str, ...] = ()
    numbered: bool = False

    @property
    def plain(self) -> str:
        return self.text.replace("**", "")


@dataclass(frozen=True)
class Grid:
    """A table: its header and rows of cell texts, and per row the
    commitment it states (``None`` for a row that states none)."""

    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    commitments: tuple[Gold | None, ...] = ()
    amounts: tuple[int, ...] = ()
    dates: tuple[str, ...] = ()


@dataclass(frozen=True)
class PageBreak:
    """A hard page break."""


Block = Heading | Para | Grid | PageBreak


@dataclass(frozen=True)
class Acta:
    """One corpus document: where and when it was held, its letterhead
    (the page header printed on every page), its footer (followed by the
    page number) and its blocks. ``scanned`` asks for a scanned PDF of it
    as well."""

    slug: str
    region: str
    territory: str
    held_on: date
    kind: str
    letterhead: str
    blocks: tuple[Block, ...]
    scanned: bool = False
    footer: str = ""

    def gold(self) -> list[Gold]:
        """Every commitment, in document order."""
        found: list[Gold] = []
        for block in self.blocks:
            if isinstance(block, Para):
                found.extend(block.commitments)
            elif isinstance(block, Grid):
                found.extend(c for c in block.commitments if c is not None)
        return found

    def gold_sources(self) -> list[tuple[Gold, str]]:
        """Every commitment with the text of the block (or table row) that
        states it."""
        pairs: list[tuple[Gold, str]] = []
        for block in self.blocks:
            if isinstance(block, Para):
                pairs.extend((c, block.plain) for c in block.commitments)
            elif isinstance(block, Grid):
                for row, commitment in zip(block.rows, block.commitments, strict=False):
                    if commitment is not None:
                        pairs.append((commitment, " | ".join(row)))
        return pairs

    def stated_amounts(self) -> set[int]:
        """Every amount the text states, commitment or not."""
        amounts = {c.amount for c in self.gold() if c.amount is not None}
        for block in self.blocks:
            if isinstance(block, Para | Grid):
                amounts.update(block.amounts)
        return amounts

    def stated_dues(self) -> set[str]:
        """Every due date or term the text states (ISO dates, ``N días
        hábiles``), commitment or not."""
        dues = {c.due for c in self.gold() if c.due is not None}
        for block in self.blocks:
            if isinstance(block, Para | Grid):
                dues.update(block.dates)
        return dues

    def has_commitment_table(self) -> bool:
        """Whether most of its commitments are rows of a table."""
        in_tables = sum(
            sum(1 for c in b.commitments if c is not None)
            for b in self.blocks
            if isinstance(b, Grid)
        )
        return in_tables * 2 > len(self.gold())
