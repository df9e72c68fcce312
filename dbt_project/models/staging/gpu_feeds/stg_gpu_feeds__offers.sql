-- Offers from the declared GPU feeds (ingest/feeds/*.yml): one row per offer and pricing model, in the unit
-- the feed's YAML declares (`price_unit`), every version as landed. A feed with a row per pricing model names
-- it (`pricing`); the others publish an on-demand and a spot column. A table may list one offer key several times
-- (Cudo's configurations differ in vCPUs and RAM, which the feed does not carry): `listing` numbers them by
-- price within a version and day, so which row is compared with which never depends on the order rows were read in
-- (a file of many days, numbered across its days, gave equal prices of different days listings in any order).
-- Which versions observe what is a rule of int_gpu_feeds__observations.
with offers as (
    select *, coalesce(date_basis, 'file modification date') as basis from {{ source('raw', 'gpu_feed_offers') }}
),

priced as (
    select observed_on, provider, region, instance_type, gpu_name as source_gpu_name, gpu_count,
           coalesce(pricing, 'on_demand') as pricing, usd_per_hour as price_usd,
           coalesce(price_unit, 'instance_hour') as price_unit,
           feed as source, _source_file as source_file, _edition as edition, _ingested_at as ingested_at,
           basis as date_basis
    from offers
    union all
    select observed_on, provider, region, instance_type, gpu_name, gpu_count,
           'spot', spot_usd_per_hour, coalesce(price_unit, 'instance_hour'), feed, _source_file, _edition,
           _ingested_at, basis
    from offers
    where spot_usd_per_hour is not null and pricing is null
)

select
    observed_on, provider, region, region as source_region, cast(null as varchar) as region_problem, instance_type,
    source_gpu_name, gpu_count, pricing, price_usd, price_unit, source, source_file, edition, ingested_at, date_basis,
    row_number() over (
        partition by source, source_file, edition, observed_on, provider, region, instance_type, source_gpu_name,
                     gpu_count, pricing
        order by price_usd
    ) as listing
from priced
