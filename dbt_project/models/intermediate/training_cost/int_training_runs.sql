-- Every training run Epoch AI lists (its notable models, then the rest of its full view of ML systems) with what the
-- cost and carbon marts need, each fact reported first and derived second, with its basis: chip-hours, chip count
-- and training time from the developer (seed reported_training_facts, with the source quoted), else as Epoch AI
-- records them, else derived (chip count x hours, or compute / (peak FLOP/s x utilization)). Also the chip's
-- peak FLOP/s and TDP, the flags a user filters by, Epoch's confidence, and the training power draw by Epoch's
-- method beside the chip-only figure.
{#- one assumed utilization and one peak for every estimate: those of Epoch AI's cost method -#}
{% set utilization_default = "(select value from " ~ ref('training_cost_assumptions')
   ~ " where parameter = 'utilization')" %}
with notable as (
    select
        model, organization, publication_date, training_compute_flop, training_hardware, hardware_quantity,
        training_time_hours, hardware_utilization, training_compute_cost_2023_usd, training_power_draw_w, country,
        organization_categorization, confidence, training_dataset_size, frontier_model = 'True' as is_epoch_frontier
    from {{ ref('stg_epoch__notable_models') }}
),

systems as (
    select
        model, organization, publication_date, training_compute_flop, training_hardware, hardware_quantity,
        training_time_hours, hardware_utilization_mfu, training_compute_cost_2023_usd, training_chip_hours,
        training_data_center, training_cloud_vendor,
        try_cast(extra ->> 'Training power draw (W)' as double) as training_power_draw_w,
        extra ->> 'Country (of organization)' as country,
        extra ->> 'Organization categorization' as organization_categorization,
        extra ->> 'Confidence' as confidence,
        try_cast(extra ->> 'Training dataset size (datapoints)' as double) as training_dataset_size,
        try_cast(extra ->> 'Compute rank when published' as integer) as epoch_compute_rank
    from {{ ref('stg_epoch__all_ml_systems') }}
),

runs as (
    select
        coalesce(notable.model, systems.model) as model,
        coalesce(notable.organization, systems.organization) as organization,
        coalesce(notable.publication_date, systems.publication_date) as publication_date,
        coalesce(notable.training_compute_flop, systems.training_compute_flop) as training_compute_flop,
        coalesce(notable.training_hardware, systems.training_hardware) as training_hardware,
        coalesce(notable.hardware_quantity, systems.hardware_quantity) as epoch_hardware_quantity,
        coalesce(notable.training_time_hours, systems.training_time_hours) as epoch_training_time_hours,
        coalesce(notable.hardware_utilization, systems.hardware_utilization_mfu) as hardware_utilization,
        coalesce(notable.training_compute_cost_2023_usd, systems.training_compute_cost_2023_usd)
            as training_compute_cost_2023_usd,
        coalesce(notable.training_power_draw_w, systems.training_power_draw_w) as training_power_draw_w,
        coalesce(notable.country, systems.country) as country_listed,
        coalesce(notable.organization_categorization, systems.organization_categorization)
            as organization_categorization,
        coalesce(notable.confidence, systems.confidence) as confidence,
        coalesce(notable.training_dataset_size, systems.training_dataset_size) as training_dataset_size,
        notable.model is not null as is_notable,
        coalesce(notable.is_epoch_frontier, false) as is_epoch_frontier,
        systems.training_chip_hours as epoch_chip_hours,
        systems.epoch_compute_rank,
        systems.model is not null as in_epoch_systems,
        systems.training_data_center,
        systems.training_cloud_vendor
    from notable
    full outer join systems on systems.model = notable.model
),

-- Cottier et al. 2024's frontier: a model among the top N by training compute of the models published up to its day
ranked as (
    select
        runs.*,
        case when runs.training_compute_flop > 0 then cast(1 + (
            select count(*) from runs as earlier
            where earlier.publication_date <= runs.publication_date
              and earlier.training_compute_flop > runs.training_compute_flop
        ) as integer) end as compute_rank_when_published
    from runs
),

hardware as (
    select hardware_name, coalesce(tensor_fp16_bf16_flops, tf32_flops, fp16_flops, fp32_flops) as peak_flops_16bit,
           case when tensor_fp16_bf16_flops is not null then 'tensor FP16/BF16'
                when tf32_flops is not null then 'TF32'
                when fp16_flops is not null then 'FP16'
                when fp32_flops is not null then 'FP32' end as peak_flops_precision,
           tdp_watts
    from {{ ref('stg_epoch__ml_hardware') }}
),

reported as (
    select * from {{ ref('reported_training_facts') }}
),

pue_years as (
    select year, pue, lead(year) over (order by year) as next_year, lead(pue) over (order by year) as next_pue
    from {{ ref('datacentre_pue_by_year') }}
),

server_overhead as (
    select value from {{ ref('carbon_assumptions') }}
    where parameter = 'server_overhead' and applies_to = 'multi-chip'
),

facts as (
    select
        ranked.* exclude (country_listed, organization_categorization),
        trim(split_part(ranked.training_hardware, ',', 1)) as primary_hardware,
        trim(split_part(ranked.country_listed, ',', 1)) as country,
        len(list_distinct(string_split(replace(ranked.country_listed, ', ', ','), ','))) as countries_listed,
        trim(split_part(ranked.organization_categorization, ',', 1)) as organization_kind,
        coalesce(reported.chip_count, ranked.epoch_hardware_quantity) as hardware_quantity,
        case when reported.chip_count is not null then 'reported by the developer'
             when ranked.epoch_hardware_quantity is not null then 'reported (Epoch AI)' end as hardware_quantity_basis,
        coalesce(reported.training_time_hours, ranked.epoch_training_time_hours) as training_time_hours,
        case when reported.training_time_hours is not null then 'reported by the developer'
             when ranked.epoch_training_time_hours is not null then 'reported (Epoch AI)' end
            as training_time_basis,
        reported.chip_hours as developer_chip_hours,
        reported.source as reported_source,
        reported.source_url as reported_source_url
    from ranked
    left join reported on reported.model = ranked.model
),

derived as (
    select
        facts.*,
        hardware.peak_flops_16bit,
        hardware.tdp_watts,
        {{ chip_hours('facts.hardware_quantity', 'facts.training_time_hours', 'facts.training_compute_flop',
                      'hardware.peak_flops_16bit', 'hardware.peak_flops_precision', 'facts.hardware_utilization',
                      utilization_default,
                      'derived_chip_hours_method') }}
    from facts
    left join hardware on hardware.hardware_name = facts.primary_hardware
)

select
    derived.* exclude (chip_hours, derived_chip_hours_method, compute_rank_when_published),
    -- Epoch AI's published rank (Cottier et al. select on it; it is given down to about rank 20, blank below), and
    -- ours only for a run its full view does not list
    case when derived.in_epoch_systems then derived.epoch_compute_rank else derived.compute_rank_when_published end
        as compute_rank_when_published,
    case when derived.in_epoch_systems and derived.epoch_compute_rank is not null then 'reported (Epoch AI)'
         when not derived.in_epoch_systems and derived.compute_rank_when_published is not null then 'derived' end
        as compute_rank_basis,
    coalesce(derived.developer_chip_hours, derived.epoch_chip_hours, derived.chip_hours) as chip_hours,
    case when derived.developer_chip_hours is not null then 'reported by the developer'
         when derived.epoch_chip_hours is not null then 'reported (Epoch AI)'
         when derived.chip_hours is not null then 'derived' end as chip_hours_basis,
    case when derived.developer_chip_hours is not null then 'reported chip-hours (' || derived.reported_source || ')'
         when derived.epoch_chip_hours is not null then 'reported chip-hours (Epoch AI: training chip-hours)'
         else derived.derived_chip_hours_method end as chip_hours_method,
    coalesce(coalesce(derived.epoch_compute_rank,
                      case when not derived.in_epoch_systems then derived.compute_rank_when_published end) <= 10,
             false) as is_frontier_top10,
    -- Epoch's training power draw: chip TDP x chips x system overhead (none on one chip) x the year's data-centre PUE
    derived.tdp_watts * derived.hardware_quantity as power_draw_watts_chips,
    derived.tdp_watts * derived.hardware_quantity
    * case when derived.hardware_quantity > 1 then (select value from server_overhead) else 1.0 end
    * (pue_years.pue + coalesce(pue_years.next_pue - pue_years.pue, 0) * (dated.pue_year - pue_years.year))
        as power_draw_watts_epoch_method
from derived
-- the publication date as a fractional year, held within the years the PUE table covers
left join lateral (
    select least(greatest(
        year(derived.publication_date) + (dayofyear(derived.publication_date) - 1)
        / date_diff('day', make_date(year(derived.publication_date), 1, 1),
                    make_date(year(derived.publication_date) + 1, 1, 1)),
        (select min(year) from pue_years)), (select max(year) from pue_years)) as pue_year
) as dated on true
left join pue_years on pue_years.year = floor(dated.pue_year)
