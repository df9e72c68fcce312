-- Each change of 10% or more in a provider's price for a chip from one observed day to the next
-- (int_gpu_prices__changes finds them, month by month).
{{ config(materialized='view', persist_docs={'relation': true, 'columns': target.name != 'ducklake'}) }}
select
    source, provider, gpu_model, pricing, gpu_count, previous_observed_on, observed_on,
    before_usd_per_gpu_hour, after_usd_per_gpu_hour, ratio, is_big
from {{ ref('int_gpu_prices__changes') }}
where observed_on is not null  -- not the row each recomputed month keeps
