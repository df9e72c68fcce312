"""Carbon reference data: grid carbon intensity per country and per energy source (CodeCarbon), per cloud
region with PUE (ML CO2 Impact and CodeCarbon: two vintages of the same regions, both kept), and chip TDP
and FLOP/s (ML CO2 Impact `gpus.csv`, whose short `A10G` record is quarantined rather than shifted)."""

from __future__ import annotations

import json

import pandera.polars as pa

from ingest.delivery import Delivery, Parsed, RejectedDelivery, frame_for, quarantine_frame
from ingest.fetch import locate_file
from ingest.read.careful import load_json, read_csv_records, read_text, record_json, whole_records
from ingest.settings import Settings
from ingest.sources.declaration import Source
from ingest.values import parse_number, whole_number_problem

PARSER_VERSION = "2"
MAX_TFLOPS_PER_WATT = 3.0  # the most efficient chips in the file reach about 2 (H100 NVL, tensor TF32)
CODECARBON = "https://raw.githubusercontent.com/mlco2/codecarbon/master/codecarbon/data/"
MLCO2 = "https://raw.githubusercontent.com/mlco2/impact/master/data/"


def _json(delivery: Delivery):
    return load_json(read_text(delivery.path), delivery.source_file)


# --- grid carbon intensity per country ------------------------------------------------------------


class GridIntensity(pa.DataFrameModel):
    iso3: str = pa.Field(str_matches=r"^[A-Z0-9_]{3,}$", unique=True)
    country_name: str
    gco2_per_kwh: float = pa.Field(ge=0, le=2000)
    year: int = pa.Field(nullable=True, ge=1990, le=2100)
    fossil_share: float = pa.Field(nullable=True, ge=0, le=1)

    class Config:
        strict = True


def locate_grid(settings: Settings) -> list[Delivery]:
    return locate_file(
        "grid_carbon_intensity",
        "codecarbon/global_energy_mix.json",
        CODECARBON + "private_infra/global_energy_mix.json",
        settings,
    )


def parse_grid(delivery: Delivery) -> Parsed:
    data = _json(delivery)
    if not isinstance(data, dict):
        raise RejectedDelivery(f"{delivery.source_file}: expected an object keyed by ISO 3166 alpha-3 code")
    rows, bad = [], []
    for number, (iso3, entry) in enumerate(sorted(data.items()), start=1):
        intensity = parse_number(str(entry.get("carbon_intensity", ""))) if isinstance(entry, dict) else None
        if intensity is None:
            bad.append((number, f"{iso3}: carbon_intensity missing or not a number", json.dumps({iso3: entry})))
            continue
        total, fossil = parse_number(str(entry.get("total_TWh", ""))), parse_number(str(entry.get("fossil_TWh", "")))
        year = parse_number(str(entry.get("year", "")))
        if year is not None and (problem := whole_number_problem(year, "year")):
            bad.append((number, f"{iso3}: {problem}", json.dumps({iso3: entry})))
            continue
        rows.append(
            (
                iso3,
                entry.get("country_name") or iso3,
                intensity,
                int(year) if year else None,
                fossil / total if total and fossil is not None else None,
            )
        )
    return Parsed(rows=frame_for(GridIntensity, rows), quarantine=quarantine_frame(bad))


# --- carbon intensity per energy source --------------------------------------------------------------


class SourceIntensity(pa.DataFrameModel):
    energy_source: str = pa.Field(unique=True)
    gco2_per_kwh: float = pa.Field(ge=0, le=2000)
    reference: str = pa.Field(nullable=True)

    class Config:
        strict = True


def locate_per_source(settings: Settings) -> list[Delivery]:
    return locate_file(
        "carbon_intensity_per_source",
        "codecarbon/carbon_intensity_per_source.json",
        CODECARBON + "private_infra/carbon_intensity_per_source.json",
        settings,
    )


def parse_per_source(delivery: Delivery) -> Parsed:
    data = _json(delivery)
    if not isinstance(data, dict):
        raise RejectedDelivery(f"{delivery.source_file}: expected an object of energy source -> gCO2/kWh")
    rows, bad = [], []
    for number, (name, value) in enumerate(sorted(data.items()), start=1):
        if name.endswith("_source") or name == "unit":
            continue
        intensity = parse_number(str(value))
        if intensity is None:
            bad.append((number, f"{name}: {value!r} is not a number", json.dumps({name: value})))
            continue
        rows.append((name, intensity, data.get(f"{name}_source")))
    return Parsed(rows=frame_for(SourceIntensity, rows), quarantine=quarantine_frame(bad))


# --- cloud regions: grid intensity and PUE ------------------------------------------------------------


class CloudRegions(pa.DataFrameModel):
    provider: str
    region: str
    region_name: str = pa.Field(nullable=True)
    country: str = pa.Field(nullable=True)
    country_iso3: str = pa.Field(nullable=True)
    city: str = pa.Field(nullable=True)
    gco2_per_kwh: float = pa.Field(ge=0, le=2000)
    pue: float = pa.Field(nullable=True, ge=1, le=3)
    offset_ratio: float = pa.Field(nullable=True, ge=0, le=100)
    reference: str = pa.Field(nullable=True)

    class Config:
        strict = True
        unique = ["provider", "region"]


_REGION_FILES = {
    "mlco2_impact": ("mlco2_impact/impact.csv", MLCO2 + "impact.csv"),
    "codecarbon": ("codecarbon/impact.csv", CODECARBON + "cloud/impact.csv"),
}


def locate_regions(settings: Settings) -> list[Delivery]:
    return [
        delivery
        for vintage, (path, url) in _REGION_FILES.items()
        for delivery in locate_file("cloud_region_carbon", path, url, settings, edition=vintage)
    ]


def parse_regions(delivery: Delivery) -> Parsed:
    header, records = read_csv_records(delivery.path)
    index = {name: i for i, name in enumerate(header)}
    if not {"provider", "region", "impact"} <= set(index):
        raise RejectedDelivery(f"{delivery.source_file}: not a cloud impact file (needs provider, region, impact)")
    rows = []
    records, bad = whole_records(header, records)
    for number, record in records:
        cell = {name: (record[i].strip() or None) for name, i in index.items()}
        impact = parse_number(cell["impact"])
        if impact is None:
            bad.append((number, f"impact {cell['impact']!r} is not a number", record_json(header, record)))
            continue
        # a region published by name only (Scaleway's "Paris") is keyed by that name
        rows.append(
            (
                cell["provider"],
                cell["region"] or cell.get("regionName"),
                cell.get("regionName"),
                cell.get("country") or cell.get("country_name"),
                cell.get("countryIsoCode"),
                cell.get("city"),
                impact,
                parse_number(cell.get("PUE")),
                parse_number(cell.get("offsetRatio")),
                cell.get("source"),
            )
        )
    return Parsed(rows=frame_for(CloudRegions, rows), quarantine=quarantine_frame(bad))


# --- chips: TDP and FLOP/s ------------------------------------------------------------------------------


class Mlco2Gpus(pa.DataFrameModel):
    name: str = pa.Field(unique=True)
    type: str = pa.Field(isin=["gpu", "cpu", "tpu"])
    tdp_watts: float = pa.Field(gt=0, le=2000)
    tflops32: float = pa.Field(nullable=True, gt=0, lt=5000)
    tflops16: float = pa.Field(nullable=True, gt=0, lt=5000)
    memory_gb: float = pa.Field(nullable=True, gt=0)
    reference: str = pa.Field(nullable=True)

    class Config:
        strict = True


def locate_gpus(settings: Settings) -> list[Delivery]:
    return locate_file("mlco2_gpus", "mlco2_impact/gpus.csv", MLCO2 + "gpus.csv", settings)


def parse_gpus(delivery: Delivery) -> Parsed:
    """Columns by (stripped) name; a record with a missing field is quarantined, never realigned by guess."""
    header, records = read_csv_records(delivery.path)
    index = {name.strip(): i for i, name in enumerate(header)}
    if not {"name", "type", "tdp_watts"} <= set(index):
        raise RejectedDelivery(f"{delivery.source_file}: not an ML CO2 gpus.csv (needs name, type, tdp_watts)")
    rows, bad = [], []
    for number, record in records:
        if len(record) != len(header):
            bad.append(
                (
                    number,
                    f"record has {len(record)} fields, header has {len(header)}: the values after the "
                    "missing one would shift into the wrong columns",
                    record_json(header, record),
                )
            )
            continue
        cell = {name: record[i].strip() for name, i in index.items()}
        tdp, tflops32 = parse_number(cell["tdp_watts"]), parse_number(cell.get("TFLOPS32"))
        if tdp and tflops32 and tflops32 / tdp > MAX_TFLOPS_PER_WATT:
            bad.append(
                (
                    number,
                    f"TFLOPS32 {tflops32:g} at {tdp:g} W is implausible (over {MAX_TFLOPS_PER_WATT:g} "
                    "TFLOP/s per watt)",
                    record_json(header, record),
                )
            )
            continue
        rows.append(
            (
                cell["name"],
                cell["type"].lower(),
                tdp,
                tflops32,
                parse_number(cell.get("TFLOPS16")),
                parse_number(cell.get("memory")),
                cell.get("source") or None,
            )
        )
    return Parsed(rows=frame_for(Mlco2Gpus, rows), quarantine=quarantine_frame(bad))


_SOURCES = (
    (
        "grid_carbon_intensity",
        "grid_carbon_intensity",
        GridIntensity,
        locate_grid,
        parse_grid,
        "Grid carbon intensity (gCO2/kWh) and fossil share per country, from CodeCarbon's energy mix.",
    ),
    (
        "carbon_intensity_per_source",
        "carbon_intensity_per_source",
        SourceIntensity,
        locate_per_source,
        parse_per_source,
        "Carbon intensity per energy source, with the world average (CodeCarbon).",
    ),
    (
        "cloud_region_carbon",
        "cloud_region_carbon",
        CloudRegions,
        locate_regions,
        parse_regions,
        "Cloud regions: grid carbon intensity and PUE (ML CO2 Impact and CodeCarbon vintages).",
    ),
    (
        "mlco2_gpus",
        "mlco2_gpus",
        Mlco2Gpus,
        locate_gpus,
        parse_gpus,
        "Chip TDP and FLOP/s from the ML CO2 Impact calculator.",
    ),
)

DECLARATIONS = tuple(
    Source(
        name=name,
        raw_table=table,
        parser_version=PARSER_VERSION,
        schema=schema,
        locate=locate,
        parse=parse,
        description=description,
        arrives_as="url",
        subject="carbon",
    )
    for name, table, schema, locate, parse, description in _SOURCES
)
