select
    observed_on,
    provider,
    region,
    gpu_name as source_gpu_name,
    gpu_count,
    rental_type as pricing,
    price_median_usd as usd_per_hour,
    price_min_usd as min_usd_per_hour,
    price_max_usd as max_usd_per_hour,
    n_offers,
    price_source_url,
    'gpu_pricing_tracker' as source,
    _source_file as source_file,
    _edition as edition,
    _ingested_at as ingested_at
from {{ source('raw', 'gpu_tracker_observations') }}
