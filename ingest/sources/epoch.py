"""Epoch AI data sets: notable and large-scale models, ML hardware, GPU clusters, AI companies, training costs.

Each data set is declared once (file, URL, natural key, the columns typed here); every other published
column is kept verbatim in `extra` (JSON), so nothing is lost when Epoch adds columns. A delivery's vintage
is the day it was retrieved (a mirror file's modification day); vintages are kept side by side, so revised
rows stay queryable, and an unchanged file is never loaded twice.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import partial

import pandera.polars as pa
import polars as pl

from ingest.delivery import Delivery, Parsed, RejectedDelivery, frame_for, quarantine_frame
from ingest.fetch import locate_file
from ingest.read.careful import read_csv_records, record_json, whole_records
from ingest.settings import Settings
from ingest.sources.declaration import Source
from ingest.values import parse_date, parse_number

PARSER_VERSION = "2"
EPOCH_DATA_URL = "https://epoch.ai/data/{name}"
COST_TRENDS_URL = "https://raw.githubusercontent.com/epoch-research/training-cost-trends/main/{name}"

# kind -> (python annotation for pandera, parser)
_KINDS = {
    "text": (str, lambda v: v or None),
    "number": (float, parse_number),
    "date": (pl.Date, lambda v: parse_date(v, ("%Y-%m-%d", "%m/%d/%Y", "%m/%d/%y", "%Y-%m"))),
    "list": (str, lambda v: ", ".join(dict.fromkeys(p.strip() for p in v.split(",") if p.strip())) or None),
}


@dataclass(frozen=True)
class Dataset:
    name: str
    raw_table: str
    mirror_path: str
    url: str
    key: tuple[str, ...]
    """Our names of the columns that identify a row (the natural key); they must be present."""
    columns: tuple[tuple[str, str, str], ...]
    """(column as published, our name, kind) for the columns typed here; `kind` in text, number, date, list."""
    unique_key: bool = True
    description: str = ""
    record_numbers: bool = False
    """Keep each row's record number (`record_number`): where the publisher's own method reads rows in file order."""

    def model(self) -> type[pa.DataFrameModel]:
        annotations, fields = {}, {}
        for _, ours, kind in self.columns:
            annotations[ours] = _KINDS[kind][0]
            fields[ours] = pa.Field(nullable=ours not in self.key, **({"ge": 0} if kind == "number" else {}))
        if self.record_numbers:
            annotations["record_number"] = int
            fields["record_number"] = pa.Field(ge=1)
        annotations["extra"] = str
        fields["extra"] = pa.Field(nullable=True)
        config = {"strict": True, **({"unique": list(self.key)} if self.unique_key else {})}
        return type(
            _model_name(self.name),
            (pa.DataFrameModel,),
            {"__annotations__": annotations, **fields, "Config": type("Config", (), config)},
        )


def declared(dataset: Dataset, subject: str) -> Source:
    """The Source of one Epoch AI data set: a vintage replaces the earlier one in the marts."""
    return Source(
        name=dataset.name,
        raw_table=dataset.raw_table,
        parser_version=PARSER_VERSION,
        schema=dataset.model(),
        locate=partial(locate, dataset),
        parse=partial(parse, dataset),
        description=dataset.description,
        arrives_as="url",
        subject=subject,
        vintages_replace=True,
    )


def _model_name(name: str) -> str:
    return "".join(part.title() for part in name.split("_"))


def locate(dataset: Dataset, settings: Settings) -> list[Delivery]:
    return locate_file(dataset.name, dataset.mirror_path, dataset.url, settings)


def parse(dataset: Dataset, delivery: Delivery) -> Parsed:
    header, records = read_csv_records(delivery.path)
    index = {name: i for i, name in enumerate(header)}
    missing = [published for published, ours, _ in dataset.columns if ours in dataset.key and published not in index]
    if missing:
        raise RejectedDelivery(
            f"{delivery.source_file}: not the Epoch {dataset.name} file, missing key columns {missing}"
        )
    typed = {published for published, _, _ in dataset.columns}
    rows, seen = [], {}
    records, bad = whole_records(header, records)
    for number, record in records:
        values, problems = [], []
        for published, _ours, kind in dataset.columns:
            text = record[index[published]].strip() if published in index else ""
            value = _KINDS[kind][1](text) if text else None
            if text and value is None and kind in ("number", "date"):
                problems.append(f"{published} {text!r} is not a {kind}")
            values.append(value)
        key = tuple(values[i] for i, (_, ours, _) in enumerate(dataset.columns) if ours in dataset.key)
        if any(part is None for part in key):
            problems.append(f"natural key {dataset.key} is empty")
        elif dataset.unique_key and key in seen:
            problems.append(f"duplicate of record {seen[key]} (same {', '.join(dataset.key)})")
        if problems:
            bad.append((number, "; ".join(problems), record_json(header, record)))
            continue
        seen[key] = number
        extra = {name: record[i] for name, i in index.items() if name and name not in typed and record[i].strip()}
        rows.append(
            (
                *values,
                *((number,) if dataset.record_numbers else ()),
                json.dumps(extra, ensure_ascii=False) if extra else None,
            )
        )
    return Parsed(rows=frame_for(dataset.model(), rows), quarantine=quarantine_frame(bad))
