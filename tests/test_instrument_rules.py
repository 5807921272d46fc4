"""The pure rules of the year's instruments (``reports.instruments``), each
figure worked out by hand: which commitments an ARI or IRAL lists, the ARI's
lines and subtotals, the IRAL's pesos per comuna (stated parts, else an even
split), per territorio, per provincia and the quintile shades. Fast and pure:
the end-to-end tests in tests/test_instruments.py run through the console
script, out of reach of mutation testing."""

from __future__ import annotations

from datetime import date

import pytest

from reports.instruments import (
    NO_COMUNA,
    NO_PROGRAMME,
    ComunaInfo,
    InstrumentRow,
    IralFigures,
    Sums,
    ari_figures,
    iral_figures,
    select_rows,
    shades,
)
from reports.periods import parse_period

DAY = date(2026, 12, 1)
"""The build day (the instruments of 2027 are due in 2026)."""
LA_SERENA, COQUIMBO, ILLAPEL = "04101", "04102", "04201"
OVALLE, COMBARBALA, MONTE_PATRIA = "04301", "04302", "04303"
UNKNOWN = "99999"
"""A CUT code no comuna has (the row names a place the tables do not know)."""
INFO = [
    ComunaInfo(LA_SERENA, "La Serena", "041", "Elqui"),
    ComunaInfo(COQUIMBO, "Coquimbo", "041", "Elqui"),
    ComunaInfo(ILLAPEL, "Illapel", "042", "Choapa"),
    ComunaInfo(OVALLE, "Ovalle", "043", "Limarí"),
    ComunaInfo(COMBARBALA, "Combarbalá", "043", "Limarí"),
    ComunaInfo(MONTE_PATRIA, "Monte Patria", "043", "Limarí"),
]
REGION = [OVALLE, LA_SERENA, MONTE_PATRIA, ILLAPEL, COQUIMBO, COMBARBALA]
"""The región's comunas, deliberately not in CUT order."""


def _row(
    number: int,
    amount: int | None,
    *,
    territory: str = "Norte",
    institution: str = "FOSIS",
    programme: str | None = None,
    due: date = date(2027, 6, 1),
    status: str = "pendiente",
    comunas: tuple[tuple[str, int | None], ...] = (),
    territory_comunas: tuple[str, ...] = (),
) -> InstrumentRow:
    return InstrumentRow(
        number, territory, institution, programme, f"compromiso {number}", amount, due, status,
        comunas, territory_comunas,
    )  # fmt: skip


def _sums(sums: Sums) -> tuple[int, int, int]:
    return (sums.commitments, sums.without_amount, sums.amount)


def test_the_selection_keeps_the_year_by_id_without_the_cancelled() -> None:
    rows = [
        _row(5, 1, due=date(2027, 12, 31)),
        _row(2, 1, due=date(2027, 1, 1), status="cumplido"),
        _row(7, 1, due=date(2026, 12, 31)),
        _row(3, 1, due=date(2028, 1, 1)),
        _row(4, 1, due=date(2027, 3, 1), status="cancelado"),
        _row(1, None, due=date(2027, 3, 1), status="informado"),
    ]
    assert [r.id for r in select_rows(rows, parse_period("2027-ARI"))] == [1, 2, 5]


def test_sums_count_every_commitment_and_add_the_part_or_the_amount() -> None:
    sums = Sums()
    sums.add(None)
    sums.add(None, 7)  # no amount: counted, adds nothing, whatever the part
    sums.add(100)
    sums.add(100, 0)  # a part of zero is a part, not "all of it"
    sums.add(30, 12)
    assert _sums(sums) == (5, 2, 112)
    assert sums.with_amount == 3


def test_ari_lines_by_institution_and_programme_and_subtotals() -> None:
    rows = [
        _row(1, 100, institution="SERCOTEC", programme="Capital Semilla"),
        _row(2, 50, institution="SERCOTEC", programme=None),
        _row(3, None, institution="SERCOTEC", programme="   "),
        _row(4, 300, institution="FOSIS", programme="Yo Emprendo"),
        _row(5, 20, institution="FOSIS", programme=" Acción "),
        _row(6, 150, institution="INDAP", programme="Zeta"),
        _row(7, 1_000, institution="FOSIS", programme="Yo Emprendo", status="cancelado"),
        _row(8, 0, institution="SERCOTEC", programme="Turismo"),
        _row(9, 1_000, institution="INDAP", programme="Zeta", due=date(2028, 1, 3)),
    ]
    period = parse_period("2027-ARI")
    figures = ari_figures(reversed(rows), period, DAY)
    assert (figures.period, figures.day) == (period, DAY)
    assert [r.id for r in figures.rows] == [1, 2, 3, 4, 5, 6, 8]
    # By institution, then programme, "Sin programa" last within its institution.
    assert [(line.institution, line.programme, _sums(line.sums)) for line in figures.lines] == [
        ("FOSIS", "Acción", (1, 0, 20)),
        ("FOSIS", "Yo Emprendo", (1, 0, 300)),
        ("INDAP", "Zeta", (1, 0, 150)),
        ("SERCOTEC", "Capital Semilla", (1, 0, 100)),
        ("SERCOTEC", "Turismo", (1, 0, 0)),
        ("SERCOTEC", NO_PROGRAMME, (2, 1, 50)),
    ]
    # Largest amount first; INDAP and SERCOTEC tie at $150 and go by name.
    assert [
        (line.institution, line.programme, _sums(line.sums)) for line in figures.institutions
    ] == [("FOSIS", "", (2, 0, 320)), ("INDAP", "", (1, 0, 150)), ("SERCOTEC", "", (4, 1, 150))]
    assert _sums(figures.total) == (7, 1, 620)
    assert figures.total.with_amount == 6


@pytest.mark.parametrize(
    ("amounts", "expected", "cuts"),
    [
        # Six amounts: the inclusive quintile cuts are the middle four, and
        # an amount equal to a cut is shaded below it (bisect_left).
        ({"a": 10, "b": 20, "c": 30, "d": 40, "e": 50, "f": 60},
         {"a": 1, "b": 1, "c": 2, "d": 3, "e": 4, "f": 5}, [20.0, 30.0, 40.0, 50.0]),
        # Nothing planned (zero, or a negative balance) is shade 0; equal
        # amounts have no cut below them.
        ({"a": 0, "b": -5, "c": 8, "d": 8},
         {"a": 0, "b": 0, "c": 1, "d": 1}, [8.0, 8.0, 8.0, 8.0]),
        # One peso is something planned; two amounts already have cuts.
        ({"a": 1, "b": 2}, {"a": 1, "b": 5}, [1.2, 1.4, 1.6, 1.8]),
        ({"a": 0, "b": 7}, {"a": 0, "b": 5}, []),
        ({"a": 0, "b": 0}, {"a": 0, "b": 0}, []),
        ({}, {}, []),
    ],
)  # fmt: skip
def test_shades_are_quintiles_of_what_is_planned(
    amounts: dict[str, int], expected: dict[str, int], cuts: list[float]
) -> None:
    assert shades(amounts) == (expected, cuts)


def _iral() -> IralFigures:
    rows = [
        # Every part stated: the plan is the import's parts.
        _row(1, 100, comunas=((COQUIMBO, 60), (LA_SERENA, 40)), territory_comunas=(OVALLE,)),
        # No comunas of its own: the territorio's (one repeated), split evenly,
        # the two pesos left over going to the first two in CUT order.
        _row(2, 101, territory_comunas=(OVALLE, LA_SERENA, COQUIMBO, LA_SERENA)),
        _row(3, None, territory="Sur", status="cumplido", comunas=((OVALLE, None),)),
        # Only a place the tables do not know: no comuna registered.
        _row(4, 50, territory="Sur", due=date(2027, 1, 1), comunas=((UNKNOWN, None),)),
        # One part missing (the unknown place's does not count): split evenly.
        _row(5, 10, territory="Sur", comunas=((COMBARBALA, 7), (OVALLE, None), (UNKNOWN, 3))),
        _row(6, 1_000, status="cancelado", comunas=((OVALLE, None),)),
        _row(7, 1_000, due=date(2028, 1, 1), comunas=((OVALLE, None),)),
        # Stated parts that do not add up to the amount (20 of 30).
        _row(9, 30, due=date(2027, 12, 31), comunas=((LA_SERENA, 10), (OVALLE, 10))),
        _row(10, None),
        # An amount of zero: placed, with a part of zero (nothing planned).
        _row(11, 0, territory="Sur", comunas=((MONTE_PATRIA, None),)),
    ]
    return iral_figures(reversed(rows), parse_period("2027-IRAL"), DAY, INFO, REGION)


def test_iral_places_each_commitment_in_its_comunas() -> None:
    figures = _iral()
    assert (figures.period, figures.day) == (parse_period("2027-IRAL"), DAY)
    assert [r.id for r in figures.rows] == [1, 2, 3, 4, 5, 9, 10, 11]
    placed = [
        (p.row.id, p.comuna.code if p.comuna else None, p.part, p.stated)
        for p in figures.placements
    ]
    assert placed == [
        (1, LA_SERENA, 40, True), (1, COQUIMBO, 60, True),
        (2, LA_SERENA, 34, False), (2, COQUIMBO, 34, False), (2, OVALLE, 33, False),
        (3, OVALLE, None, False),
        (4, None, 50, False),
        (5, OVALLE, 5, False), (5, COMBARBALA, 5, False),
        (9, LA_SERENA, 10, True), (9, OVALLE, 10, True),
        (10, None, None, False),
        (11, MONTE_PATRIA, 0, False),
    ]  # fmt: skip
    assert figures.planned == 40 + 60 + 34 + 34 + 33 + 5 + 5 + 10 + 10
    assert _sums(figures.total) == (8, 2, 291)
    assert _sums(figures.unplaced) == (2, 1, 50)


def test_iral_lines_by_territory_and_comuna_with_the_unplaced_last() -> None:
    figures = _iral()
    lines = [
        (line.territory, line.comuna.code if line.comuna else None, line.comuna_name,
         _sums(line.sums))
        for line in figures.lines
    ]  # fmt: skip
    assert lines == [
        ("Norte", LA_SERENA, "La Serena", (3, 0, 84)),
        ("Norte", COQUIMBO, "Coquimbo", (2, 0, 94)),
        ("Norte", OVALLE, "Ovalle", (2, 0, 43)),
        ("Norte", None, NO_COMUNA, (1, 1, 0)),
        ("Sur", OVALLE, "Ovalle", (2, 1, 5)),
        ("Sur", COMBARBALA, "Combarbalá", (1, 0, 5)),
        ("Sur", MONTE_PATRIA, "Monte Patria", (1, 0, 0)),
        ("Sur", None, NO_COMUNA, (1, 0, 50)),
    ]


def test_iral_table_by_provincia_with_shades() -> None:
    figures = _iral()
    # Planned per comuna: La Serena 84, Coquimbo 94, Ovalle 48, Combarbalá 5;
    # the inclusive quintile cuts of [5, 48, 84, 94]:
    assert figures.shade_cuts == pytest.approx([30.8, 55.2, 76.8, 88.0])
    blocks = [
        (block.code, block.name, _sums(block.sums),
         [(cell.comuna.code, _sums(cell.sums), cell.shade, cell.shade_words)
          for cell in block.cells])
        for block in figures.provinces
    ]  # fmt: skip
    assert blocks == [
        # Elqui: 1 (100), 2 (34 + 34 of 101) and 9 (10 of 30), each counted once.
        ("041", "Elqui", (3, 0, 178), [
            (LA_SERENA, (3, 0, 84), 4, "Quintil 4"),
            (COQUIMBO, (2, 0, 94), 5, "Quintil 5 (mayor monto)"),
        ]),
        # Choapa: no commitment at all.
        ("042", "Choapa", (0, 0, 0), [(ILLAPEL, (0, 0, 0), 0, "Sin inversión planificada")]),
        # Limarí: 2 (33), 3 (no amount), 5 (5 + 5), 9 (10) and 11 (zero).
        ("043", "Limarí", (5, 1, 53), [
            (OVALLE, (4, 1, 48), 2, "Quintil 2"),
            (COMBARBALA, (1, 0, 5), 1, "Quintil 1 (menor monto)"),
            (MONTE_PATRIA, (1, 0, 0), 0, "Sin inversión planificada"),
        ]),
    ]  # fmt: skip
