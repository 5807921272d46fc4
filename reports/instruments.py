"""Figures of the year's instruments of a región, a pure function of the
commitments' rows and the build day.

Both instruments plan a year (``2027-ARI``, ``2027-IRAL``) and select the
same commitments: those of the región, signed by the build day, whose due
date in force on the build day falls in that year and that are not
cancelled as of the build day. An instrument is a projection as of the day
it is built.

- **ARI** (Anteproyecto Regional de Inversión): the selection by
  institution and programme, with counts and sums of amounts (a commitment
  without an amount is counted, "sin monto", and adds nothing).
- **IRAL** (Inversión Regional de Asignación Local): the selection by
  territorio and comuna, with the investment planned per comuna
  (:func:`models.comuna_split.split_amount`: the import's stated parts, else
  an even split that adds up exactly), and a map-like table by provincia
  (every comuna of the región in CUT order, with its planned amount and a
  shade by amount quintile)."""

from __future__ import annotations

import bisect
import statistics
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from models.comuna_split import split_amount
from models.history import StoredStatus
from reports.periods import Period

NO_PROGRAMME = "Sin programa"
NO_COMUNA = "Sin comuna registrada"
SHADES = 5
"""Quintiles: comunas with something planned are shaded 1 (lowest) to 5."""
SHADE_WORDS = {
    0: "Sin inversión planificada",
    1: "Quintil 1 (menor monto)",
    2: "Quintil 2",
    3: "Quintil 3",
    4: "Quintil 4",
    5: "Quintil 5 (mayor monto)",
}


@dataclass(frozen=True, slots=True)
class ComunaInfo:
    """A comuna as the tables name it (CUT code, name, provincia)."""

    code: str
    name: str
    province_code: str
    province_name: str


@dataclass(frozen=True, slots=True)
class InstrumentRow:
    """One commitment as read on the build day: ``due_date`` and ``status``
    are its state on that day; ``comunas`` its own comunas with the part the
    import stated (``None``: split evenly); ``territory_comunas`` the comunas
    of its territorio (its place when it names none)."""

    id: int
    territory: str
    institution: str
    programme: str | None
    text: str
    amount: int | None
    due_date: date
    status: str
    comunas: tuple[tuple[str, int | None], ...] = ()
    territory_comunas: tuple[str, ...] = ()


def select_rows(rows: Iterable[InstrumentRow], period: Period) -> list[InstrumentRow]:
    """The commitments an instrument for ``period`` lists: due (as in force
    on the build day) within the year, not cancelled; by id."""
    return sorted(
        (
            row
            for row in rows
            if period.contains(row.due_date) and row.status != StoredStatus.CANCELADO
        ),
        key=lambda row: row.id,
    )


@dataclass
class Sums:
    """Commitments counted, how many carry no amount, and the pesos."""

    commitments: int = 0
    without_amount: int = 0
    amount: int = 0

    @property
    def with_amount(self) -> int:
        return self.commitments - self.without_amount

    def add(self, amount: int | None, part: int | None = None) -> None:
        """Count one commitment: ``part`` of its pesos (all when ``None``)."""
        self.commitments += 1
        if amount is None:
            self.without_amount += 1
        else:
            self.amount += amount if part is None else part


@dataclass(frozen=True)
class ProgrammeLine:
    """ARI: one institution and programme."""

    institution: str
    programme: str
    sums: Sums


@dataclass(frozen=True)
class AriFigures:
    """The ARI of a year: its commitments, the lines by institution and
    programme, the subtotals by institution (largest amount first) and the
    total."""

    period: Period
    day: date
    rows: list[InstrumentRow]
    lines: list[ProgrammeLine]
    institutions: list[ProgrammeLine]
    total: Sums


def ari_figures(rows: Iterable[InstrumentRow], period: Period, day: date) -> AriFigures:
    """The ARI of ``period`` as of ``day`` from the región's rows."""
    selected = select_rows(rows, period)
    lines: dict[tuple[str, str], Sums] = defaultdict(Sums)
    institutions: dict[str, Sums] = defaultdict(Sums)
    total = Sums()
    for row in selected:
        programme = (row.programme or "").strip() or NO_PROGRAMME
        lines[(row.institution, programme)].add(row.amount)
        institutions[row.institution].add(row.amount)
        total.add(row.amount)
    return AriFigures(
        period=period,
        day=day,
        rows=selected,
        lines=[
            ProgrammeLine(institution, programme, sums)
            for (institution, programme), sums in sorted(
                lines.items(), key=lambda item: (item[0][0], item[0][1] == NO_PROGRAMME, item[0][1])
            )
        ],
        institutions=sorted(
            (ProgrammeLine(name, "", sums) for name, sums in institutions.items()),
            key=lambda line: (-line.sums.amount, line.institution),
        ),
        total=total,
    )


@dataclass(frozen=True, slots=True)
class Placement:
    """IRAL: a commitment in one of its comunas, with the pesos planned
    there (``comuna`` is ``None`` when it has no place registered)."""

    row: InstrumentRow
    comuna: ComunaInfo | None
    part: int | None
    stated: bool


@dataclass(frozen=True)
class ComunaLine:
    """IRAL: one comuna of a territorio (``comuna`` ``None``: the
    territorio's commitments with no comuna registered)."""

    territory: str
    comuna: ComunaInfo | None
    sums: Sums

    @property
    def comuna_name(self) -> str:
        return self.comuna.name if self.comuna else NO_COMUNA


@dataclass(frozen=True)
class MapCell:
    """A comuna of the región in the table by provincia: its sums and its
    shade (0: nothing planned; 1–5: amount quintile)."""

    comuna: ComunaInfo
    sums: Sums
    shade: int

    @property
    def shade_words(self) -> str:
        return SHADE_WORDS[self.shade]


@dataclass(frozen=True)
class ProvinceBlock:
    """A provincia of the región, its comunas in CUT order, and its sums
    (each commitment counted once in the provincia)."""

    code: str
    name: str
    cells: list[MapCell]
    sums: Sums


@dataclass(frozen=True)
class IralFigures:
    """The IRAL of a year: its commitments, their placements, the lines by
    territorio and comuna, the map-like blocks by provincia, what has no
    comuna, and the total (the commitments' own amounts)."""

    period: Period
    day: date
    rows: list[InstrumentRow]
    placements: list[Placement]
    lines: list[ComunaLine]
    provinces: list[ProvinceBlock]
    unplaced: Sums
    total: Sums
    planned: int = 0
    """The pesos placed in comunas (the stated parts may not add up to the
    amounts)."""
    shade_cuts: list[float] = field(default_factory=list)


def _place(row: InstrumentRow) -> tuple[list[str], Mapping[str, int | None] | None]:
    if row.comunas:
        return [code for code, _ in row.comunas], dict(row.comunas)
    return list(row.territory_comunas), None


def shades(amounts: Mapping[str, int]) -> tuple[dict[str, int], list[float]]:
    """Each comuna's shade: 0 when nothing is planned there, else 1 plus
    the number of quintile cut points (:func:`statistics.quantiles`,
    inclusive, over the comunas with something planned) below its amount;
    a single comuna with something planned is shaded 5. Also the cuts."""
    planned = sorted(value for value in amounts.values() if value > 0)
    cuts = statistics.quantiles(planned, n=SHADES, method="inclusive") if len(planned) > 1 else []
    found: dict[str, int] = {}
    for code, value in amounts.items():
        if value <= 0:
            found[code] = 0
        elif not cuts:
            found[code] = SHADES
        else:
            found[code] = 1 + bisect.bisect_left(cuts, value)
    return found, cuts


def iral_figures(
    rows: Iterable[InstrumentRow],
    period: Period,
    day: date,
    comunas: Sequence[ComunaInfo],
    region_comunas: Sequence[str],
) -> IralFigures:
    """The IRAL of ``period`` as of ``day``: ``comunas`` names every comuna
    a row may name; ``region_comunas`` are the región's CUT codes (the
    table by provincia lists them all, in CUT order)."""
    selected = select_rows(rows, period)
    known = {info.code: info for info in comunas}
    placements: list[Placement] = []
    lines: dict[tuple[str, str], Sums] = defaultdict(Sums)
    by_comuna: dict[str, Sums] = defaultdict(Sums)
    by_province: dict[str, Sums] = defaultdict(Sums)
    unplaced, total = Sums(), Sums()
    planned = 0
    for row in selected:
        total.add(row.amount)
        codes, stated = _place(row)
        codes = [code for code in codes if code in known]
        if not codes:
            placements.append(Placement(row, None, row.amount, False))
            lines[(row.territory, "")].add(row.amount)
            unplaced.add(row.amount)
            continue
        parts = split_amount(row.amount, codes, stated)
        is_stated = bool(stated) and all(stated.get(c) is not None for c in codes)  # type: ignore[union-attr]
        for code in sorted(set(codes)):
            part = parts.get(code)  # None without an amount: split_amount plans nothing
            placements.append(Placement(row, known[code], part, is_stated))
            lines[(row.territory, code)].add(row.amount, part or 0)
            by_comuna[code].add(row.amount, part or 0)
            planned += part or 0
        for province in sorted({known[code].province_code for code in codes}):
            by_province[province].add(
                row.amount,
                sum(parts.get(c, 0) for c in set(codes) if known[c].province_code == province),
            )
    amounts = {code: by_comuna[code].amount if code in by_comuna else 0 for code in region_comunas}
    shade, cuts = shades(amounts)
    blocks: dict[str, list[MapCell]] = defaultdict(list)
    for code in sorted(region_comunas):
        info = known[code]
        blocks[info.province_code].append(MapCell(info, by_comuna.get(code, Sums()), shade[code]))
    provinces = [
        ProvinceBlock(code, cells[0].comuna.province_name, cells, by_province.get(code, Sums()))
        for code, cells in sorted(blocks.items())
    ]
    return IralFigures(
        period=period,
        day=day,
        rows=selected,
        placements=placements,
        lines=[
            ComunaLine(territory, known.get(code), sums)
            for (territory, code), sums in sorted(
                lines.items(), key=lambda item: (item[0][0], item[0][1] == "", item[0][1])
            )
        ],
        provinces=provinces,
        unplaced=unplaced,
        total=total,
        planned=planned,
        shade_cuts=cuts,
    )
