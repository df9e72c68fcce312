-- The tracker documents its prices as USD per GPU-hour whatever gpu_count says (ingest/sources/gpu_tracker.py,
-- PRICE_UNIT); the rows that are instance totals are found and converted in int_gpu_offers.
select
    observed_on,
    provider,
    region,
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
    'observation date (the tracker''s date column)' as date_basis
from {{ source('raw', 'gpu_tracker_observations') }}
