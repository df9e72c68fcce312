-- One row per (snapshot, offer, pricing model): on-demand always, spot only where it is a real price.
with offers as (
    select * from {{ source('raw', 'skypilot_offers') }}
),

on_demand as (
    select *, 'on_demand' as pricing, price_usd_per_hour as usd_per_hour from offers
),

spot as (
    select *, 'spot' as pricing, spot_price_usd_per_hour as usd_per_hour
    from offers
    where spot_price_usd_per_hour is not null and spot_price_issue is null
)

select distinct
    observed_on,
    provider,
    region,
    instance_type,
    accelerator_name as source_gpu_name,
    accelerator_count as gpu_count,
    pricing,
    usd_per_hour as price_usd,
    'instance_hour' as price_unit,
    'skypilot_catalog' as source,
    _source_file as source_file,
    _edition as edition,
    _ingested_at as ingested_at,
    -- a dated snapshot folder (<cloud>/<day>/vms.csv) is the day observed
    case when regexp_matches(_source_file, '/\d{4}-\d{2}-\d{2}/vms\.csv$') then 'snapshot date'
         else {{ fetch_date_basis('_source_file') }} end as date_basis
from (select * from on_demand union all by name select * from spot)
