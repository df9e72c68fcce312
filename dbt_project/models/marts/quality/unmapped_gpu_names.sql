-- GPU names that no seed row and no normalization rule maps to a canonical chip. Their offers stay in raw and
-- staging and are kept out of the marts that need a chip; add a row to dbt_project/seeds/gpu_model_names.csv
-- and the next run maps the offers already loaded.
select
    source_gpu_name,
    source,
    provider,
    count(*) as offers,
    min(observed_on) as first_seen,
    max(observed_on) as last_seen,
    'dbt_project/seeds/gpu_model_names.csv' as seed_file
from {{ ref('int_gpu_offers') }}
where gpu_model is null
group by all
