"""Funding-round exports dropped into the funding inbox, in any known layout (detected from the header).

A layout names the columns that hold the company, date, round type, amount, currency and investors.
A file whose header matches no layout is rejected whole, with the reason recorded.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, datetime, timezone
from pathlib import Path

import pandera.polars as pa
import polars as pl

from ingest.csvfile import read_csv_records, record_json
from ingest.delivery import Delivery, Parsed, RejectedDelivery, frame_for, quarantine_frame
from ingest.settings import SourceSettings
from ingest.values import is_missing, parse_date, parse_money, parse_number

SOURCE = "funding_exports"
RAW_TABLE = "funding_rounds"
PARSER_VERSION = "1"
EARLIEST = date(1990, 1, 1)


@dataclass(frozen=True)
class Layout:
    name: str
    company: str
    announced_on: str
    date_format: str
    round_type: str
    amount: str
    """Column with the amount: a bare number (in `currency`) or money text such as `$180M`."""
    investors: str
    round_id: str | None = None
    country: str | None = None
    currency: str | None = None
    """Column with an ISO currency code; blank cells (and layouts without one) mean USD."""
    amount_usd: str | None = None
    """Column with the publisher's own USD amount, kept beside ours."""

    def columns(self) -> set[str]:
        return {c for c in (self.company, self.announced_on, self.round_type, self.amount, self.investors,
                            self.round_id, self.country, self.currency, self.amount_usd) if c}


LAYOUTS = (
    Layout(name="crunchbase_csv", company="company_name", announced_on="announced_on", date_format="%Y-%m-%d",
           round_type="funding_round_type", amount="raised_amount", investors="investor_names",
           round_id="funding_round_uuid", country="country_code", currency="raised_amount_currency_code",
           amount_usd="raised_amount_usd"),
    Layout(name="crunchbase_portfolio", company="Company Name", announced_on="Announced Date",
           date_format="%Y-%m-%d", round_type="Funding Type", amount="Money Raised", investors="Lead Investors"),
)


def detect_layout(header: list[str]) -> Layout:
    names = set(header)
    for layout in LAYOUTS:
        if layout.columns() <= names:
            return layout
    known = ", ".join(layout.name for layout in LAYOUTS)
    raise RejectedDelivery(f"header matches no funding layout ({known}): {header[:8]}")


def locate(settings: SourceSettings) -> list[Delivery]:
    if settings.mirror_dir:
        root, paths = settings.mirror_dir, sorted(settings.mirror_dir.glob("crunchbase_*/funding_rounds.csv"))
    else:
        root = settings.inbox_dir / "funding"
        paths = sorted(root.rglob("*.csv")) if root.is_dir() else []
    return [Delivery.from_file(SOURCE, "export", p.relative_to(root).as_posix(), p) for p in paths]


class FundingRounds(pa.DataFrameModel):
    layout: str
    source_round_id: str = pa.Field(str_length={"min_value": 1})
    company: str = pa.Field(str_length={"min_value": 1})
    country_code: str = pa.Field(nullable=True)
    announced_on: pl.Date
    round_type: str = pa.Field(nullable=True)
    amount: float = pa.Field(nullable=True, gt=0)
    currency: str = pa.Field(nullable=True, str_matches=r"^[A-Z]{3}$")
    amount_usd_published: float = pa.Field(nullable=True, gt=0)
    investors: str = pa.Field(nullable=True)

    class Config:
        strict = True


def _amount(text: str | None, currency_cell: str | None) -> tuple[float | None, str | None, str | None]:
    """(amount, currency, problem). Blank and `undisclosed` amounts are unknown, not errors."""
    if is_missing(text):
        return None, None, None
    number = parse_number(text)
    if number is not None:
        return number, (currency_cell or "USD").upper(), None
    money = parse_money(text, default_currency=(currency_cell or "USD").upper())
    if money is None:
        return None, None, f"amount {text!r} is not a number or money text"
    return money[0], money[1], None


def parse(delivery: Delivery, today: date | None = None) -> Parsed:
    header, records = read_csv_records(delivery.path)
    layout = detect_layout(header)
    index = {name: i for i, name in enumerate(header)}
    today = today or datetime.now(timezone.utc).date()
    rows, bad = [], []
    for number, record in records:
        if len(record) != len(header):
            bad.append((number, f"record has {len(record)} fields, header has {len(header)}", record_json(header, record)))
            continue

        def cell(column: str | None) -> str | None:
            value = record[index[column]].strip() if column else ""
            return value or None

        company, announced = cell(layout.company), parse_date(cell(layout.announced_on), (layout.date_format,))
        amount, currency, problem = _amount(cell(layout.amount), cell(layout.currency))
        if amount is None and problem is None and layout.amount_usd:
            amount, currency, problem = _amount(cell(layout.amount_usd), "USD")
        problem = (
            "company is missing" if not company
            else f"date {cell(layout.announced_on)!r} does not match {layout.date_format}" if announced is None
            else f"date {announced} is before {EARLIEST}" if announced < EARLIEST
            else f"date {announced} is in the future" if announced > today
            else problem or (f"amount {amount:g} is not positive" if amount is not None and amount <= 0 else None)
        )
        if problem:
            bad.append((number, problem, record_json(header, record)))
            continue
        source_id = cell(layout.round_id) or hashlib.sha256(
            "|".join(cell(c) or "" for c in (layout.company, layout.announced_on, layout.round_type, layout.amount))
            .encode()).hexdigest()[:16]
        usd = parse_number(cell(layout.amount_usd)) if layout.amount_usd else None
        rows.append((layout.name, source_id, company, cell(layout.country), announced, cell(layout.round_type),
                     amount, currency, usd if usd and usd > 0 else None, cell(layout.investors)))
    return Parsed(rows=frame_for(FundingRounds, rows), quarantine=quarantine_frame(bad))
