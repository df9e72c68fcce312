-- Every observed GPU offer from every price feed, with one canonical gpu_model per chip.
-- Incremental: a run inserts only the deliveries landed since the last one, replacing any earlier version of
-- the same delivery (source, file, edition), so a new day of prices costs that day's work.
{{ config(materialized='incremental', incremental_strategy='delete+insert',
          unique_key=['source', 'source_file', 'edition'], on_schema_change='fail') }}
with offers as (
    select
        observed_on, provider, region, instance_type, source_gpu_name, gpu_count, pricing, usd_per_hour,
        source, source_file, edition, ingested_at
    from {{ ref('stg_skypilot__offers') }}
    union all
    select
        observed_on, provider, region, null as instance_type, source_gpu_name, gpu_count, pricing, usd_per_hour,
        source, source_file, edition, ingested_at
    from {{ ref('stg_gpu_tracker__observations') }}
    union all
    select
        observed_on, provider, region, instance_type, source_gpu_name, gpu_count, pricing, usd_per_hour,
        source, source_file, edition, ingested_at
    from {{ ref('stg_gpu_feeds__offers') }}
    union all
    select
        observed_on, provider, region, instance_type, source_gpu_name, gpu_count, pricing, usd_per_hour,
        source, source_file, edition, ingested_at
    from {{ ref('stg_azure__gpu_prices') }}
),

names as (
    select lower(trim(source_name)) as name_key, gpu_model from {{ ref('gpu_model_names') }}
)

select
    offers.observed_on,
    offers.provider,
    offers.region,
    offers.instance_type,
    names.gpu_model,
    cast(offers.gpu_count as double) as gpu_count,
    offers.pricing,
    offers.usd_per_hour,
    offers.usd_per_hour / offers.gpu_count as usd_per_gpu_hour,
    offers.source,
    offers.source_gpu_name,
    offers.source_file,
    offers.edition,
    offers.ingested_at
from offers
left join names on names.name_key = lower(trim(offers.source_gpu_name))
{% if is_incremental() %}
where offers.ingested_at > (select coalesce(max(ingested_at), '1900-01-01'::timestamptz) from {{ this }})
{% endif %}
