-- One row per funding deal, keyed to its company (int_company__resolved). Where several exports (or a later delivery)
-- report the same deal, the most recently delivered record with an amount speaks for it; every record stays in
-- funding_round_sources. A round still in discussion (or talks, rumoured, planned) is not money raised:
-- `counts_as_raised` is false and every total leaves it out.
with deals as (
    select * from {{ ref('int_funding__deals') }}
),

chosen as (
    select
        *,
        count(*) over (partition by round_id) as source_records
    from deals
    qualify row_number() over (
        partition by round_id order by amount is not null desc, ingested_at desc, source_file desc, source_round_id asc
    ) = 1
)

select
    chosen.round_id,
    companies.company_id,
    chosen.company,
    coalesce(countries.country, chosen.country_name) as country,
    chosen.announced_on,
    chosen.announced_on_basis,
    chosen.closed_on,
    coalesce(year(chosen.closed_on), year(chosen.announced_on)) as year,
    chosen.round_type,
    chosen.amount,
    chosen.currency,
    chosen.amount_usd,
    chosen.amount_krw,
    chosen.fx_rate_date,
    chosen.fx_note,
    chosen.amount_problem,
    chosen.amount_usd_published,
    chosen.investors,
    chosen.source,
    chosen.layout,
    chosen.source_file,
    chosen.status,
    coalesce(
        not regexp_matches(lower(chosen.status), 'discussion|talks|rumou?r|planned|proposed|pending|expected'), true
    ) as counts_as_raised,
    chosen.valuation_pre_money_usd,
    chosen.valuation_post_money_usd,
    chosen.source_records
from chosen
left join (select distinct name, company_id from {{ ref('int_company__resolved') }}) as companies
    on companies.name = chosen.company
left join {{ ref('countries') }} as countries
    on countries.iso3 = upper(chosen.country_code) or countries.iso2 = upper(chosen.country_code)
