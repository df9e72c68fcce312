-- One row per (snapshot, offer, pricing model): on-demand always, spot only where it is a real price. A catalog
-- may list one instance type of a region twice at two prices (Prime Intellect resells hosts it does not name):
-- `listing` numbers them by price, so (source_file, region, instance_type, pricing, listing) is the grain.
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
),

priced as (
    select * from on_demand
    union all by name
    select * from spot
),

renamed as (
    select distinct
        observed_on,
        provider,
        region,
        region as source_region,
        cast(null as varchar) as region_problem,
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
    from priced
)

select
    *,
    row_number() over (
        partition by source_file, observed_on, provider, region, instance_type, pricing order by price_usd
    ) as listing
from renamed
