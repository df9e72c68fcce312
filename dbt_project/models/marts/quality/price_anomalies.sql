-- Offers whose per-GPU-hour price is not a price, or may not be, with the reason and severity
-- (int_gpu_prices__anomalies judges them, month by month).
{{ config(materialized='view', persist_docs={'relation': true, 'columns': target.name != 'ducklake'}) }}
select
    observed_on, provider, region, instance_type, gpu_model, gpu_count,
    pricing, usd_per_hour, usd_per_gpu_hour, reference_usd_per_gpu_hour, ratio_to_reference,
    severity, reason, price_unit_rule, source, source_gpu_name, source_file, edition, ingested_at, offer_id
from {{ ref('int_gpu_prices__anomalies') }}
where severity is not null  -- not the row each judged month keeps
