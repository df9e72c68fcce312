-- LLM model names no seed row maps (seed llm_model_names): they stay in marts.llm_api_prices under their
-- normalized key; a seed row gives them a canonical name shared with the other sources on the next run.
select
    names.model_key,
    names.source,
    count(distinct names.source_model_name) as source_names,
    min(names.source_model_name) as example_source_name,
    count(prices.observed_on) as price_rows,
    'dbt_project/seeds/llm_model_names.csv' as seed_file
from {{ ref('int_llm_models__resolved') }} as names
left join {{ ref('llm_api_prices') }} as prices using (source, source_model_name)
where names.model_resolved_by = 'normalized name'
group by names.model_key, names.source
