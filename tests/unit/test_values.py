from datetime import date

import polars as pl
import pytest

from ingest.values import is_missing, numbers, parse_date, parse_money, parse_number


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("83.33%", 83.33),
        ("2013.0", 2013.0),
        ("6.3600001e+26", 6.3600001e26),
        ("2E+11", 2e11),
        ("$29827341.92", 29827341.92),
        ("1,234,567.5", 1234567.5),
        ("20,00,00,000", 200000000.0),
        (" 42 ", 42.0),
        ("NaN", None),
        ("N/A", None),
        ("undisclosed", None),
        ("", None),
        ("4-6", None),
        ("12,3", None),
    ],
)
def test_parse_number(text, expected):
    assert parse_number(text) == expected


def test_a_column_of_numbers_parsed_once_per_text_gives_parse_number_for_every_row():
    texts = ["83.33%", "1,234,567.5", " 42 ", "NaN", "N/A", "", "4-6", "12,3", "$29827341.92", "inf"]
    column = pl.Series([*texts, *texts, None], dtype=pl.Utf8)  # every text twice, and a blank cell
    assert numbers(column).to_list() == [parse_number(text) for text in texts * 2] + [None]
    assert numbers(pl.Series([None, None], dtype=pl.Utf8)).to_list() == [None, None]  # a column absent from a file


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2023-12-29", date(2023, 12, 29)),
        ("12/24/24", date(2024, 12, 24)),
        ("9/19/2025", date(2025, 9, 19)),
        ("2013.0", None),
        ("", None),
    ],
)
def test_parse_date(text, expected):
    assert parse_date(text) == expected


def test_parse_date_uses_only_the_given_formats():
    assert parse_date("12/24/24", ("%Y-%m-%d",)) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("$180M", (180e6, "USD")),
        ("€8.8M", (8.8e6, "EUR")),
        ("$2.3B", (2.3e9, "USD")),
        ("₩5,000,000", (5e6, "KRW")),
        ("EUR 2,000", (2000.0, "EUR")),
        ("1500", (1500.0, "GBP")),
        ("lots of money", None),
        ("", None),
    ],
)
def test_parse_money(text, expected):
    assert parse_money(text, default_currency="GBP") == expected


def test_missing_words():
    assert is_missing(" nan ") and is_missing(None) and not is_missing("0")
