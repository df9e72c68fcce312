-- Every GPU name any price feed publishes, resolved to one canonical gpu_model: the `gpu_model_names` seed
-- first (exceptions such as SkyPilot's bare `A100` being the 40 GB part), then the normalization rules of
-- macros/gpu_name_key.sql against every seed name and canonical name. A key that points at two chips resolves
-- to none. Unresolved names have a null gpu_model and are listed in marts.unmapped_gpu_names.
with published as (
    {%- for feed in var('gpu_offer_models') %}
    select distinct source_gpu_name from {{ ref(feed) }}
    {%- if not loop.last %}
    union
    {%- endif %}
    {%- endfor %}
),

seed as (
    select source_name as known_name, gpu_model from {{ ref('gpu_model_names') }}
    union
    select distinct gpu_model as known_name, gpu_model from {{ ref('gpu_model_names') }}
),

known_keys as (
    select {{ gpu_name_key('known_name') }} as name_key, min(gpu_model) as gpu_model,
           count(distinct gpu_model) as chips
    from seed
    group by 1
),

candidates as (
    select source_gpu_name, {{ gpu_name_key('source_gpu_name') }} as full_key from published
),

tried as (
    select source_gpu_name, 1 as step, 'seed name' as rule, lower(trim(source_gpu_name)) as name_key from candidates
    union all
    select source_gpu_name, 2, 'normalized name', full_key from candidates
    union all
    select source_gpu_name, 3, 'normalized name without memory size',
                     {{ gpu_key_without_memory('full_key') }} from candidates
    union all
    select source_gpu_name, 4, 'normalized name without form factor',
                     {{ gpu_key_without_form_factor('full_key') }} from candidates
    union all
    select source_gpu_name, 5, 'normalized family name',
                     {{ gpu_key_without_form_factor(gpu_key_without_memory('full_key')) }} from candidates
),

matched as (
    select tried.source_gpu_name, tried.step, tried.rule,
           case when tried.step = 1 then exact.gpu_model else keys.gpu_model end as gpu_model
    from tried
    left join (select lower(trim(source_name)) as name_key, gpu_model from {{ ref('gpu_model_names') }}) as exact
        on tried.step = 1 and exact.name_key = tried.name_key
    left join known_keys as keys
        on tried.step > 1 and keys.name_key = tried.name_key and keys.chips = 1 and tried.name_key <> ''
)

select
    candidates.source_gpu_name,
    arg_min(matched.gpu_model, matched.step) as gpu_model,
    arg_min(matched.rule, matched.step) as resolved_by
from candidates
left join matched on matched.source_gpu_name = candidates.source_gpu_name and matched.gpu_model is not null
group by all
