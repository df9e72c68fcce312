-- The GPU clusters (AI supercomputers) Epoch AI tracks: owner (and its company_id: the first listed owner), chips,
-- chip model, power, country, status and the day first operational. A date that cannot be true (before 2000, or in the
-- future for a cluster said to exist) is left out with the reason in `date_problem`; the cluster stays.
with clusters as (
    select * from {{ ref('stg_epoch__gpu_clusters') }}
)

select
    clusters.name,
    clusters.listing,
    companies.company_id,
    coalesce(companies.company, trim(split_part(clusters.owner, ',', 1))) as company,
    clusters.owner as owners,
    clusters.chip_type,
    coalesce(clusters.total_ai_chips, clusters.chip_quantity) as chips,
    clusters.h100_equivalents,
    clusters.power_capacity_mw,
    clusters.hardware_cost_usd,
    clusters.country,
    clusters.sector,
    clusters.status,
    clusters.certainty,
    case when clusters.first_operational_date >= date '2000-01-01'
              and not (clusters.status = 'Existing' and clusters.first_operational_date > current_date)
         then clusters.first_operational_date end as first_operational_on,
    case when clusters.first_operational_date < date '2000-01-01'
             then 'first operational ' || clusters.first_operational_date || ' is before 2000: left out'
         when clusters.status = 'Existing' and clusters.first_operational_date > current_date
             then 'an existing cluster first operational in the future (' || clusters.first_operational_date
                  || '): left out'
    end as date_problem,
    'Epoch AI, GPU Clusters' as source,
    clusters.source_file
from clusters
left join (select distinct name, company_id, company from {{ ref('int_company__resolved') }}) as companies
    on companies.name = trim(split_part(clusters.owner, ',', 1))
