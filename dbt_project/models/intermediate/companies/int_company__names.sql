-- Every company name a source spells, with the source and what the warehouse holds under it: funding rounds (each
-- export and the AI Index 2021 event list), Epoch AI's revenue and compute-spend reports, the owners of its GPU
-- clusters and the organizations of its AI models (a list of several organizations is several names; a piece that
-- is only a legal form, the `Inc.` of `Example Lab, Inc.`, is not a name).
with named as (
    select company as name, source || ': ' || layout as source, count(*) as records
    from {{ ref('int_funding__rounds_converted') }}
    group by all
    union all
    select company, 'epoch_ai_companies: revenue', count(*) from {{ ref('stg_epoch__company_revenue') }} group by all
    union all
    select company, 'epoch_ai_companies: compute spend', count(*)
    from {{ ref('stg_epoch__company_compute_spend') }} group by all
    union all
    select trim(owners.name), 'epoch_gpu_clusters: owner', count(*)
    from {{ ref('stg_epoch__gpu_clusters') }},
         unnest(string_split(owner, ',')) as owners (name)
    group by all
    union all
    select trim(organizations.name), 'epoch_ai_models: organization', count(*)
    from {{ ref('stg_epoch__notable_models') }},
         unnest(string_split(organization, ',')) as organizations (name)
    group by all
)

select name, source, sum(records) as records
from named
where nullif(trim(name), '') is not null
  and not regexp_matches(lower(trim(name)), '^(inc|llc|l\.l\.c|ltd|corp|co|gmbh|ag|sa|sas|plc|lp)\.?$')
group by all
