-- Every notable model's training run with what the cost and carbon marts need: chips, hours, chip-hours
-- (reported, or derived from compute), the chip's peak FLOP/s and TDP, country and kind of organization.
{% set utilization_default = "(select value from " ~ ref('carbon_assumptions')
   ~ " where parameter = 'utilization' and applies_to = 'default')" %}
with models as (
    select
        model,
        organization,
        publication_date,
        training_compute_flop,
        training_hardware,
        trim(split_part(training_hardware, ',', 1)) as primary_hardware,
        hardware_quantity,
        training_time_hours,
        hardware_utilization,
        training_compute_cost_2023_usd,
        training_power_draw_w,
        trim(split_part(country, ',', 1)) as country,
        len(list_distinct(string_split(replace(country, ', ', ','), ','))) as countries_listed,
        trim(split_part(organization_categorization, ',', 1)) as organization_kind,
        frontier_model = 'True' as is_frontier_model
    from {{ ref('stg_epoch__notable_models') }}
),

systems as (
    select model, training_data_center, training_cloud_vendor from {{ ref('stg_epoch__all_ml_systems') }}
),

hardware as (
    select hardware_name, coalesce(tensor_fp16_bf16_flops, fp16_flops) as peak_flops_16bit, tdp_watts
    from {{ ref('stg_epoch__ml_hardware') }}
)

select
    models.*,
    systems.training_data_center,
    systems.training_cloud_vendor,
    hardware.peak_flops_16bit,
    hardware.tdp_watts,
    {{ chip_hours('models.hardware_quantity', 'models.training_time_hours', 'models.training_compute_flop',
                  'hardware.peak_flops_16bit', "'16-bit'", 'models.hardware_utilization', utilization_default,
                  'chip_hours_method') }}
from models
left join hardware on hardware.hardware_name = models.primary_hardware
left join systems on systems.model = models.model
