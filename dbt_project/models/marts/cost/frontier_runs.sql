-- The full bill of each frontier training run: chips x hours x price = cost, next to the published cost,
-- the purchase value of the chips and the energy and emissions, each with its source and method.
with costs as (
    select * from {{ ref('training_costs') }}
),

runs as (
    select model, primary_hardware, is_epoch_frontier from {{ ref('int_training_runs') }}
),

emissions as (
    select * from {{ ref('training_emissions') }}
),

chips as (
    select hardware_name, release_price_usd, release_date from {{ ref('stg_epoch__ml_hardware') }}
),

usd_rates as (
    select rate_date, krw_per_usd from {{ ref('int_fx__krw_per_usd') }}
),

bill as (
    select
        costs.model,
        costs.organization,
        costs.publication_date,
        runs.primary_hardware as chip,
        costs.hardware_count as chip_count,
        costs.training_hours,
        costs.chip_hours,
        costs.usd_per_chip_hour,
        costs.cost_usd_estimated,
        costs.estimate_method,
        costs.cost_usd_published,
        costs.cost_source,
        chips.release_price_usd as chip_release_price_usd,
        costs.hardware_count * chips.release_price_usd as chips_purchase_value_usd,
        emissions.energy_mwh,
        emissions.tco2e_estimated,
        emissions.tco2e_reported,
        emissions.reported_source as tco2e_reported_source,
        emissions.assumptions as emissions_method
    from costs
    inner join runs on runs.model = costs.model
    left join emissions on emissions.model = costs.model
    left join chips on chips.hardware_name = runs.primary_hardware
    where runs.is_epoch_frontier or costs.cost_usd_published is not null
)

select
    bill.*,
    bill.cost_usd_estimated * usd_rates.krw_per_usd as cost_krw_estimated,
    bill.cost_usd_published * usd_rates.krw_per_usd as cost_krw_published,
    bill.chips_purchase_value_usd * usd_rates.krw_per_usd as chips_purchase_value_krw,
    usd_rates.rate_date as fx_rate_date,
    case when bill.chips_purchase_value_usd is not null
        then 'chip count x Epoch AI release price of ' || bill.chip end as purchase_value_method,
    'Epoch AI notable models (chips, hours, compute); Epoch AI hardware prices (rental, release prices); '
        || 'AI Index and Epoch AI (published costs, reported emissions); ECB (KRW)' as sources
from bill
asof left join usd_rates on bill.publication_date >= usd_rates.rate_date
