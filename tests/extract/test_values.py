from __future__ import annotations

from decimal import Decimal

import pytest

from extract.values import parse_amount, parse_count


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("0", 0),
        ("447228", 447228),
        ("447,228", 447228),
        ("１２", 12),
        (" 3 ", 3),
        ("", 0),
        ("—", 0),
        ("-", 0),
        ("/", 0),
        ("／", 0),
        ("12\n3", None),
        ("2\n\n6", None),  # two <p>s in one cell: two numbers, never 26
        ("1  2", None),
        ("1 \n 2", None),
        ("约5", None),
        ("3.5", None),
        ("-3", None),
    ],
)
def test_parse_count(raw: str, value: int | None) -> None:
    assert parse_count(raw) == value


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("96171.6", Decimal("96171.6")),
        ("7545", Decimal(7545)),
        ("1,234.50", Decimal("1234.50")),
        ("—", Decimal(0)),
        ("约3万", None),
    ],
)
def test_parse_amount(raw: str, value: Decimal | None) -> None:
    assert parse_amount(raw) == value
