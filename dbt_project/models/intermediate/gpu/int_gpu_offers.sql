-- Every offer of every GPU price feed, in USD per instance-hour and per GPU-hour by the unit its source
-- documents, with its canonical chip, its canonical pricing model and region code, and the plausibility
-- bounds it breaks. Rows that cannot be used stay here with the reason (marts.unmapped_gpu_names,
-- marts.price_anomalies); marts.gpu_prices shows the rest.
--
-- Incremental: a run takes the deliveries landed since the last one, and again every delivery holding a name or
-- category whose resolution changed since it was built (a seed row added or edited), so the next run maps the
-- offers already loaded without a full refresh. A delivery is rebuilt whole (delete+insert on its key): the
-- instance-total rule compares rows of one provider and day, and a delivery holds whole days.
--
-- Looking for such deliveries reads every row built so far, so a run does it only when the seeds that resolve
-- names, categories and providers differ from those the newest rows were built with (`built_with_seeds`, their
-- fingerprint): the run that first built rows with the present seeds looked, and rebuilt what they changed.
{{ config(materialized='incremental', incremental_strategy='delete+insert',
          unique_key=['source', 'source_file', 'edition'], on_schema_change='append_new_columns') }}
{%- set built_with_seeds -%}
md5(concat_ws('|',
    {%- for seed in ['gpu_model_names', 'gpu_price_categories', 'gpu_providers'] %}
    (select md5(coalesce(string_agg(seeded::varchar, ',' order by seeded::varchar), '')) from {{ ref(seed) }} as seeded)
    {{- "," if not loop.last }}
    {%- endfor %}))
{%- endset -%}
{%- set look_for_changes, loaded_through = is_incremental(), none -%}
{%- if execute and is_incremental() -%}
  {%- set built_with = "(select arg_max(built_with_seeds, built_at) from " ~ this ~ ")"
        if 'built_with_seeds' in (adapter.get_columns_in_relation(this) | map(attribute='name') | list) else "null" -%}
  {%- set found = run_query("select (" ~ built_with_seeds ~ ") is distinct from " ~ built_with
        ~ ", cast(max(ingested_at) as varchar) from " ~ this) -%}
  {%- set look_for_changes, loaded_through = found.rows[0][0], found.rows[0][1] -%}
{%- endif %}
with staged as (
    -- every model that declares itself a GPU offer model (var gpu_offer_models in dbt_project.yml)
    {%- for feed in var('gpu_offer_models') %}
    select observed_on, provider, region, source_region, region_problem, instance_type, source_gpu_name, gpu_count,
           pricing as source_pricing, price_usd, price_unit, source, source_file, edition, ingested_at, date_basis,
           listing
    from {{ ref(feed) }}
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
),

names as (
    select source_gpu_name, gpu_model, resolved_by from {{ ref('int_gpu_names__resolved') }}
),

-- A chip name without a form factor (`H100`) on an instance whose type names one (`gpu_1x_h100_pcie`,
-- `2x-H100_NVL-64`) is that form factor's chip where the warehouse knows it: the bare name's default (SXM) would
-- put PCIe and NVL cards, a third cheaper, into the SXM index.
form_factor_models as (
    select distinct gpu_model, {{ gpu_name_key('gpu_model') }} as model_key from {{ ref('gpu_model_names') }}
),

pricings as (
    select source_value, value from {{ ref('gpu_price_categories') }} where kind = 'pricing'
),

providers as (
    select provider_key, provider from {{ ref('gpu_providers') }}
),

{% if look_for_changes %}
built as (
    select distinct source, source_gpu_name, gpu_model, source_pricing, pricing, source_region, region from {{ this }}
),

changed as (
    select built.source_gpu_name from built left join names using (source_gpu_name)
    where built.gpu_model is distinct from names.gpu_model
    union
    select names.source_gpu_name from names
    where names.gpu_model is not null
      and names.source_gpu_name not in (select source_gpu_name from built where gpu_model is not null)
),

changed_pricing as (
    select built.source_pricing from built left join pricings on pricings.source_value = built.source_pricing
    where built.pricing is distinct from pricings.value
),

-- a provider whose canonical name changed (a gpu_providers seed row added or edited)
changed_provider as (
    select distinct built.source_provider from {{ this }} as built
    left join providers on providers.provider_key = {{ gpu_provider_key('built.source_provider') }}
    where built.provider is distinct from coalesce(providers.provider, {{ gpu_provider_key('built.source_provider') }})
),

-- a source region its staging model now maps differently (a region_code seed row added or edited)
changed_region as (
    select staged_regions.source, staged_regions.source_region
    from (select distinct source, source_region, region from staged) as staged_regions
    join (select distinct source, source_region, region from built) as built_regions
        using (source, source_region)
    where staged_regions.region is distinct from built_regions.region
),

rebuilt as (
    select distinct source, source_file, edition from staged
    where source_gpu_name in (select source_gpu_name from changed)
       or source_pricing in (select source_pricing from changed_pricing)
       or provider in (select source_provider from changed_provider)
       or (source, source_region) in (select (source, source_region) from changed_region)
),
{% endif %}

new_offers as (
    select * from staged
    {% if is_incremental() %}
    where ingested_at > cast('{{ loaded_through or '1900-01-01' }}' as timestamptz)
    {%- if look_for_changes %}
       or (source, source_file, edition) in (select (source, source_file, edition) from rebuilt)
    {%- endif %}
    {% endif %}
),

-- The tracker quotes per GPU-hour, yet some of its N-GPU rows are instance totals: about N times the same
-- provider's 1-GPU price that day (in the same region where it has one, else in any region); or, where the
-- provider published no 1-GPU price that day, above the chip's per-GPU ceiling while a N-th of it is within
-- the chip's bounds (seed gpu_price_bounds).
one_gpu as (
    select observed_on, provider, source_gpu_name, source_pricing, region, median(price_usd) as one_gpu_usd
    from new_offers where price_unit = 'gpu_hour' and gpu_count = 1
    group by all
),

one_gpu_any_region as (
    select observed_on, provider, source_gpu_name, source_pricing, median(one_gpu_usd) as one_gpu_usd
    from one_gpu group by all
),

with_reference as (
    select new_offers.*, coalesce(same_region.one_gpu_usd, any_region.one_gpu_usd) as one_gpu_usd,
           coalesce(by_instance.gpu_model, names.gpu_model) as gpu_model,
           case when by_instance.gpu_model is not null
                then 'instance type names the form factor (' || named_form.form_factor || ')'
                else names.resolved_by end as resolved_by,
           bounds.min_usd_per_gpu_hour, bounds.max_usd_per_gpu_hour
    from new_offers
    left join names using (source_gpu_name)
    left join lateral (
        select nullif(regexp_extract(lower(new_offers.instance_type), '(^|[^a-z])(pcie|nvl)([^a-z]|$)', 2), '')
                   as form_factor,
               {{ gpu_name_key('new_offers.source_gpu_name') }} as name_key
    ) as named_form on true
    left join form_factor_models as by_instance
        on named_form.form_factor is not null
       and named_form.name_key = {{ gpu_key_without_form_factor('named_form.name_key') }}
       and by_instance.model_key
           = {{ gpu_key_without_form_factor(gpu_key_without_memory('named_form.name_key')) }} || named_form.form_factor
    left join {{ ref('gpu_price_bounds') }} as bounds
        on bounds.gpu_model = coalesce(by_instance.gpu_model, names.gpu_model)
    left join one_gpu as same_region
        on new_offers.price_unit = 'gpu_hour' and new_offers.gpu_count > 1
       and same_region.observed_on = new_offers.observed_on and same_region.provider = new_offers.provider
       and same_region.source_gpu_name = new_offers.source_gpu_name
       and same_region.source_pricing = new_offers.source_pricing
       and same_region.region is not distinct from new_offers.region
    left join one_gpu_any_region as any_region
        on new_offers.price_unit = 'gpu_hour' and new_offers.gpu_count > 1
       and any_region.observed_on = new_offers.observed_on and any_region.provider = new_offers.provider
       and any_region.source_gpu_name = new_offers.source_gpu_name
       and any_region.source_pricing = new_offers.source_pricing
),

judged as (
    select *,
        case
            when price_unit <> 'gpu_hour' or gpu_count <= 1 then null
            when one_gpu_usd is not null and price_usd between 0.75 * gpu_count * one_gpu_usd
                                                            and 1.25 * gpu_count * one_gpu_usd
                then 'instance total: about gpu_count x the 1-GPU price of the same provider and day, / gpu_count'
            when one_gpu_usd is null and price_usd > max_usd_per_gpu_hour
                 and price_usd / gpu_count between min_usd_per_gpu_hour and max_usd_per_gpu_hour
                then 'instance total: above the chip''s per-GPU ceiling, no 1-GPU price that day, / gpu_count'
        end as instance_total_rule
    from with_reference
),

priced as (
    select *,
        case when price_unit = 'gpu_hour' and instance_total_rule is null then price_usd
             else price_usd / gpu_count end as per_gpu_usd
    from judged
)

select
    priced.observed_on,
    coalesce(providers.provider, {{ gpu_provider_key('priced.provider') }}) as provider,
    priced.provider as source_provider,
    priced.region,
    priced.source_region,
    priced.instance_type,
    priced.gpu_model,
    priced.resolved_by as gpu_model_resolved_by,
    cast(priced.gpu_count as double) as gpu_count,
    pricings.value as pricing,
    priced.source_pricing,
    priced.per_gpu_usd * priced.gpu_count as usd_per_hour,
    priced.per_gpu_usd as usd_per_gpu_hour,
    priced.price_unit as source_price_unit,
    case
        when priced.price_unit = 'instance_hour' then 'per instance-hour (documented unit) / gpu_count'
        else coalesce(priced.instance_total_rule, 'per GPU-hour (documented unit)')
    end as price_unit_rule,
    case
        when priced.per_gpu_usd < priced.min_usd_per_gpu_hour
            then 'below the floor of ' || priced.min_usd_per_gpu_hour || ' USD per GPU-hour for ' || priced.gpu_model
        when priced.per_gpu_usd > priced.max_usd_per_gpu_hour
            then 'above the ceiling of ' || priced.max_usd_per_gpu_hour || ' USD per GPU-hour for ' || priced.gpu_model
    end as bounds_problem,
    case
        when pricings.value is null
            then 'pricing ' || coalesce('''' || priced.source_pricing || '''', 'null')
                 || ' is not in the gpu_price_categories seed'
        else priced.region_problem
    end as category_problem,
    priced.source,
    priced.source_gpu_name,
    priced.source_file,
    priced.edition,
    priced.ingested_at,
    priced.date_basis,
    priced.listing,
    -- the offer's grain as one key (a null part stays NULL in the text, unlike concat_ws, which drops it)
    md5(cast(row(priced.source, priced.source_file, priced.edition, priced.observed_on, priced.provider,
                 priced.source_region, priced.instance_type, priced.source_gpu_name, priced.gpu_count,
                 priced.source_pricing, priced.listing) as varchar)) as offer_id,
    cast('{{ run_started_at }}' as timestamptz) as built_at,
    {{ built_with_seeds }} as built_with_seeds
from priced
left join pricings on pricings.source_value = priced.source_pricing
left join providers on providers.provider_key = {{ gpu_provider_key('priced.provider') }}
