-- The marketplace's price of each provider, chip and day: the median over that day's snapshots of the
-- provider's average offer (USD per GPU-hour), the shape of one daily offer for int_gpu_offers. A day is keyed
-- by its chip file and the day itself (`edition`), and carries the newest ingestion of its snapshots, so a
-- retrieval that adds snapshots to a day rebuilds that day's row in place.
select
    observed_on,
    provider,
    cast(null as varchar) as region,
    cast(null as varchar) as source_region,
    cast(null as varchar) as region_problem,
    cast(null as varchar) as instance_type,
    source_gpu_name,
    1.0 as gpu_count,
    'on_demand' as pricing,
    median(avg_usd_per_gpu_hour) as price_usd,
    min(price_unit) as price_unit,
    source,
    min(source_file) as source_file,
    cast(observed_on as varchar) as edition,
    max(ingested_at) as ingested_at,
    'observation date (daily median of snapshots)' as date_basis,
    count(*) as snapshots,
    min(min_usd_per_gpu_hour) as lowest_usd_per_gpu_hour,
    1 as listing
from {{ ref('stg_gpu_marketplace__snapshots') }}
group by observed_on, provider, source_gpu_name, source
