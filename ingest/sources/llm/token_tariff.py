"""token-tariff's timeline of frontier model prices (Prajwalsrinvas/token-tariff `timeline.csv`, MIT): per model,
its vendor, release date, launch and current input/output prices in USD per million tokens, each with the
`source_url` of the price (often an archived vendor pricing page).

A launch price is observed on the release date; a current price on the file's date (the retrieval, or a mirror
copy's modification day). A launch price left blank ("not verified" by the publisher) or a blank current price
(a retired model) is quarantined with that reason; the model's other price still lands.
"""

from __future__ import annotations

from datetime import date

from ingest.delivery import Delivery, Parsed, frame_for, quarantine_frame
from ingest.fetch import locate_file
from ingest.read.careful import record_json, required_records
from ingest.settings import Settings
from ingest.sources.declaration import first_line
from ingest.sources.llm.prices import ListPrices, price_list
from ingest.values import parse_date, parse_number

SOURCE = "token_tariff"
RAW_TABLE = "token_tariff_prices"
PARSER_VERSION = "1"
URL = "https://raw.githubusercontent.com/Prajwalsrinvas/token-tariff/main/timeline.csv"
MIRROR_PATH = "llm_prices/token_tariff/timeline.csv"
REQUIRED = (
    "model",
    "vendor",
    "release_date",
    "launch_price_in",
    "launch_price_out",
    "current_price_in",
    "current_price_out",
)


def locate(settings: Settings) -> list[Delivery]:
    return locate_file(SOURCE, MIRROR_PATH, URL, settings)


def parse(delivery: Delivery) -> Parsed:
    header, records, bad = required_records(delivery.path, REQUIRED, delivery.source_file, "the token-tariff timeline")
    vintage = date.fromisoformat(delivery.edition)
    current_basis = "retrieval date" if delivery.source_file == URL else "file modification date"
    rows = []
    for number, fields in records:
        record = {k: v.strip() for k, v in zip(header, fields)}
        released = parse_date(record["release_date"], ("%Y-%m-%d",))
        for when, day, basis in (
            ("launch", released, "release date (launch price)"),
            ("current", vintage, current_basis),
        ):
            prices = [(kind, record[f"{when}_price_{side}"]) for kind, side in (("input", "in"), ("output", "out"))]
            if day is None or not all(text for _, text in prices):
                reason = (
                    "launch price or release date blank (not verified by the publisher)"
                    if when == "launch"
                    else "current price blank (not listed now)"
                )
                bad.append((number, f"{record['model']}: {reason}", record_json(header, fields)))
                continue
            for kind, text in prices:
                price = parse_number(text)
                if price is None or price < 0:
                    bad.append(
                        (
                            number,
                            f"{record['model']}: {when} {kind} price {text!r} is not a number",
                            record_json(header, fields),
                        )
                    )
                    continue
                rows.append(
                    (
                        day,
                        record["model"],
                        record["vendor"] or None,
                        "chat",
                        kind,
                        "token",
                        None,
                        None,
                        "USD",
                        price,
                        1e6,
                        basis,
                        record.get("source_url") or None,
                    )
                )
    return Parsed(rows=frame_for(ListPrices, rows), quarantine=quarantine_frame(bad))


DECLARATION = price_list(
    name=SOURCE,
    raw_table=RAW_TABLE,
    parser_version=PARSER_VERSION,
    locate=locate,
    parse=parse,
    description=first_line(__doc__),
)
