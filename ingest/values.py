"""Parsing of cell values as real exports write them: `$` strings, `%`, thousands separators, float years, NaN words."""

from __future__ import annotations

import math
import re
from datetime import UTC, date, datetime, timedelta

import polars as pl

MISSING_WORDS = {"", "nan", "n/a", "na", "none", "null", "-", "--", "undisclosed", "unknown"}

_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
# Thousands groups end in three digits: 1,234,567 and the Indian 20,00,00,000 (groups of two, then three).
# `2,49` is neither (a decimal comma, or a broken group): not read as 249.
_GROUPED = re.compile(r"^[+-]?\d{1,3}((,\d{2})*,\d{3}|(,\d{3})+)(\.\d+)?$")
DECIMAL_COMMA = re.compile(r"^[^,]*\d,\d{1,2}(\D*)$")
"""`2,49` or `€1,25M`: a decimal comma, which this reader does not guess at."""


def is_missing(text: str | None) -> bool:
    return text is None or text.strip().lower() in MISSING_WORDS


def parse_number(text: str | None) -> float | None:
    """A number as published, or None. `83.33%` gives 83.33 (the unit says %), `$1,234.5` gives 1234.5."""
    if is_missing(text):
        return None
    cleaned = text.strip().replace("\u00a0", "").replace(" ", "")
    cleaned = cleaned.removeprefix("$").removeprefix("US$").removesuffix("%")
    if _GROUPED.match(cleaned):
        cleaned = cleaned.replace(",", "")
    if not _NUMBER.match(cleaned):
        return None
    value = float(cleaned)
    return value if math.isfinite(value) else None  # `1e400` is not a number anyone published


INT64_LIMIT = 2**63
"""Whole-number columns are 64-bit: a value at or beyond this (in size) cannot be stored, and is quarantined."""


def whole_number_problem(value: float | int, name: str) -> str | None:
    """Why `value` cannot go into the whole-number column `name`, or None."""
    if isinstance(value, float) and (not math.isfinite(value) or value != int(value)):
        return f"{name} {value!r} is not a whole number"
    if abs(value) >= INT64_LIMIT:
        return f"{name} {value:.6g} is too large for a whole-number column (64-bit)"
    return None


def too_large_for_int64(number: pl.Expr) -> pl.Expr:
    """`number` (a float column) is beyond what a 64-bit whole-number column holds."""
    return number.abs() >= float(INT64_LIMIT)


def latest_observation_day() -> date:
    """The last day a price observation may carry: tomorrow (UTC), for a scrape that ran across midnight."""
    return datetime.now(UTC).date() + timedelta(days=1)


_DATE_FORMATS = ("%Y-%m-%d", "%m/%d/%y", "%m/%d/%Y", "%Y/%m/%d")


def parse_date(text: str | None, formats: tuple[str, ...] = _DATE_FORMATS) -> date | None:
    """ISO or US month-first dates (as the AI Index and Epoch write them); None when no format fits."""
    if is_missing(text):
        return None
    value = text.strip()
    if "-" not in value and "/" not in value and all(("-" in f or "/" in f) for f in formats):
        return None  # most cells are numbers: no separator, no date (strptime is slow at saying so)
    for fmt in formats:
        try:
            return datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    return None


_MONEY = re.compile(r"^(?P<symbol>[$€£¥₩]|[A-Z]{3})?(?P<number>\d+(?:[.,]\d+)*)\s*(?P<scale>[KkMmBbTt]|bn|mn)?$")
_SYMBOL_CURRENCY = {"$": "USD", "€": "EUR", "£": "GBP", "¥": "JPY", "₩": "KRW"}
_SCALE = {"k": 1e3, "m": 1e6, "mn": 1e6, "b": 1e9, "bn": 1e9, "t": 1e12}


def parse_money(text: str | None, default_currency: str | None = None) -> tuple[float, str | None] | None:
    """`$180M` -> (180e6, 'USD'), `€8.8M` -> (8.8e6, 'EUR'), `EUR 2,000` -> (2000, 'EUR'); None if not money."""
    if is_missing(text):
        return None
    match = _MONEY.match(re.sub(r"\s+", "", text))
    if not match:
        return None
    number = parse_number(match["number"])
    if number is None:
        return None
    symbol = (match["symbol"] or "").strip()
    currency = _SYMBOL_CURRENCY.get(symbol, symbol or default_currency)
    scale = _SCALE.get((match["scale"] or "").lower(), 1.0)
    return number * scale, currency


def number_expr(text: pl.Expr) -> pl.Expr:
    """`parse_number` as a polars expression over a string column (same rules, vectorized)."""
    stripped = text.str.strip_chars()
    missing = stripped.is_null() | stripped.str.to_lowercase().is_in(sorted(MISSING_WORDS))
    cleaned = (
        stripped.str.replace_all("\u00a0", "", literal=True)
        .str.replace_all(" ", "", literal=True)
        .str.strip_prefix("$")
        .str.strip_prefix("US$")
        .str.strip_suffix("%")
    )
    cleaned = (
        pl.when(cleaned.str.contains(_GROUPED.pattern))
        .then(cleaned.str.replace_all(",", "", literal=True))
        .otherwise(cleaned)
    )
    value = (
        pl.when(missing | ~cleaned.str.contains(_NUMBER.pattern))
        .then(None)
        .otherwise(cleaned)
        .cast(pl.Float64, strict=False)
    )
    return pl.when(value.is_infinite()).then(None).otherwise(value)


def numbers(texts: pl.Series) -> pl.Series:
    """`number_expr` over a column, each distinct text parsed once: a catalog's counts and sizes are a few values
    repeated, its prices a quarter of its rows, and the string cleaning of `number_expr` costs per row."""
    distinct = texts.drop_nulls().unique()
    parsed = distinct.to_frame("text").select(number_expr(pl.col("text"))).to_series()
    return texts.replace_strict(distinct, parsed, default=None, return_dtype=pl.Float64)
