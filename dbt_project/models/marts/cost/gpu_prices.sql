-- DuckLake keeps no column comments on views: there the column docs stay in dbt docs only.
{{ config(materialized='view', persist_docs={'relation': true, 'columns': target.name != 'ducklake'}) }}
-- Every observed GPU offer with a canonical chip, a known pricing model and a plausible price. The rows left
-- out are in marts.unmapped_gpu_names (chip names no rule or seed row knows), marts.unmapped_gpu_categories
-- (pricing models and region codes no seed row knows) and marts.price_anomalies (implausible prices).
-- Won at the ECB rate of the day observed (the last reference day on or before it, at most 7 days before; a
-- later day stays unconverted and `fx_note` says how far the rates reach).
with offers as (
    select
        observed_on, provider, source_provider, region, instance_type, gpu_model, gpu_count, pricing, usd_per_hour,
        usd_per_gpu_hour, source, source_gpu_name, source_file, edition, ingested_at, price_unit_rule,
        gpu_model_resolved_by, date_basis, built_at, offer_id
    from {{ ref('int_gpu_offers') }}
    where gpu_model is not null and category_problem is null and bounds_problem is null
)

select
    offers.*,
    case when {{ fx_is_fresh('rates.rate_date', 'offers.observed_on') }}
         then offers.usd_per_gpu_hour * rates.krw_per_usd end as krw_per_gpu_hour,
    rates.rate_date as fx_rate_date,
    {{ fx_note("'USD'", 'rates.rate_date', 'offers.observed_on') }} as fx_note
from offers
asof left join {{ ref('int_fx__krw_per_usd') }} as rates on offers.observed_on >= rates.rate_date
