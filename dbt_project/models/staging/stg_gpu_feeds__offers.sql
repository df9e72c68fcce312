-- Offers from the declared GPU feeds (ingest/feeds/*.yml): one row per offer and pricing model, in the unit
-- the feed's YAML declares (`price_unit`).
with offers as (
    select * from {{ source('raw', 'gpu_feed_offers') }}
)

select observed_on, provider, region, instance_type, gpu_name as source_gpu_name, gpu_count,
       'on_demand' as pricing, usd_per_hour as price_usd, coalesce(price_unit, 'instance_hour') as price_unit,
       feed as source, _source_file as source_file, _edition as edition, _ingested_at as ingested_at
from offers
union all
select observed_on, provider, region, instance_type, gpu_name, gpu_count,
       'spot', spot_usd_per_hour, coalesce(price_unit, 'instance_hour'), feed, _source_file, _edition, _ingested_at
from offers
where spot_usd_per_hour is not null
