-- Every model name an LLM price list publishes, with one canonical model across sources: a seed row for this
-- source's name, else a seed row for its normalized key (macros/llm_model_key.sql), else the normalized key
-- itself (listed in marts.unmapped_llm_models, never dropped). A route variant the list prices on its own
-- (`:extended`, `:free`, `:thinking`) resolves to its model and keeps its `variant`.
with published as (
    select distinct source, source_model_name, {{ llm_model_key('source_model_name') }} as model_key
    from {{ ref('stg_llm__list_prices') }}
),

seed as (
    select source, lower(trim(source_key)) as source_key, model from {{ ref('llm_model_names') }}
)

select
    published.source,
    published.source_model_name,
    published.model_key,
    coalesce(for_source.model, for_any.model, published.model_key) as model,
    {{ llm_variant('published.source_model_name') }} as variant,
    case when for_source.model is not null then 'seed row for this source'
         when for_any.model is not null then 'seed name'
         else 'normalized name' end as model_resolved_by
from published
left join seed as for_source on for_source.source = published.source and for_source.source_key = published.model_key
left join seed as for_any on for_any.source is null and for_any.source_key = published.model_key
