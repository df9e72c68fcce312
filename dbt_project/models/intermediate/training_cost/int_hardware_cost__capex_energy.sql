-- Epoch AI's amortized hardware capex + energy method (Cottier et al. 2024): what the training run used up of
-- the cluster's value, plus its electricity. The chips' value at training start is their acquisition price
-- (int_hardware_cost__acquisition) depreciated at the price-performance trend from the day they could be bought
-- (a TPU's release, a GPU's purchase price date but not before its release + 90 days); that value is amortized
-- over the chip-hours at the same rate, with the interconnect share on top; energy = chip TDP x server power
-- ratio x the share of it drawn in training x PUE x chip-hours x the year's US industrial electricity price.
-- Every parameter is a row of the hardware_capex_assumptions seed; the result is adjusted for inflation as the
-- other methods are.
{% set param = "(select cast(value as double) from " ~ ref('hardware_capex_assumptions')
   ~ " where kind = '{}' and key = '{}')" %}
with assumptions as (
    select * from {{ ref('hardware_capex_assumptions') }}
),

inputs as (
    select model, organization, hardware, chip_hours, training_start, publication_date, inflation_factor, inflation_to
    from {{ ref('int_cloud_cost__inputs') }}
    where base_model is null and chip_hours > 0
),

acquisition as (
    select model, acquisition_usd_per_chip, acquisition_price_date from {{ ref('int_hardware_cost__acquisition') }}
),

hardware as (
    select hardware_name, release_date, tdp_watts from {{ ref('stg_epoch__ml_hardware') }}
),

matched as (
    select
        inputs.*,
        acquisition.acquisition_usd_per_chip,
        case when contains(inputs.hardware, 'TPU') then cast(hardware.release_date as timestamp)
             else greatest(cast(hardware.release_date as timestamp)
                           + to_days(cast({{ param.format('acquisition_buffer_days', 'gpu') }} as integer)),
                           cast(acquisition.acquisition_price_date as timestamp)) end as acquired_at,
        coalesce(hardware.tdp_watts,
                 (select cast(value as double) from assumptions where kind = 'tdp_watts' and key = inputs.hardware))
            as tdp_watts,
        coalesce(
            (select cast(value as double) from assumptions
             where kind = 'server_power_ratio' and key not in ('TPU', 'default') and contains(inputs.hardware, key)
             order by length(key) desc limit 1),
            case when contains(inputs.hardware, 'TPU') then {{ param.format('server_power_ratio', 'TPU') }}
                 else {{ param.format('server_power_ratio', 'default') }} end) as server_power_ratio,
        case when contains(inputs.hardware, 'TPU') then {{ param.format('server_power_fraction', 'TPU') }}
             else {{ param.format('server_power_fraction', 'default') }} end as server_power_fraction,
        coalesce(
            (select max(cast(value as double)) from assumptions
             where kind = 'pue' and key <> 'default' and contains(lower(inputs.organization), key)),
            {{ param.format('pue', 'default') }}) as pue,
        (select cast(value as double) from assumptions
         where kind = 'energy_usd_per_kwh' and key = cast(year(inputs.publication_date) as varchar)) as usd_per_kwh
    from inputs
    inner join acquisition using (model)
    left join hardware on hardware.hardware_name = inputs.hardware
),

valued as (
    select *,
        -- a GPU is used from when it could be bought, at the earliest
        case when not contains(hardware, 'TPU') and training_start < acquired_at then acquired_at
             else training_start end as used_from
    from matched
),

costed as (
    select *,
        power(10, log10(acquisition_usd_per_chip) - {{ param.format('depreciation_ooms_per_year', 'all') }}
              * (epoch(used_from - acquired_at) / 86400.0) / 365.25) as value_per_chip,
        {{ param.format('depreciation_ooms_per_year', 'all') }} * ln(10) / (24 * 365.25) as amortized_share_per_hour
    from valued
)

select
    model,
    value_per_chip as capex_value_per_chip_at_training_start,
    value_per_chip * amortized_share_per_hour * chip_hours as capex_amortized_usd,
    tdp_watts / 1000 * server_power_ratio * server_power_fraction * pue * chip_hours * usd_per_kwh as capex_energy_usd,
    (value_per_chip * amortized_share_per_hour * chip_hours
        / (1 - (select cast(value as double) from {{ ref('hardware_cost_assumptions') }}
                where kind = 'interconnect_fraction'))
     + tdp_watts / 1000 * server_power_ratio * server_power_fraction * pue * chip_hours * usd_per_kwh)
        * inflation_factor as cost_usd_hardware_capex_energy,
    inflation_to
from costed
where value_per_chip is not null and tdp_watts is not null and usd_per_kwh is not null
