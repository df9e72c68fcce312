-- Epoch AI's cloud method, cost = price x chip-hours in nominal USD, then adjusted for inflation (the factor of
-- int_cloud_cost__inputs: x PPI(target month) / PPI(publication month), PPI = FRED PCU518210518210; the target
-- month is a stated assumption, December 2024, the dollars of Epoch's model_costs.csv and the AI Index 2025
-- figures). Fine-tunes (a base model) get no estimate.
with inputs as (
    select * from {{ ref('int_cloud_cost__inputs') }}
),

price as (
    select * from {{ ref('int_cloud_cost__price') }}
)


select
    inputs.model,
    inputs.chip_hours,
    inputs.chip_hours_rule,
    inputs.chip_hours_reported,
    inputs.training_start,
    inputs.training_start_rule,
    inputs.price_date_target,
    price.cost_vendor,
    price.cost_price_type,
    price.cost_price_hardware,
    price.cost_price_date,
    price.cost_listed_usd_per_chip_hour,
    price.cost_usd_per_chip_hour,
    price.cost_price_source,
    price.cost_usd_per_chip_hour * inputs.chip_hours as cost_usd_nominal,
    price.cost_usd_per_chip_hour * inputs.chip_hours * inputs.inflation_factor as cost_usd_cloud_method,
    price.cost_usd_per_chip_hour * inputs.chip_hours_reported * inputs.inflation_factor
        as cost_usd_cloud_method_reported_chip_hours,
    inputs.inflation_to as cost_inflation_to,
    inputs.inflation_factor
from inputs
inner join price using (model)
where inputs.base_model is null
