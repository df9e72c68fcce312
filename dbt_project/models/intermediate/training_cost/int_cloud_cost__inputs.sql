-- The inputs of Epoch AI's cloud method (Cottier et al. 2024, "The rising costs of training frontier AI
-- models"), one row per model of Epoch's full view of ML systems: chip-hours, the day the chips are priced, and
-- the cloud the developer would rent from. Each rule is named in the row; facts Epoch hard-codes for a model
-- (a known training start or end) come from the training_run_dates seed, with their source.
{% set assumption = "(select value from " ~ ref('training_cost_assumptions') ~ " where parameter = '{}')" %}
with systems as (
    select * from {{ ref('stg_epoch__all_ml_systems') }}
),

hardware as (
    select hardware_name,
           coalesce(tensor_fp16_bf16_flops, tf32_flops, fp16_flops, fp32_flops) as peak_flops,
           case when tensor_fp16_bf16_flops is not null then 'tensor FP16/BF16'
                when tf32_flops is not null then 'TF32'
                when fp16_flops is not null then 'FP16'
                when fp32_flops is not null then 'FP32' end as peak_flops_precision
    from {{ ref('stg_epoch__ml_hardware') }}
),

dates as (
    select * from {{ ref('training_run_dates') }}
),

vendor_rules as (
    select * from {{ ref('cloud_vendor_rules') }}
),

-- inflation: x PPI(target month) / PPI(publication month), PPI = FRED PCU518210518210
ppi as (
    select month, ppi from {{ ref('stg_epoch__price_index') }}
),

target as (
    select cast(value as date) as month from {{ ref('training_cost_assumptions') }}
    where parameter = 'inflation_target_month'
),

-- the cloud of the developer: Epoch's rule matches each listed organization in turn, the last match wins
org_vendor as (
    select systems.model,
           arg_max(rules.vendor, orgs.position) as vendor
    from systems
    cross join lateral (
        select unnest(string_split(systems.organization, ',')) as org,
               generate_subscripts(string_split(systems.organization, ','), 1) as position
    ) as orgs
    inner join vendor_rules as rules
        on rules.rule = 'organization_contains' and contains(lower(orgs.org), rules.value)
    group by systems.model
),

timed as (
    select
        systems.model,
        systems.organization,
        systems.publication_date,
        systems.training_hardware as hardware,
        systems.base_model,
        systems.hardware_quantity,
        systems.training_time_hours,
        systems.training_chip_hours as chip_hours_reported,
        systems.training_compute_flop,
        systems.hardware_utilization_mfu,
        hardware.peak_flops,
        hardware.peak_flops_precision,
        -- Epoch counts whole hours of training time, and 33.06 days where none is reported
        case when systems.training_time_hours is not null
             then to_hours(cast(floor(systems.training_time_hours) as bigint))
             else to_microseconds(cast(cast({{ assumption.format('training_days') }} as double) * 86400e6 as bigint))
        end
            as training_time,
        dates.training_start as known_training_start,
        dates.training_end as known_training_end,
        dates.source as date_source
    from systems
    left join hardware on hardware.hardware_name = systems.training_hardware
    left join dates on dates.model = systems.model
),

started as (
    select *,
        case
            when known_training_start is not null then cast(known_training_start as timestamp)
            when known_training_end is not null then cast(known_training_end as timestamp) - training_time
            else cast(publication_date as timestamp) - training_time
                 - to_days(cast({{ assumption.format('publication_buffer_days') }} as integer))
        end as training_start,
        case
            when known_training_start is not null then 'known training start (' || date_source || ')'
            when known_training_end is not null then 'known training end minus training time (' || date_source || ')'
            when training_time_hours is not null then 'publication date - (training time + 60 days)'
            else 'publication date - (assumed 33.06 days of training + 60 days)'
        end as training_start_rule
    from timed
)

select
    started.model,
    started.organization,
    started.publication_date,
    started.hardware,
    started.base_model,
    started.hardware_quantity,
    started.training_time_hours,
    started.chip_hours_reported,
    -- model_costs.csv matches hardware quantity x training time; where it is missing, the reported chip-hours
    {{ chip_hours('started.hardware_quantity', 'started.training_time_hours', 'started.training_compute_flop',
                  'started.peak_flops', 'started.peak_flops_precision', 'started.hardware_utilization_mfu',
                  assumption.format('utilization'), 'chip_hours_rule', reported='started.chip_hours_reported') }},
    started.training_start,
    started.training_start_rule,
    started.training_start - to_days(cast({{ assumption.format('acquisition_buffer_days') }} as integer))
        as price_date_target,
    case when contains(started.hardware, 'TPU') then (select vendor from vendor_rules where rule = 'tpu_vendor')
         else coalesce(org_vendor.vendor, (select vendor from vendor_rules where rule = 'default'))
    end as preferred_vendor,
    strftime(target.month, '%Y-%m') as inflation_to,
    target_ppi.ppi / publication_ppi.ppi as inflation_factor
from started
left join org_vendor on org_vendor.model = started.model
cross join target
left join ppi as target_ppi on target_ppi.month = target.month
left join ppi as publication_ppi on publication_ppi.month = cast(date_trunc('month', started.publication_date) as date)
