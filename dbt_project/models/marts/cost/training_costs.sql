-- One row per AI model: what training it cost, as the developer states it, as published (AI Index, Epoch AI) and
-- as we estimate it. `cost_usd_estimated` is the run's chip-hours (int_training_runs: reported first, the same as
-- marts.training_emissions') x the price of Epoch AI's cloud method (int_cloud_cost__estimate) where the inputs
-- allow it, else x the on-demand rental price near publication. Epoch's method with its own chip-hours rule stays
-- in `cost_usd_cloud_method`, beside what renting the chips would cost at the warehouse's latest on-demand price.
with models as (
    -- the notable models, and the other runs Epoch AI's cloud method prices (int_training_runs lists every run)
    select * from {{ ref('int_training_runs') }}
    where is_notable or model in (select model from {{ ref('int_cloud_cost__estimate') }})
),

ai_index as (
    select * from {{ ref('int_ai_index__training_costs') }}
),

cloud as (
    select * from {{ ref('int_cloud_cost__estimate') }}
),

acquisition as (
    select * from {{ ref('int_hardware_cost__acquisition') }}
),

capex as (
    select * from {{ ref('int_hardware_cost__capex_energy') }}
),

systems as (
    select model, organization, publication_date, training_compute_flop, training_hardware, hardware_quantity,
           training_time_hours
    from {{ ref('stg_epoch__all_ml_systems') }}
    where model in (select model from cloud)
),

spine as (
    select
        coalesce(models.model, systems.model, ai_index.model) as model,
        coalesce(models.organization, systems.organization) as organization,
        coalesce(models.publication_date, systems.publication_date) as model_publication_date,
        coalesce(models.training_compute_flop, systems.training_compute_flop) as model_compute_flop,
        coalesce(models.training_hardware, systems.training_hardware) as training_hardware,
        coalesce(models.primary_hardware, trim(split_part(systems.training_hardware, ',', 1))) as primary_hardware,
        coalesce(models.hardware_quantity, systems.hardware_quantity) as hardware_quantity,
        coalesce(models.training_time_hours, systems.training_time_hours) as training_time_hours,
        models.chip_hours, models.chip_hours_method, models.chip_hours_basis, models.training_compute_cost_2023_usd,
        models.is_notable, models.is_epoch_frontier, models.compute_rank_when_published, models.is_frontier_top10,
        models.organization_kind, models.training_dataset_size, models.confidence,
        ai_index.cost_usd as ai_index_cost_usd, ai_index.figure_id as ai_index_figure,
        ai_index.edition as ai_index_edition,
        ai_index.publication_date as ai_index_publication_date, ai_index.training_compute_flop as ai_index_compute_flop
    from models
    full outer join systems on systems.model = models.model
    full outer join ai_index on ai_index.model = coalesce(models.model, systems.model)
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
            median(prices.usd_per_chip_hour) filter (
                where abs(date_diff('day', prices.price_date, spine.model_publication_date)) <= 365
            ),
            arg_min(prices.usd_per_chip_hour,  -- the nearest price; of two as near, the earlier, then the lower
                    (abs(date_diff('day', prices.price_date, spine.model_publication_date)), prices.price_date,
                     prices.usd_per_chip_hour))
        ) as usd_per_chip_hour,
        count(*) filter (where abs(date_diff('day', prices.price_date, spine.model_publication_date)) <= 365)
            as prices_within_a_year,
        min(abs(date_diff('day', prices.price_date, spine.model_publication_date))) as nearest_price_days
    from spine
    inner join prices on prices.hardware_model = spine.primary_hardware
    where spine.model_publication_date is not null
    group by spine.model
),

-- the warehouse's own latest monthly on-demand median for the chip (marts.gpu_price_index), by canonical name
current_rental as (
    select names.source_name as hardware_name, index.month, index.median_usd_per_gpu_hour
    from {{ ref('gpu_model_names') }} as names
    inner join {{ ref('gpu_price_index') }} as index
        on index.gpu_model = names.gpu_model and index.pricing = 'on_demand'
    qualify row_number() over (partition by names.source_name order by index.month desc) = 1
),

epoch_methods as (
    select * from {{ ref('stg_epoch__model_costs') }}
),

estimated as (
    select
        spine.*,
        chip_prices.usd_per_chip_hour as on_demand_usd_per_chip_hour,
        chip_prices.prices_within_a_year,
        chip_prices.nearest_price_days,
        spine.chip_hours * chip_prices.usd_per_chip_hour as cost_usd_on_demand_at_publication,
        case when spine.chip_hours is not null and chip_prices.usd_per_chip_hour is not null then
            spine.chip_hours_method || ' x on-demand rental price of ' || spine.primary_hardware
            || case when chip_prices.prices_within_a_year > 0
                    then ' (median of ' || chip_prices.prices_within_a_year
                         || ' Epoch AI prices within a year of publication)'
                    else ' (nearest Epoch AI price, ' || chip_prices.nearest_price_days || ' days from publication)' end
        end as on_demand_method,
        cloud.* exclude (model, chip_hours, chip_hours_rule),
        cloud.chip_hours_rule as cost_chip_hours_rule,
        cloud.chip_hours as cost_chip_hours,
        current_rental.month as current_rental_month,
        current_rental.median_usd_per_gpu_hour as current_rental_usd_per_gpu_hour
    from spine
    left join chip_prices on chip_prices.model = spine.model
    left join cloud on cloud.model = spine.model
    left join current_rental on current_rental.hardware_name = spine.primary_hardware
)

select
    estimated.model,
    estimated.organization,
    coalesce(estimated.model_publication_date, estimated.ai_index_publication_date) as publication_date,
    coalesce(estimated.model_compute_flop, estimated.ai_index_compute_flop) as training_compute_flop,
    estimated.training_hardware as hardware,
    estimated.hardware_quantity as hardware_count,
    estimated.training_time_hours as training_hours,
    coalesce(estimated.chip_hours, estimated.cost_chip_hours) as chip_hours,
    case when estimated.chip_hours is not null then estimated.chip_hours_basis
         when estimated.cost_chip_hours is not null then 'derived' end as chip_hours_basis,
    case when estimated.cost_usd_cloud_method is not null
         then estimated.cost_usd_per_chip_hour * estimated.inflation_factor
         else estimated.on_demand_usd_per_chip_hour end as usd_per_chip_hour,
    coalesce(estimated.chip_hours, estimated.cost_chip_hours)
    * case when estimated.cost_usd_cloud_method is not null
           then estimated.cost_usd_per_chip_hour * estimated.inflation_factor
           else estimated.on_demand_usd_per_chip_hour end as cost_usd_estimated,
    case when estimated.cost_usd_cloud_method is not null then 'cloud_method'
         when estimated.cost_usd_on_demand_at_publication is not null then 'on_demand_at_publication' end
        as estimate_kind,
    case
        when estimated.cost_usd_cloud_method is not null then
            'Epoch AI cloud method (Cottier et al. 2024): '
            || coalesce(estimated.chip_hours_method, estimated.cost_chip_hours_rule) || ' x '
            || estimated.cost_price_type || ' price of ' || estimated.cost_price_hardware
            || ' at ' || estimated.cost_vendor
            || ' dated ' || estimated.cost_price_date
            || ' (' || estimated.training_start_rule || ', priced 60 days before)'
            || case when estimated.cost_price_type <> '3-year committed use' then ' as a 3-year equivalent' else '' end
            || ', in ' || estimated.cost_inflation_to || ' USD (PPI PCU518210518210)'
        else estimated.on_demand_method
    end as estimate_method,
    estimated.cost_usd_cloud_method,
    estimated.cost_usd_nominal as cost_usd_cloud_method_nominal,
    estimated.cost_usd_cloud_method_reported_chip_hours,
    estimated.cost_chip_hours_rule,
    estimated.cost_price_date,
    estimated.cost_vendor,
    estimated.cost_price_type,
    estimated.cost_price_hardware,
    estimated.cost_usd_per_chip_hour,
    estimated.cost_inflation_to,
    cast(estimated.training_start as date) as cost_training_start,
    estimated.training_start_rule as cost_training_start_rule,
    acquisition.cost_usd_hardware_acquisition,
    acquisition.acquisition_usd_per_chip,
    acquisition.acquisition_price_basis,
    capex.cost_usd_hardware_capex_energy,
    capex.capex_amortized_usd,
    capex.capex_energy_usd,
    estimated.cost_usd_on_demand_at_publication,
    estimated.on_demand_usd_per_chip_hour,
    coalesce(estimated.cost_chip_hours, estimated.chip_hours) * estimated.current_rental_usd_per_gpu_hour
        as cost_usd_at_current_rental,
    estimated.current_rental_usd_per_gpu_hour,
    estimated.current_rental_month,
    coalesce(estimated.ai_index_cost_usd, estimated.training_compute_cost_2023_usd) as cost_usd_published,
    case
        when estimated.ai_index_cost_usd is not null
            then 'AI Index ' || estimated.ai_index_edition || ' ' || estimated.ai_index_figure
                 || ' (inflation-adjusted USD)'
        when estimated.training_compute_cost_2023_usd is not null
            then 'Epoch AI notable models: training compute cost (2023 USD)'
    end as cost_source,
    developer.cost_usd as cost_usd_developer,
    case when developer.cost_usd is not null
         then developer.cost_basis || '; ' || developer.source || ' (' || developer.source_url || ')' end
        as cost_developer_source,
    estimated.ai_index_cost_usd,
    estimated.training_compute_cost_2023_usd as epoch_compute_cost_2023_usd,
    epoch_methods.cloud_cost_usd as epoch_cloud_cost_usd,
    epoch_methods.hardware_acquisition_cost_usd as epoch_hardware_acquisition_cost_usd,
    epoch_methods.hardware_capex_energy_cost_usd as epoch_hardware_capex_energy_cost_usd,
    estimated.is_notable,
    estimated.is_epoch_frontier,
    estimated.compute_rank_when_published,
    estimated.is_frontier_top10,
    estimated.organization_kind,
    estimated.training_dataset_size,
    estimated.confidence
from estimated
left join {{ ref('reported_training_facts') }} as developer on developer.model = estimated.model
left join epoch_methods on epoch_methods.model = estimated.model
left join acquisition on acquisition.model = estimated.model
left join capex on capex.model = estimated.model
