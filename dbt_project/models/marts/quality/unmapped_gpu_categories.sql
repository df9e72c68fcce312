-- Pricing models and tracker region codes that no seed row knows (a new rental type such as `reserved_1yr`,
-- a new region code). Their offers are kept out of the marts; add a row to
-- dbt_project/seeds/gpu_price_categories.csv and the next run takes them in.
select
    case when category_problem like 'pricing%' then 'pricing' else 'region_code' end as kind,
    case when category_problem like 'pricing%' then source_pricing else source_region end as source_value,
    source,
    provider,
    count(*) as offers,
    min(observed_on) as first_seen,
    max(observed_on) as last_seen,
    'dbt_project/seeds/gpu_price_categories.csv' as seed_file
from {{ ref('int_gpu_offers') }}
where category_problem is not null
group by all
