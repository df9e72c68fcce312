-- Energy and emissions of every training run whose chip-hours and chip power are known, estimated the same way for
-- every run, next to what the developer and the AI Index report; `tco2e` is the developer's figure first, then the
-- AI Index's, then ours (`tco2e_basis`). Formula (see the YAML): energy_mwh = gpu_hours x chip_watts x pue / 1e6;
-- tco2e_estimated = energy_mwh x grid_gco2_per_kwh / 1000. The chip-hours are int_training_runs' (reported
-- first), the same as marts.training_costs'. Power draw: the chips alone, Epoch AI's method and ours.
with runs as (
    select * from {{ ref('int_training_runs') }}
),

assumptions as (
    select * from {{ ref('carbon_assumptions') }}
),

grid as (
    select iso3, country_name, gco2_per_kwh, year from {{ ref('stg_carbon__grid_intensity') }}
),

countries as (
    select alias as name, iso3 from {{ ref('country_aliases') }}
    union all
    select country, iso3 from {{ ref('countries') }}
    union all
    select country_name, iso3 from grid
),

data_centres as (
    select
        centres.data_centre,
        centres.country_iso3,
        regions.provider || ' ' || regions.region || ' (' || regions.vintage || ')' as region_label,
        regions.gco2_per_kwh as region_gco2_per_kwh,
        regions.pue as region_pue
    from {{ ref('training_data_centres') }} as centres
    left join {{ ref('stg_carbon__cloud_regions') }} as regions
        on regions.provider = centres.provider and regions.region = centres.region
    -- the newer measurement (CodeCarbon) first; PUE from whichever vintage publishes one
    qualify row_number() over (partition by centres.data_centre order by regions.vintage = 'codecarbon' desc) = 1
),

region_pue as (
    select centres.data_centre, max(regions.pue) as pue
    from {{ ref('training_data_centres') }} as centres
    inner join {{ ref('stg_carbon__cloud_regions') }} as regions
        on regions.provider = centres.provider and regions.region = centres.region
    group by centres.data_centre
),

reported as (
    select * from {{ ref('int_ai_index__emissions') }}
),

part_power as (
    select * from {{ ref('training_hardware_power') }}
),

locations as (
    select * from {{ ref('training_locations') }}
),

published as (
    select model, tco2e, chip_watts as gpu_watts, watts_include_pue, source || ' (' || source_url || ')' as source
    from {{ ref('reported_training_facts') }}
),

inputs as (
    select
        runs.*,
        runs.chip_hours as gpu_hours,
        -- the power of the part used: a model card's per-GPU power, else the part behind the label, else its TDP
        coalesce(case when published.watts_include_pue then published.gpu_watts end, part_power.watts, runs.tdp_watts)
            as chip_watts,
        case when published.watts_include_pue then 'chip_watts: ' || published.gpu_watts
                                                  || ' W per GPU from the model card (PUE included)'
             when part_power.watts is not null then 'chip_watts: ' || part_power.watts || ' W of the '
                                                  || part_power.part_used || ' behind ' || runs.primary_hardware
             else 'chip_watts: TDP of ' || runs.primary_hardware end as power_basis,
        case when published.watts_include_pue then 1.0
             else coalesce(locations.pue, region_pue.pue, kind_pue.value, default_pue.value) end as pue,
        case when published.watts_include_pue then 'no PUE on top (the model card''s power includes it)'
             when locations.pue is not null then 'PUE ' || locations.pue || ' of ' || locations.site
             when region_pue.pue is not null then 'PUE ' || region_pue.pue || ' of ' || data_centres.region_label
             when kind_pue.value is not null then 'PUE ' || kind_pue.value || ' for ' || runs.organization_kind
             else 'default PUE ' || default_pue.value end as pue_basis,
        -- the grid where the run happened: a published location, a named data centre, the organization's one
        -- country; an organization listing several countries gets the world average, not its first country
        coalesce(location_grid.gco2_per_kwh, data_centres.region_gco2_per_kwh, centre_grid.gco2_per_kwh,
                 case when runs.countries_listed = 1 then grid.gco2_per_kwh end, default_grid.value)
            as grid_gco2_per_kwh,
        case when location_grid.gco2_per_kwh is not null
                 then 'grid of ' || location_grid.country_name || ' (' || locations.site || ')'
             when data_centres.region_gco2_per_kwh is not null
                 then 'grid of data centre ' || data_centres.region_label
             when centre_grid.gco2_per_kwh is not null
                 then 'grid of ' || centre_grid.country_name || ' (data centre ' || runs.training_data_center || ')'
             when runs.countries_listed = 1 and grid.gco2_per_kwh is not null
                 then 'grid of ' || grid.country_name || coalesce(' (' || grid.year || ')', '')
             when runs.countries_listed > 1
                 then 'world average grid (several countries listed, no training location known)'
             else 'world average grid (country ' || coalesce('''' || runs.country || '''', 'unknown') || ')'
        end as grid_basis
    from runs
    left join assumptions as kind_pue on kind_pue.parameter = 'pue' and kind_pue.applies_to = runs.organization_kind
    cross join (select value from assumptions where parameter = 'pue' and applies_to = 'default') as default_pue
    cross join (select value from assumptions where parameter = 'grid_gco2_per_kwh' and applies_to = 'default')
        as default_grid
    left join (select distinct name, iso3 from countries) as country_codes on country_codes.name = runs.country
    left join grid on grid.iso3 = country_codes.iso3
    left join data_centres on data_centres.data_centre = runs.training_data_center
    left join region_pue on region_pue.data_centre = runs.training_data_center
    left join grid as centre_grid on centre_grid.iso3 = data_centres.country_iso3
    left join part_power on part_power.hardware = runs.primary_hardware
    left join locations on locations.model = runs.model
    left join grid as location_grid on location_grid.iso3 = locations.country_iso3
    left join published on published.model = runs.model
),

estimates as (
    select
        inputs.*,
        inputs.gpu_hours * inputs.chip_watts * inputs.pue / 1e6 as energy_mwh
    from inputs
)

select
    coalesce(estimates.model, reported.model) as model,
    estimates.organization,
    estimates.publication_date,
    estimates.training_hardware as hardware,
    estimates.hardware_quantity as hardware_count,
    estimates.gpu_hours,
    estimates.chip_watts,
    estimates.pue,
    estimates.grid_gco2_per_kwh,
    estimates.energy_mwh,
    estimates.energy_mwh * estimates.grid_gco2_per_kwh / 1000 as tco2e_estimated,
    reported.tco2e as tco2e_reported,
    case when reported.tco2e is not null then 'AI Index ' || reported.edition || ' ' || reported.emissions_figure end
        as reported_source,
    published.tco2e as tco2e_published,
    published.source as published_source,
    coalesce(published.tco2e, reported.tco2e, estimates.energy_mwh * estimates.grid_gco2_per_kwh / 1000) as tco2e,
    case when published.tco2e is not null then 'reported by the developer'
         when reported.tco2e is not null then 'reported (AI Index)'
         when estimates.energy_mwh is not null then 'estimated' end as tco2e_basis,
    estimates.chip_hours_basis as gpu_hours_basis,
    estimates.hardware_quantity * estimates.chip_watts * estimates.pue as power_draw_watts_estimated,
    estimates.power_draw_watts_chips,
    estimates.power_draw_watts_epoch_method,
    coalesce(reported.power_draw_watts, estimates.training_power_draw_w) as power_draw_watts_reported,
    case when reported.power_draw_watts is not null then 'AI Index ' || reported.edition || ' ' || reported.power_figure
         when estimates.training_power_draw_w is not null then 'Epoch AI notable models: training power draw (W)'
    end as power_draw_source,
    estimates.country,
    estimates.is_notable,
    estimates.is_epoch_frontier,
    estimates.compute_rank_when_published,
    estimates.is_frontier_top10,
    estimates.organization_kind,
    estimates.training_dataset_size,
    estimates.confidence,
    case when estimates.energy_mwh is not null then
        'gpu_hours: ' || estimates.chip_hours_method || '; ' || estimates.power_basis
        || '; ' || estimates.pue_basis || '; ' || estimates.grid_basis
    end as assumptions
from estimates
full outer join reported on reported.model = estimates.model
left join published on published.model = coalesce(estimates.model, reported.model)
where estimates.energy_mwh is not null or reported.tco2e is not null
