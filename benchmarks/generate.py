"""Seeded synthetic GPU price deliveries in the real formats, laid out as a local mirror (AIMETRICS_DATA_DIR).

- SkyPilot catalogs: `gpu_prices/skypilot_catalog/v7/<cloud>/<YYYY-MM-DD>/vms.csv`, one snapshot per cloud and
  day, with the real header (GpuInfo as a Python dict, empty or placeholder spot prices, CPU-only rows).
- The tracker: `gpu_pricing_tracker/observations.csv`, one append-only file, one row per day, provider, chip,
  GPU count, region and rental type, in date order.

Rows come from DuckDB: every value is a hash of (seed, row number, column), so a seed always gives the same
bytes, whatever the machine. Generation is single-threaded for the same reason.
"""

from __future__ import annotations

import argparse
import shutil
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import duckdb

START = date(2024, 1, 1)
CLOUDS = ["aws", "azure", "gcp", "lambda", "runpod", "vast", "nebius", "oci", "cudo", "shadeform"]
REGIONS = [
    "us-east-1",
    "us-west-2",
    "eu-west-1",
    "eu-central-1",
    "ap-northeast-1",
    "ap-northeast-2",
    "ap-southeast-1",
    "ca-central-1",
    "sa-east-1",
    "me-central-1",
    "af-south-1",
    "us-central1",
]
# name as the catalogs write it, memory in MiB, on-demand USD per GPU-hour around which prices scatter
CHIPS = [
    ("H100", 81920, 3.2),
    ("H200", 143360, 4.1),
    ("B200", 184320, 6.0),
    ("A100-80GB", 81920, 1.8),
    ("A100", 40960, 1.3),
    ("L40S", 46068, 1.0),
    ("L4", 23034, 0.7),
    ("A10G", 23028, 1.0),
    ("MI300X", 196608, 2.9),
    ("RTX4090", 24564, 0.5),
    ("V100", 16384, 0.9),
    ("T4", 15360, 0.35),
]
# the tracker's chip names, with an on-demand USD per GPU-hour around which its per-GPU prices scatter
TRACKER_CHIPS = [
    ("H100_SXM", 2.5),
    ("H200", 3.5),
    ("B200", 5.0),
    ("A100_SXM_80GB", 1.5),
    ("A100_PCIE_40GB", 1.1),
    ("L40S", 0.9),
    ("MI300X", 2.2),
    ("RTX_4090", 0.45),
    ("H100_PCIE", 2.1),
    ("GH200", 2.0),
    ("L40", 0.8),
    ("RTX_5090", 0.7),
]
# the tracker's regions are country codes, or `global`
TRACKER_REGIONS = ["US", "global", "DE", "GB", "FR", "CA", "JP", "SG", "IN", "NL", "FI", "SE"]
UNKNOWN_REGION_EVERY = 997
"""One tracker row in this many names a region no rule maps (`moon-1`): set aside, as real feeds have such rows."""
COUNTS = [1, 2, 4, 8]
OFFER_TYPES = ["on_demand", "spot"]
SKYPILOT_HEADER = "InstanceType,AcceleratorName,AcceleratorCount,vCPUs,MemoryGiB,Price,Region,GpuInfo,SpotPrice"
TRACKER_HEADER = (
    "date,provider,gpu_model,gpu_count,region,rental_type,price_min_usd,price_median_usd,"
    "price_max_usd,n_offers,source_url,fetched_at"
)


def _connect(threads: int = 1) -> duckdb.DuckDBPyConnection:
    conn = duckdb.connect()
    conn.execute(f"set threads = {threads}")
    conn.execute("set preserve_insertion_order = true")
    conn.execute("set enable_progress_bar = false")
    return conn


def _uniform(seed: int, salt: str) -> str:
    """SQL for a uniform number in [0, 1) that depends only on (seed, row number i, salt)."""
    return f"(hash(i, {seed}, '{salt}') % 1000000007) / 1000000007.0"


def skypilot_catalogs(root: Path, rows: int, seed: int = 7, rows_per_file: int = 5000) -> list[Path]:
    """Write `rows` catalog rows (about 1 in 20 CPU-only) as one snapshot per cloud and day; return the files."""
    per_day = rows_per_file * len(CLOUDS)
    base = root / "gpu_prices" / "skypilot_catalog" / "v7"
    shutil.rmtree(base, ignore_errors=True)
    chips = ", ".join(f"('{name}', {mib}, {price})" for name, mib, price in CHIPS)
    clouds = ", ".join(f"'{c}'" for c in CLOUDS)
    regions = ", ".join(f"'{r}'" for r in REGIONS)
    u = lambda salt: _uniform(seed, salt)  # noqa: E731
    conn = _connect()
    conn.execute(f"""
        create table offers as
        with numbered as (
            select i, i // {per_day} as day_index, (i % {per_day}) // {rows_per_file} as cloud_index,
                   cast(floor({u("chip")} * {len(CHIPS)}) as int) + 1 as chip_index,
                   [1, 2, 4, 8][cast(floor({u("count")} * 4) as int) + 1] as gpus,
                   {u("cpu")} < 0.05 as cpu_only, {u("price")} as price_draw, {u("spot")} as spot_draw
            from range({rows}) as r(i)
        ),
        chip as (select row_number() over () as chip_index, * from (values {chips}) as c(name, mib, price))
        select
            i, strftime(date '{START.isoformat()}' + cast(day_index as int), '%Y-%m-%d') as day,
            ([{clouds}])[cloud_index + 1] as cloud,
            case when cpu_only then 'cpu-' || (i % 97) || 'x' else lower(replace(chip.name, '-', '')) || '-' || gpus
                 || 'x-' || (i % 13) end as instance_type,
            case when cpu_only then null else chip.name end as accelerator,
            case when cpu_only then null else gpus end as accelerator_count,
            gpus * 8 as vcpus, gpus * 64.0 as memory_gib,
            round(case when cpu_only then 0.05 * (1 + price_draw) else gpus * chip.price * (0.6 + 0.9 * price_draw) end, 4)
                as price,
            ([{regions}])[(i % {len(REGIONS)}) + 1] as region,
            case when cpu_only then null else '{{''Gpus'': [{{''Name'': ''' || chip.name || ''', ''Manufacturer'': ''NVIDIA'', ''Count'': '
                 || gpus || ', ''MemoryInfo'': {{''SizeInMiB'': ' || chip.mib || '}}}}], ''TotalGpuMemoryInMiB'': '
                 || (gpus * chip.mib) || '}}' end as gpu_info,
            case when spot_draw < 0.3 then null when spot_draw < 0.32 then 99999999
                 else round(gpus * chip.price * (0.25 + 0.4 * spot_draw), 4) end as spot_price
        from numbered join chip using (chip_index)
        order by i
    """)
    staging = root / ".staging_skypilot"
    shutil.rmtree(staging, ignore_errors=True)
    root.mkdir(parents=True, exist_ok=True)
    conn.execute(f"""
        copy (select day, cloud, instance_type as InstanceType, accelerator as AcceleratorName,
                     accelerator_count as AcceleratorCount, vcpus as vCPUs, memory_gib as MemoryGiB, price as Price,
                     region as Region, gpu_info as GpuInfo, spot_price as SpotPrice
              from offers order by i)
        to '{staging}' (format csv, header true, partition_by (day, cloud), filename_pattern 'vms')
    """)
    files = []
    for written in sorted(staging.glob("day=*/cloud=*/vms*.csv")):
        day, cloud = written.parent.parent.name.split("=")[1], written.parent.name.split("=")[1]
        target = base / cloud / day / "vms.csv"
        target.parent.mkdir(parents=True, exist_ok=True)
        written.replace(target)
        files.append(target)
    shutil.rmtree(staging)
    conn.close()
    return files


def new_day_dates(history_days: int, today: date | None = None) -> tuple[date, date, date]:
    """The first day of the history, the warm-up day and the measured day of the bench's new day. The measured day
    is the last of the month before today's: the models built month by month recompute its whole month, so the last
    day costs the most, and a bench run on any date measures the same day of a month."""
    measured = (today or datetime.now(UTC).date()).replace(day=1) - timedelta(days=1)
    warm_up = measured - timedelta(days=1)
    return warm_up - timedelta(days=history_days), warm_up, measured


def tracker_days(root: Path, days: int, rows_per_day: int, seed: int = 11, first_day: date = START) -> Path:
    """Write the tracker file with `days` days of `rows_per_day` observations each, in date order."""
    path = root / "gpu_pricing_tracker" / "observations.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w") as handle:
        handle.write(TRACKER_HEADER + "\n")
    append_tracker_days(path, first_day, days, rows_per_day, seed)
    return path


def append_tracker_days(path: Path, first_day: date, days: int, rows_per_day: int, seed: int = 11) -> None:
    """Append `days` days from `first_day`, as the upstream file grows: earlier bytes are never rewritten."""
    offset = (first_day - START).days * rows_per_day
    chips = ", ".join(f"('{name}', {price})" for name, price in TRACKER_CHIPS)
    providers = ", ".join(f"'{p}'" for p in CLOUDS + ["vast.ai", "tensordock", "datacrunch", "coreweave"])
    regions = ", ".join(f"'{r}'" for r in TRACKER_REGIONS)
    types = ", ".join(f"'{t}'" for t in OFFER_TYPES)
    u = lambda salt: _uniform(seed, salt)  # noqa: E731
    staging = path.with_suffix(".part.csv")
    conn = _connect()
    # One row per (day, provider, chip, count, region, type) combination in a fixed order: unique by design (14 x 12 x
    # 4 x 12 x 2 = 16,128 per day). Prices are per GPU-hour, as the tracker documents them.
    assert rows_per_day <= 16_128, "more rows a day than distinct offers"
    conn.execute(f"""
        copy (
            with numbered as (select {offset} + j as i, j from range({days * rows_per_day}) as r(j)),
            keyed as (
                select i, date '{START.isoformat()}' + cast(i // {rows_per_day} as int) as day, i % {rows_per_day} as k,
                       {u("median")} as median_draw, {u("spread")} as spread_draw, {u("offers")} as offers_draw
                from numbered
            ),
            chip as (select row_number() over () as chip_index, * from (values {chips}) as c(name, price)),
            offered as (
                select keyed.*, chip.name as gpu_model,
                       ([{types}])[(k // 8064) % 2 + 1] as rental_type,
                       chip.price * (0.6 + 0.9 * median_draw)
                       * case when ([{types}])[(k // 8064) % 2 + 1] = 'spot' then 0.6 else 1 end as median
                from keyed join chip on chip.chip_index = ((k // 14) % 12) + 1
            )
            select strftime(day, '%Y-%m-%d') as date,
                   ([{providers}])[(k % 14) + 1] as provider,
                   gpu_model,
                   [1, 2, 4, 8][((k // 168) % 4) + 1] as gpu_count,
                   case when i % {UNKNOWN_REGION_EVERY} = 0 then 'moon-1'
                        else ([{regions}])[((k // 672) % 12) + 1] end as region,
                   rental_type,
                   round(median * (1 - 0.3 * spread_draw), 4) as price_min_usd,
                   round(median, 4) as price_median_usd,
                   round(median * (1 + 0.5 * spread_draw), 4) as price_max_usd,
                   1 + cast(floor(offers_draw * 40) as int) as n_offers,
                   'https://example.com/gpu-prices' as source_url,
                   strftime(day + interval 21 hour + to_seconds(cast(k % 3600 as bigint)), '%Y-%m-%dT%H:%M:%S') || '+00:00'
                       as fetched_at
            from offered
            order by i
        ) to '{staging}' (format csv, header false)
    """)
    conn.close()
    with path.open("ab") as out, staging.open("rb") as part:
        shutil.copyfileobj(part, out, 1 << 20)
    staging.unlink()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("root", type=Path, help="the mirror folder to write into")
    parser.add_argument("--skypilot-rows", type=int, default=1_000_000)
    parser.add_argument("--tracker-days", type=int, default=30)
    parser.add_argument("--tracker-rows-per-day", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    files = skypilot_catalogs(args.root, args.skypilot_rows, args.seed)
    tracker = tracker_days(args.root, args.tracker_days, args.tracker_rows_per_day, args.seed + 4)
    print(f"{len(files)} SkyPilot catalog files, tracker file {tracker}")


if __name__ == "__main__":
    main()
