-- Epoch AI's hardware acquisition method (Cottier et al. 2024): what buying the training cluster cost.
-- cost = chips x price per chip (server included) / (1 - interconnect fraction), adjusted for inflation as the
-- cloud method is (int_cloud_cost__inputs). The price per chip: for a TPU,
-- its equivalent purchase price x the average server overhead; for a GPU, the earliest purchase price in
-- Hardware prices.csv of a chip whose name contains the GPU's first alias, a DGX system's row preferred, with
-- the server overhead added where the row is a single-unit price. Fine-tunes and several chips: no estimate;
-- without a chip count, the price per chip only (the capex + energy method needs no count).
-- Every parameter is a row of the hardware_cost_assumptions seed.
with assumptions as (
    select * from {{ ref('hardware_cost_assumptions') }}
),

inputs as (
    select model, hardware, hardware_quantity, inflation_factor, inflation_to from {{ ref('int_cloud_cost__inputs') }}
    where base_model is null and hardware is not null and not contains(hardware, ',')
),

purchases as (
    select hardware_model, price_date, purchase_price_usd, coalesce(notes, '') as notes, record_number, price_source
    from {{ ref('stg_epoch__hardware_prices') }}
    where purchase_price_usd is not null
),

aliased as (
    select inputs.*, arg_min(aliases.key, cast(aliases.value as double)) as alias
    from inputs
    left join assumptions as aliases on aliases.kind = 'alias' and contains(inputs.hardware, aliases.key)
    group by all
),

gpu_price as (
    select aliased.model, purchases.purchase_price_usd, purchases.notes, purchases.price_date, purchases.price_source
    from aliased
    inner join purchases on contains(purchases.hardware_model, aliased.alias)
    where not contains(aliased.hardware, 'TPU')
    qualify row_number() over (partition by aliased.model
                               order by contains(purchases.notes, 'DGX') desc, purchases.price_date asc,
                                        purchases.record_number asc) = 1
),

overhead as (
    select aliased.model,
           coalesce(max(cast(o.value as double)) filter (where contains(aliased.hardware, o.key)),
                    max(cast(o.value as double)) filter (where o.key = 'default')) as server_overhead
    from aliased
    inner join assumptions as o on o.kind = 'server_overhead'
    group by aliased.model
),

priced as (
    select
        aliased.model,
        aliased.hardware_quantity,
        aliased.inflation_factor,
        aliased.inflation_to,
        case when contains(aliased.hardware, 'TPU') then cast(tpu.value as double) * overhead.server_overhead
             when contains(lower(gpu_price.notes), 'single-unit')
                 then gpu_price.purchase_price_usd * overhead.server_overhead
             else gpu_price.purchase_price_usd end as usd_per_chip,
        gpu_price.price_date,
        case when contains(aliased.hardware, 'TPU')
                 then 'equivalent price of a ' || aliased.hardware || ' x server overhead ' || overhead.server_overhead
             when gpu_price.model is not null
                 then 'purchase price dated ' || gpu_price.price_date || ' of a ' || aliased.alias
                  || case when contains(lower(gpu_price.notes), 'single-unit')
                          then ' (single unit) x server overhead ' || overhead.server_overhead
                          else ' server' end end as price_basis
    from aliased
    inner join overhead using (model)
    left join gpu_price using (model)
    left join assumptions as tpu on tpu.kind = 'tpu_equivalent_price' and tpu.key = aliased.hardware
)

select
    model,
    usd_per_chip as acquisition_usd_per_chip,
    price_basis as acquisition_price_basis,
    price_date as acquisition_price_date,
    hardware_quantity * usd_per_chip
        / (1 - (select cast(value as double) from assumptions where kind = 'interconnect_fraction'))
        * inflation_factor as cost_usd_hardware_acquisition,
    inflation_to
from priced
where usd_per_chip is not null
