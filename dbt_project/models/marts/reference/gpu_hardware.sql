-- One row per chip: release date and price (USD, and KRW at the ECB rate of the release date), TDP and
-- peak dense 16-bit FLOP/s, from Epoch AI's hardware data; gpu_model is the canonical name where one exists.
with chips as (
    select
        coalesce(names.gpu_model, hardware.hardware_name) as gpu_model,
        hardware.hardware_name,
        hardware.manufacturer,
        hardware.type as hardware_type,
        hardware.release_date,
        hardware.release_price_usd,
        hardware.tdp_watts,
        coalesce(hardware.tensor_fp16_bf16_flops, hardware.fp16_flops) as peak_flops_16bit,
        hardware.memory_bytes,
        hardware.vintage
    from {{ ref('stg_epoch__ml_hardware') }} as hardware
    left join {{ ref('gpu_model_names') }} as names
        on lower(trim(names.source_name)) = lower(trim(hardware.hardware_name))
    qualify row_number() over (
        partition by coalesce(names.gpu_model, hardware.hardware_name)
        order by peak_flops_16bit desc nulls last, hardware.release_date asc, hardware.hardware_name asc
    ) = 1
),

usd_rates as (
    select rate_date, krw_per_usd from {{ ref('int_fx__krw_per_usd') }}
)

select
    chips.gpu_model,
    chips.hardware_name,
    chips.manufacturer,
    chips.hardware_type,
    chips.release_date,
    chips.release_price_usd,
    chips.release_price_usd * usd_rates.krw_per_usd as release_price_krw,
    usd_rates.rate_date as fx_rate_date,
    chips.tdp_watts,
    chips.peak_flops_16bit,
    chips.memory_bytes,
    chips.vintage as epoch_vintage
from chips
asof left join usd_rates on chips.release_date >= usd_rates.rate_date
