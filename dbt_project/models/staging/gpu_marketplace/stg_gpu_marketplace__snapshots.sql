-- Prime Intellect marketplace summaries: one row per snapshot, chip and provider. The summary files grow by
-- appending, so each retrieval repeats the earlier snapshots: a snapshot is kept from the first delivery
-- that held it.
select
    snapshot_at,
    cast(timezone('UTC', snapshot_at) as date) as observed_on,
    provider,
    gpu_name as source_gpu_name,
    offers,
    min_usd_per_gpu_hour,
    avg_usd_per_gpu_hour,
    price_unit,
    'gpu_marketplace' as source,
    _source_file as source_file,
    _edition as edition,
    _ingested_at as ingested_at
from {{ source('raw', 'gpu_marketplace_snapshots') }}
qualify row_number() over (partition by snapshot_at, gpu_name, provider order by _edition, _source_file) = 1
