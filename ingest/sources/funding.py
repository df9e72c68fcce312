"""Funding-round exports in any declared layout, detected from the header.

A layout is a YAML file (`ingest/layouts/funding/*.yml`, plus any in AIMETRICS_FUNDING_LAYOUTS_DIR) naming the
columns that hold the company, the announcement and (optionally) close dates, round type, status, amount,
currency, pre- and post-money valuations and investors, the date formats the export may use and the currency of
bare amounts. A file whose header matches no layout is rejected whole,
with the reason recorded. The date format is decided once per file (never guessed per row).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import lru_cache
from pathlib import Path

import pandera.polars as pa
import polars as pl
import yaml

from ingest.delivery import Delivery, Parsed, RejectedDelivery, frame_for, quarantine_frame
from ingest.read.careful import read_csv_records, record_json, whole_records
from ingest.settings import Settings, load_settings
from ingest.sources.declaration import Source, first_line
from ingest.sources.ecb import known_currencies
from ingest.values import DECIMAL_COMMA, is_missing, parse_date, parse_money, parse_number

SOURCE = "funding_exports"
RAW_TABLE = "funding_rounds"
PARSER_VERSION = "4"
EARLIEST = date(1990, 1, 1)
LAYOUT_DIR = Path(__file__).resolve().parent.parent / "layouts" / "funding"
MIRROR_GLOBS = ("crunchbase_*/funding_rounds.csv", "epoch_ai_companies/ai_companies_funding_rounds.csv")
ROLES = (
    "round_id",
    "company",
    "country",
    "announced_on",
    "announced_on_fallback",
    "closed_on",
    "round_type",
    "status",
    "amount",
    "currency",
    "amount_usd",
    "valuation_pre_money",
    "valuation_post_money",
    "investors",
)


# roles an export of the layout may or may not carry (Crunchbase writes valuations only where it has them)
MAY_BE_ABSENT = frozenset({"closed_on", "valuation_pre_money", "valuation_post_money"})


@dataclass(frozen=True)
class Layout:
    name: str
    columns: dict[str, str]
    """role -> column as published; `company`, `announced_on` and `amount` are required."""
    date_formats: tuple[str, ...] = ("%Y-%m-%d",)
    default_currency: str = "USD"
    path: Path | None = field(default=None, compare=False)

    def column(self, role: str) -> str | None:
        return self.columns.get(role)

    def matches(self, header: list[str]) -> bool:
        """Every column the layout names is in the header, but for the roles an export may leave out."""
        return {column for role, column in self.columns.items() if role not in MAY_BE_ABSENT} <= set(header)


def load_layout(path: Path) -> Layout:
    spec = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    columns = spec.get("columns") or {}
    unknown = set(columns) - set(ROLES)
    missing = {"company", "announced_on", "amount"} - set(columns)
    if not spec.get("name") or unknown or missing:
        raise ValueError(
            f"{path}: a funding layout needs a name and the columns company, announced_on and amount "
            f"(unknown roles: {sorted(unknown)}, missing: {sorted(missing)})"
        )
    return Layout(
        name=spec["name"],
        columns=dict(columns),
        date_formats=tuple(spec.get("date_formats") or ("%Y-%m-%d",)),
        default_currency=str(spec.get("default_currency", "USD")).upper(),
        path=path,
    )


def layouts() -> list[Layout]:
    folders = [LAYOUT_DIR]
    extra = load_settings().funding_layouts_dir
    if extra:
        folders.append(extra)
    return [load_layout(path) for folder in folders if folder.is_dir() for path in sorted(folder.glob("*.yml"))]


def detect_layout(header: list[str], candidates: list[Layout] | None = None) -> Layout:
    candidates = layouts() if candidates is None else candidates
    # the most specific layout first: the one that names the most columns
    for layout in sorted(candidates, key=lambda layout: -len(layout.columns)):
        if layout.matches(header):
            return layout
    known = ", ".join(layout.name for layout in candidates)
    raise RejectedDelivery(f"header matches no funding layout ({known}): {header[:8]}")


def locate(settings: Settings) -> list[Delivery]:
    """The mirror's exports (when a mirror is set) and, in both modes, those dropped into `<inbox>/funding/`."""
    roots = [(settings.mirror_dir, MIRROR_GLOBS)] if settings.mirror_dir else []
    roots.append((settings.inbox_dir / "funding", ("**/*.csv",)))
    return [
        Delivery.from_file(SOURCE, "export", path.relative_to(root).as_posix(), path, root=root)
        for root, patterns in roots
        if root.is_dir()
        for path in sorted({p for pattern in patterns for p in root.glob(pattern)})
    ]


class FundingRounds(pa.DataFrameModel):
    layout: str
    source_round_id: str = pa.Field(str_length={"min_value": 1})
    company: str = pa.Field(str_length={"min_value": 1})
    country_code: str = pa.Field(nullable=True)
    announced_on: pl.Date
    announced_on_basis: str
    closed_on: pl.Date = pa.Field(nullable=True)
    round_type: str = pa.Field(nullable=True)
    status: str = pa.Field(nullable=True)
    amount: float = pa.Field(nullable=True, gt=0)
    currency: str = pa.Field(nullable=True, str_matches=r"^[A-Z]{3}$")
    amount_usd_published: float = pa.Field(nullable=True, gt=0)
    valuation_pre_money: float = pa.Field(nullable=True, gt=0)
    valuation_post_money: float = pa.Field(nullable=True, gt=0)
    investors: str = pa.Field(nullable=True)
    date_format: str

    class Config:
        strict = True


@lru_cache(maxsize=1)
def _currencies() -> frozenset[str]:
    return frozenset(known_currencies())


def choose_date_format(values: list[str], formats: tuple[str, ...]) -> str:
    """The layout's first format that reads every date of the file, else the one that reads the most.

    Deciding per file keeps `03/04/2024` from meaning March in one row and April in the next.
    """
    present = [v for v in values if not is_missing(v)]
    counts = [(sum(parse_date(v, (fmt,)) is not None for v in present), -i, fmt) for i, fmt in enumerate(formats)]
    return max(counts)[2]


def _amount(text: str | None, currency_cell: str | None, default_currency: str):
    """(amount, currency, problem). Blank and `undisclosed` amounts are unknown, not errors."""
    if is_missing(text):
        return None, None, None
    if DECIMAL_COMMA.match(text.strip()):
        return None, None, f"amount {text!r} has a decimal comma (or a broken thousands group): not guessed"
    currency = (currency_cell or default_currency).upper()
    number = parse_number(text)
    if number is not None:
        return number, currency, None
    money = parse_money(text, default_currency=currency)
    if money is None:
        return None, None, f"amount {text!r} is not a number or money text"
    return money[0], money[1], None


def parse(delivery: Delivery, today: date | None = None) -> Parsed:
    header, records = read_csv_records(delivery.path)
    layout = detect_layout(header)
    index = {name: i for i, name in enumerate(header)}
    today = today or datetime.now(UTC).date()

    def cell(record: list[str], role: str) -> str | None:
        column = layout.column(role)
        value = record[index[column]].strip() if column in index and index[column] < len(record) else ""
        return value or None

    complete = [(n, r) for n, r in records if len(r) == len(header)]
    date_format = choose_date_format(
        [cell(r, "announced_on") or cell(r, "announced_on_fallback") or "" for _, r in complete], layout.date_formats
    )
    rows, seen = [], {}
    records, bad = whole_records(header, records)
    for number, record in records:
        line = tuple(field.strip() for field in record)
        if line in seen:  # a line repeated in an export is one deal, not two
            bad.append((number, f"duplicate of record {seen[line]}", record_json(header, record)))
            continue
        seen[line] = number
        company = cell(record, "company")
        date_text = cell(record, "announced_on") or cell(record, "announced_on_fallback")
        announced = parse_date(date_text, (date_format,))
        announced_basis = layout.column("announced_on" if cell(record, "announced_on") else "announced_on_fallback")
        amount, currency, problem = _amount(cell(record, "amount"), cell(record, "currency"), layout.default_currency)
        if amount is None and problem is None and layout.column("amount_usd"):
            amount, currency, problem = _amount(cell(record, "amount_usd"), "USD", "USD")
        problem = (
            "company is missing"
            if not company
            else f"date {date_text!r} does not match the file's date format {date_format}"
            if announced is None
            else f"date {announced} is before {EARLIEST}"
            if announced < EARLIEST
            else f"date {announced} is in the future"
            if announced > today
            else problem
            or (f"amount {amount:g} is not positive" if amount is not None and amount <= 0 else None)
            or (f"unknown currency code {currency!r}" if currency and currency not in _currencies() else None)
        )
        closed_text = cell(record, "closed_on")
        closed = parse_date(closed_text, (date_format,)) if closed_text else None
        valuations = {
            role: _amount(cell(record, role), cell(record, "currency"), layout.default_currency)
            for role in ("valuation_pre_money", "valuation_post_money")
        }
        problem = (
            problem
            or (
                f"close date {closed_text!r} does not match the file's date format {date_format}"
                if closed_text and closed is None
                else None
            )
            or (f"close date {closed} is in the future" if closed and closed > today else None)
            or next((f"{role.replace('_', ' ')}: {found[2]}" for role, found in valuations.items() if found[2]), None)
        )
        if problem:
            bad.append((number, problem, record_json(header, record)))
            continue
        source_id = (
            cell(record, "round_id")
            or hashlib.sha256(
                "|".join(
                    cell(record, role) or "" for role in ("company", "announced_on", "round_type", "amount")
                ).encode()
            ).hexdigest()[:16]
        )
        usd = parse_number(cell(record, "amount_usd"))
        rows.append(
            (
                layout.name,
                source_id,
                company,
                cell(record, "country"),
                announced,
                announced_basis,
                closed,
                cell(record, "round_type"),
                cell(record, "status"),
                amount,
                currency,
                usd if usd and usd > 0 else None,
                *(value if value and value > 0 else None for value, _, _ in valuations.values()),
                cell(record, "investors"),
                date_format,
            )
        )
    return Parsed(rows=frame_for(FundingRounds, rows), quarantine=quarantine_frame(bad))


DECLARATION = Source(
    name=SOURCE,
    raw_table=RAW_TABLE,
    parser_version=PARSER_VERSION,
    schema=FundingRounds,
    locate=locate,
    parse=parse,
    description=first_line(__doc__),
    arrives_as="files",
    subject="funding",
)
