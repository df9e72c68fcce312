-- How close the warehouse's own estimates come to the published figures: one row per model, method and published
-- figure (Epoch AI's three training-cost methods, the AI Index training costs, AI Index, paper and model-card
-- emissions), with the ratio estimate / published; a null estimate shows where our inputs do not allow one.
with costs as (
    select * from {{ ref('training_costs') }}
),

emissions as (
    select * from {{ ref('training_emissions') }}
),

checks as (
    select model, 'training_cost_usd' as measure, 'Epoch cloud method (quantity x hours)' as method,
           cost_usd_cloud_method as estimate, epoch_cloud_cost_usd as published,
           'Epoch AI model_costs.csv, Cloud_Cost (Cottier et al. 2024)' as published_source
    from costs where epoch_cloud_cost_usd is not null
    union all
    select model, 'training_cost_usd', 'Epoch cloud method (reported chip-hours where given)',
           coalesce(cost_usd_cloud_method_reported_chip_hours, cost_usd_cloud_method), ai_index_cost_usd, cost_source
    from costs where ai_index_cost_usd is not null
    union all
    select model, 'training_cost_usd', 'Epoch hardware acquisition method',
           cost_usd_hardware_acquisition, epoch_hardware_acquisition_cost_usd,
           'Epoch AI model_costs.csv, Hardware_Acquisition_Cost (Cottier et al. 2024)'
    from costs where epoch_hardware_acquisition_cost_usd is not null
    union all
    select model, 'training_cost_usd', 'Epoch amortized hardware capex + energy method',
           cost_usd_hardware_capex_energy, epoch_hardware_capex_energy_cost_usd,
           'Epoch AI model_costs.csv, Hardware_Capex_Energy_Cost (Cottier et al. 2024)'
    from costs where epoch_hardware_capex_energy_cost_usd is not null
    union all
    select model, 'training_tco2e', 'energy x PUE x grid, against the AI Index', tco2e_estimated, tco2e_reported,
           reported_source
    from emissions where tco2e_reported is not null
    union all
    select model, 'training_tco2e', 'energy x PUE x grid, against papers and model cards', tco2e_estimated,
           tco2e_published, published_source
    from emissions where tco2e_published is not null
)

select
    model,
    measure,
    method,
    estimate,
    published,
    published_source,
    estimate / nullif(published, 0) as ratio,
    greatest(estimate / nullif(published, 0), published / nullif(estimate, 0)) <= 1.25 as within_1_25x,
    greatest(estimate / nullif(published, 0), published / nullif(estimate, 0)) <= 2 as within_2x
from checks
