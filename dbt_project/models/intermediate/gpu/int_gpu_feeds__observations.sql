-- What each version of a declared GPU feed observed. A versioned feed (a table edited by hand, kept as dated
-- versions) repeats every unchanged offer in every version: an offer is observed on the version that changed it,
-- once, not again in each later version (offers of one key are compared listing by listing, by price rank). A
-- cumulative feed that dates its own rows repeats its history in every retrieval: each observation is kept from
-- the first delivery that held it. Other feeds: every row.
select *
from {{ ref('stg_gpu_feeds__offers') }}
qualify case date_basis
    when 'version date' then price_usd is distinct from lag(price_usd) over (
            partition by source, provider, region, instance_type, source_gpu_name, gpu_count, pricing, listing
            order by observed_on, source_file)
    when 'observation date' then row_number() over (
            partition by source, observed_on, provider, region, instance_type, source_gpu_name, gpu_count, pricing,
                         price_usd
            order by edition, source_file) = 1
    else true end
