-- The tracker documents its prices as USD per GPU-hour whatever gpu_count says (ingest/sources/gpu_tracker.py,
-- PRICE_UNIT); the rows that are instance totals are found and converted in int_gpu_offers. Its regions are
-- country codes, and a few names of regions (`US-East`): those become codes through the gpu_price_categories
-- seed (kind region_code), and a name the seed does not know keeps its row with `region_problem` said.
with region_codes as (
    select source_value, value from {{ ref('gpu_price_categories') }} where kind = 'region_code'
)

select
    observed_on,
    provider,
    case when regexp_full_match(region, '[A-Z]{2}') then region else region_codes.value end as region,
    region as source_region,
    case when not regexp_full_match(region, '[A-Z]{2}') and region_codes.value is null
         then 'region code ''' || region || ''' is not in the gpu_price_categories seed' end as region_problem,
    cast(null as varchar) as instance_type,  -- the tracker aggregates over instances
    gpu_name as source_gpu_name,
    gpu_count,
    rental_type as pricing,
    price_median_usd as price_usd,
    'gpu_hour' as price_unit,
    price_min_usd as min_price_usd,
    price_max_usd as max_price_usd,
    n_offers,
    price_source_url,
    'gpu_pricing_tracker' as source,
    _source_file as source_file,
    _edition as edition,
    _ingested_at as ingested_at,
    'observation date (the tracker''s date column)' as date_basis,
    1 as listing  -- the tracker has one row per day, provider, region, chip, count and rental type
from {{ source('raw', 'gpu_tracker_observations') }}
left join region_codes on region_codes.source_value = region
