"""Amounts and dates as people write them, each case pinned to its value
or its Spanish message (what the importer, the CLI and the forms accept)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest

from models.dates import DateError, check_range, format_long, parse_date
from models.money import AmountError, format_bytes, format_clp, parse_clp

WRITE_IT = "escríbalo como 15000000 o $15.000.000"
NOT_A_DATE = "no es una fecha válida; use AAAA-MM-DD, DD-MM-AAAA o DD/MM/AAAA"


@pytest.mark.parametrize(
    ("given", "pesos"),
    [
        (15000000, 15_000_000),
        ("15000000", 15_000_000),
        ("15.000.000", 15_000_000),
        ("$15.000.000", 15_000_000),
        ("$ 15.000.000", 15_000_000),
        ("  $\u00a08.500.000 ", 8_500_000),
        ("CLP 2.500", 2_500),
        ("clp2500", 2_500),
        (0, 0),
        ("0", 0),
        ("$0", 0),
        (2500000.0, 2_500_000),
        (Decimal("7"), 7),
        ("1.000.000.000.000.000", 10**15),
        (10**15, 10**15),
        (None, None),
        ("", None),
        ("   ", None),
    ],
)
def test_amounts_people_write(given: object, pesos: int | None) -> None:
    assert parse_clp(given) == pesos


@pytest.mark.parametrize(
    ("given", "message"),
    [
        (-1, "el monto no puede ser negativo"),
        ("-5.000", "el monto no puede ser negativo"),
        (2500000.5, "el monto debe estar en pesos enteros, sin decimales"),
        ("1.500,50", "el monto debe estar en pesos enteros, sin decimales"),
        (Decimal("0.5"), "el monto debe estar en pesos enteros, sin decimales"),
        (10**15 + 1, "el monto es demasiado grande"),
        ("quince millones", f"«quince millones» no es un monto en pesos; {WRITE_IT}"),
        ("$", "«$» no es un monto en pesos"),
        ("CLP", "«CLP» no es un monto en pesos"),
        (True, "no es un monto en pesos"),
        (float("nan"), "no es un monto en pesos"),
        (float("inf"), "no es un monto en pesos"),
        (float("-inf"), "no es un monto en pesos"),
        (Decimal("NaN"), "no es un monto en pesos"),
    ],
)  # fmt: skip
def test_amounts_that_are_refused(given: object, message: str) -> None:
    with pytest.raises(AmountError) as refused:
        parse_clp(given)
    assert str(refused.value) == message


def test_amounts_as_chileans_read_them() -> None:
    assert format_clp(15_000_000) == "$15.000.000"
    assert format_clp(0) == "$0"
    assert format_clp(None) == "sin monto"
    assert format_clp(None, empty="—") == "—"
    assert format_bytes(1_234_567) == "1.234.567 bytes"
    assert format_bytes(None) == "—"


@pytest.mark.parametrize(
    ("given", "day"),
    [
        ("2026-09-21", date(2026, 9, 21)),
        (" 21-09-2026 ", date(2026, 9, 21)),
        ("21/09/2026", date(2026, 9, 21)),
        (date(2026, 9, 21), date(2026, 9, 21)),
        (datetime(2026, 9, 21, 23, 59), date(2026, 9, 21)),
        ("1990-01-01", date(1990, 1, 1)),
        ("31/12/2100", date(2100, 12, 31)),
    ],
)
def test_dates_people_write(given: object, day: date) -> None:
    assert parse_date(given) == day


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ("21.09.2026", f"«21.09.2026» {NOT_A_DATE}"),
        ("2026-02-30", f"«2026-02-30» {NOT_A_DATE}"),
        (None, f"«» {NOT_A_DATE}"),
        ("1989-12-31", "la fecha 31-12-1989 está fuera de rango (1990 a 2100)"),
        ("01/01/2101", "la fecha 01-01-2101 está fuera de rango (1990 a 2100)"),
        (date(1900, 1, 1), "la fecha 01-01-1900 está fuera de rango (1990 a 2100)"),
        (datetime(2200, 5, 1), "la fecha 01-05-2200 está fuera de rango (1990 a 2100)"),
    ],
)  # fmt: skip
def test_dates_that_are_refused(given: object, message: str) -> None:
    with pytest.raises(DateError) as refused:
        parse_date(given)
    assert str(refused.value) == message


def test_the_range_and_the_long_form() -> None:
    assert check_range(date(2026, 9, 21)) == date(2026, 9, 21)
    assert format_long(date(2026, 9, 21)) == "21 de septiembre de 2026"
    assert format_long(date(2007, 7, 3)) == "3 de julio de 2007"


@pytest.mark.parametrize(
    ("given", "pesos"),
    [
        ("8\u00a0500\u00a0000", 8_500_000),  # non-breaking spaces as thousands separators
        ("15 000 000", 15_000_000),
        ("$ 1 500", 1_500),
    ],
)
def test_spaces_between_thousands(given: str, pesos: int) -> None:
    assert parse_clp(given) == pesos


@pytest.mark.parametrize("given", ["15.00.000", "1.5000", "15,000,000"])
def test_thousands_must_be_grouped_in_threes(given: str) -> None:
    with pytest.raises(AmountError, match="no es un monto en pesos"):
        parse_clp(given)
