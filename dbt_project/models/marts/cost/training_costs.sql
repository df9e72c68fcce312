-- One row per AI model: what training it cost, as published (AI Index, Epoch AI) and as we estimate it
-- from chips x hours x the rental price of that chip near the publication date.
with models as (
    select * from {{ ref('int_training_runs') }}
),

ai_index as (
    select * from {{ ref('int_ai_index__training_costs') }}
),

spine as (
    select coalesce(models.model, ai_index.model) as model, models.* exclude (model), ai_index.cost_usd as ai_index_cost_usd,
           ai_index.figure_id as ai_index_figure, ai_index.edition as ai_index_edition,
           ai_index.publication_date as ai_index_publication_date, ai_index.year as ai_index_year,
           ai_index.training_compute_flop as ai_index_compute_flop
    from models
    full outer join ai_index on ai_index.model = models.model
),

prices as (
    select hardware_model, price_date, usd_per_chip_hour_on_demand as usd_per_chip_hour
    from {{ ref('stg_epoch__hardware_prices') }}
    where usd_per_chip_hour_on_demand > 0
),

chip_prices as (
    select
        spine.model,
        coalesce(
            median(prices.usd_per_chip_hour) filter (where abs(date_diff('day', prices.price_date, spine.publication_date)) <= 365),
            arg_min(prices.usd_per_chip_hour, abs(date_diff('day', prices.price_date, spine.publication_date)))
        ) as usd_per_chip_hour,
        count(*) filter (where abs(date_diff('day', prices.price_date, spine.publication_date)) <= 365) as prices_within_a_year,
        min(abs(date_diff('day', prices.price_date, spine.publication_date))) as nearest_price_days
    from spine
    inner join prices on prices.hardware_model = spine.primary_hardware
    where spine.publication_date is not null
    group by spine.model
),

epoch_methods as (
    select * from {{ ref('stg_epoch__model_costs') }}
),

estimated as (
    select spine.*, chip_prices.usd_per_chip_hour, chip_prices.prices_within_a_year, chip_prices.nearest_price_days
    from spine
    left join chip_prices on chip_prices.model = spine.model
)

select
    estimated.model,
    estimated.organization,
    coalesce(estimated.publication_date, estimated.ai_index_publication_date) as publication_date,
    coalesce(estimated.training_compute_flop, estimated.ai_index_compute_flop) as training_compute_flop,
    estimated.training_hardware as hardware,
    estimated.hardware_quantity as hardware_count,
    estimated.training_time_hours as training_hours,
    estimated.chip_hours,
    estimated.usd_per_chip_hour,
    estimated.chip_hours * estimated.usd_per_chip_hour as cost_usd_estimated,
    case when estimated.chip_hours is not null and estimated.usd_per_chip_hour is not null then
        estimated.chip_hours_method || ' x on-demand rental price of ' || estimated.primary_hardware
        || case when estimated.prices_within_a_year > 0
                then ' (median of ' || estimated.prices_within_a_year || ' Epoch AI prices within a year of publication)'
                else ' (nearest Epoch AI price, ' || estimated.nearest_price_days || ' days from publication)' end
    end as estimate_method,
    coalesce(estimated.ai_index_cost_usd, estimated.training_compute_cost_2023_usd) as cost_usd_published,
    case
        when estimated.ai_index_cost_usd is not null
            then 'AI Index ' || estimated.ai_index_edition || ' ' || estimated.ai_index_figure || ' (inflation-adjusted USD)'
        when estimated.training_compute_cost_2023_usd is not null
            then 'Epoch AI notable models: training compute cost (2023 USD)'
    end as cost_source,
    estimated.ai_index_cost_usd,
    estimated.training_compute_cost_2023_usd as epoch_compute_cost_2023_usd,
    epoch_methods.cloud_cost_usd as epoch_cloud_cost_usd,
    epoch_methods.hardware_acquisition_cost_usd as epoch_hardware_acquisition_cost_usd,
    epoch_methods.hardware_capex_energy_cost_usd as epoch_hardware_capex_energy_cost_usd
from estimated
left join epoch_methods on epoch_methods.model = estimated.model
