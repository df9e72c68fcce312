-- The points each trend rate is fitted on: one row per measure, subset and item (a model, a chip, a month), dated
-- and valued as its publisher dates and values it. A subset is a rule stated in words in `subset`, the same words
-- as the published rate it sits beside (seed published_trend_rates), so two rates are never told apart by guessing.
with notable as (
    select * from {{ ref('stg_epoch__notable_models') }} where publication_date >= date '2010-01-01'
),

runs as (
    select * from {{ ref('int_training_runs') }} where publication_date >= date '2010-01-01'
),

hardware as (
    select * from {{ ref('stg_epoch__ml_hardware') }} where release_date is not null and fp32_flops > 0
),

points as (
    -- Epoch AI: notable models' training compute, by publication date, from 2010 (the deep learning era)
    select 'training_compute' as measure, 'notable models since 2010' as subset, 'FLOP' as unit,
           model as item, publication_date as dated_on, training_compute_flop as value
    from notable where training_compute_flop > 0
    union all
    -- the frontier subset: the models Epoch AI flags as frontier (top 10 by training compute when published)
    select 'training_compute', 'frontier models since 2010 (Epoch AI''s frontier flag)', 'FLOP',
           model, publication_date, training_compute_flop
    from notable where training_compute_flop > 0 and frontier_model
    -- Cottier et al. 2024's selection: every run Epoch AI lists that was among the top 10 by training compute
    -- when published (int_training_runs: Epoch's published rank, else ours)
    union all
    select 'training_compute', 'frontier models since 2010 (top 10 by compute when published)', 'FLOP',
           model, publication_date, training_compute_flop
    from runs where training_compute_flop > 0 and is_frontier_top10
    union all
    select 'training_cost',
           'frontier models 2016-2023 (top 10 by compute when published), amortized hardware capex + energy', 'USD',
           runs.model, runs.publication_date, capex.cost_usd_hardware_capex_energy
    from runs
    inner join {{ ref('int_hardware_cost__capex_energy') }} as capex on capex.model = runs.model
    -- the paper's period: its data end with 2023
    where capex.cost_usd_hardware_capex_energy > 0 and runs.is_frontier_top10
      and runs.publication_date between date '2016-01-01' and date '2023-12-31'
    union all
    select 'training_cost', 'frontier models since 2016 (top 10 by compute when published), cloud method', 'USD',
           runs.model, runs.publication_date, cloud.cost_usd_cloud_method
    from runs
    inner join {{ ref('int_cloud_cost__estimate') }} as cloud on cloud.model = runs.model
    where cloud.cost_usd_cloud_method > 0 and runs.is_frontier_top10 and runs.publication_date >= date '2016-01-01'
    union all
    select 'training_power_draw', 'frontier models since 2010 (top 10 by compute when published)', 'W',
           model, publication_date, training_power_draw_w
    from runs where training_power_draw_w > 0 and is_frontier_top10
    -- Cottier et al. 2024: frontier models' training cost from 2016, Epoch AI's cloud-price cost (2023 USD)
    union all
    select 'training_cost', 'frontier models since 2016, Epoch AI''s cost column (cloud prices, 2023 USD)', 'USD',
           model, publication_date, training_compute_cost_2023_usd
    from notable where training_compute_cost_2023_usd > 0 and frontier_model and publication_date >= date '2016-01-01'
    union all
    select 'training_power_draw', 'frontier models since 2010 (Epoch AI''s frontier flag)', 'W',
           model, publication_date, training_power_draw_w
    from notable where training_power_draw_w > 0 and frontier_model
    -- Epoch AI's ML hardware data, by release date, as the AI Index 2025 charts it (FP32 throughput)
    union all
    select 'hardware_fp32_flops', 'ML hardware (FP32)', 'FLOP/s', hardware_name, release_date, fp32_flops
    from hardware
    union all
    select 'hardware_flops_per_usd', 'ML hardware with a release price (FP32)', 'FLOP/s per USD',
           hardware_name, release_date, fp32_flops / release_price_usd
    from hardware where release_price_usd > 0
    union all
    select 'hardware_flops_per_watt', 'ML hardware with a TDP (FP32)', 'FLOP/s per W',
           hardware_name, release_date, fp32_flops / tdp_watts
    from hardware where tdp_watts > 0
    -- Epoch AI, LLM inference prices at fixed capability: the cheapest models at or above a threshold, over time
    union all
    select 'llm_price_at_fixed_capability',
           'cheapest models at or above ' || threshold_model || ' on ' || benchmark || ' (Epoch AI)',
           'USD per million tokens (blended)', model || ' ' || cast(release_date as varchar), release_date,
           usd_per_million_blended
    from {{ ref('stg_epoch__llm_lowest_prices') }}
    where usd_per_million_blended > 0 and release_date is not null
    -- GPU rental price per chip: the H100 SXM's monthly on-demand median across providers
    union all
    select 'gpu_rental_price', 'H100 SXM on demand, monthly median across providers', 'USD per GPU-hour',
           cast(month as varchar), month, median_usd_per_gpu_hour
    from {{ ref('int_gpu_prices__monthly') }}
    where gpu_model = 'H100 SXM' and pricing = 'on_demand' and median_usd_per_gpu_hour > 0
)

select
    measure, subset, unit, item, dated_on, value,
    -- a fractional year, the regressor of every publisher's log-linear fit
    year(dated_on) + (dayofyear(dated_on) - 1) / 365.25 as year_fraction,
    log10(value) as log10_value
from points
