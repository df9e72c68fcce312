-- Offers from the declared GPU feeds (ingest/feeds/*.yml): one row per offer and pricing model, in the unit
-- the feed's YAML declares (`price_unit`). A feed with a row per pricing model names it (`pricing`); the others
-- publish an on-demand and a spot column. A versioned feed (a table edited by hand, kept as dated versions)
-- repeats every unchanged offer in every version: an offer is observed on the version that changed it, once,
-- not again in each later version. A cumulative feed that dates its own rows repeats its history in every
-- retrieval: each observation is kept from the first delivery that held it.
-- A table may list one offer key several times (Cudo's configurations differ in vCPUs and RAM, which the feed
-- does not carry): within a version they are told apart by their price rank (`slot`), so which row is compared
-- with which never depends on the order rows happen to be read in.
with offers as (
    select *, coalesce(date_basis, 'file modification date') as basis from {{ source('raw', 'gpu_feed_offers') }}
),

priced as (
    select observed_on, provider, region, instance_type, gpu_name as source_gpu_name, gpu_count,
           coalesce(pricing, 'on_demand') as pricing, usd_per_hour as price_usd,
           coalesce(price_unit, 'instance_hour') as price_unit,
           feed as source, _source_file as source_file, _edition as edition, _ingested_at as ingested_at, basis
    from offers
    union all
    select observed_on, provider, region, instance_type, gpu_name, gpu_count,
           'spot', spot_usd_per_hour, coalesce(price_unit, 'instance_hour'), feed, _source_file, _edition,
           _ingested_at, basis
    from offers
    where spot_usd_per_hour is not null and pricing is null
),

slotted as (
    select *, row_number() over (
            partition by source, source_file, provider, region, instance_type, source_gpu_name, gpu_count, pricing
            order by price_usd) as slot
    from priced
)

select * exclude (basis, slot), basis as date_basis
from slotted
qualify case basis
    when 'version date' then price_usd is distinct from lag(price_usd) over (
            partition by source, provider, region, instance_type, source_gpu_name, gpu_count, pricing, slot
            order by observed_on, source_file)
    when 'observation date' then row_number() over (
            partition by source, observed_on, provider, region, instance_type, source_gpu_name, gpu_count, pricing,
                         price_usd
            order by edition, source_file) = 1
    else true end
