-- One row per company across every source (int_company__resolved: a stated rule per name), with what the warehouse
-- knows of it: its names as each source spells them, country and kind of organization, rounds and money raised
-- (closed or announced rounds only; those still in discussion apart), the latest post-money valuation, revenue and
-- compute spend where reported, its AI models and GPU clusters, and which sources cover which years, so a ranking
-- of a few dozen companies is not read as a ranking of the market.
with names as (
    select * from {{ ref('int_company__resolved') }}
),

companies as (
    select
        company_id,
        min(company) as company,
        string_agg(distinct name || ' (' || source || ')', '; ' order by name || ' (' || source || ')') as names,
        count(distinct name) as spellings
    from names
    group by company_id
),

rounds as (
    select *, coalesce(closed_on, announced_on) as dated_on from {{ ref('funding_rounds') }}
),

-- Every pick below has one answer, so a rebuild gives the same row: a tie in a mode or an arg_max is broken by a
-- stated rule, and a sum of money is rounded to the cent (the won), since the last digits of a sum of doubles depend
-- on the order DuckDB's threads add the rows up in.
countries as (
    select company_id, country, count(*) as rounds, max(dated_on) as latest_round_on
    from rounds
    where country is not null
    group by all
),

main_country as (
    -- the country its rounds name most often; of two as often, the one its latest round names, then by name
    select company_id, first(country order by rounds desc, latest_round_on desc nulls last, country asc) as country
    from countries
    group by company_id
),

raised as (
    select
        company_id,
        count(*) filter (where counts_as_raised) as rounds,
        round(sum(amount_usd) filter (where counts_as_raised), 2) as raised_usd,
        round(sum(amount_krw) filter (where counts_as_raised), 0) as raised_krw,
        round(sum(amount_usd) filter (where counts_as_raised and year >= 2023), 2) as raised_usd_since_2023,
        min(dated_on) filter (where counts_as_raised) as first_round_on,
        max(dated_on) filter (where counts_as_raised) as last_round_on,
        count(*) filter (where not counts_as_raised) as rounds_in_discussion,
        round(sum(amount_usd) filter (where not counts_as_raised), 2) as in_discussion_usd,
        -- of two valuations on the same day, the higher
        arg_max(valuation_post_money_usd, (dated_on, valuation_post_money_usd)) filter (
            where counts_as_raised and valuation_post_money_usd is not null
        ) as latest_valuation_post_money_usd,
        max(dated_on) filter (where counts_as_raised and valuation_post_money_usd is not null) as latest_valuation_on
    from rounds
    group by company_id
),

coverage as (
    select company_id, string_agg(covered, '; ' order by covered) as sources_and_years
    from (
        select company_id, source || ' ' || min(year) || '-' || max(year) as covered
        from (select company_id, layout as source, year from rounds
              union all
              select company_id, 'epoch revenue reports', year(reported_for) from {{ ref('company_revenue') }}
              union all
              select company_id, 'epoch compute spend', year(period_end) from {{ ref('company_compute_spend') }})
        where company_id is not null
        group by company_id, source
    )
    group by company_id
),

revenue as (
    select company_id,
           arg_max(annualized_revenue_usd, (reported_for, annualized_revenue_usd)) as latest_annualized_revenue_usd,
           max(reported_for) as revenue_reported_for
    from {{ ref('company_revenue') }}
    group by company_id
),

-- a year's compute spend: Epoch AI's figure covering R&D and inference together, else its R&D and inference parts
yearly_spend as (
    select
        company_id,
        period_end,
        coalesce(
            max(amount_usd) filter (where category like '%R&D%' and category like '%Inference%'),
            case when count(distinct category) filter (
                          where category in ('R&D cloud compute', 'Inference cloud compute')) = 2
                 then round(sum(amount_usd) filter (
                          where category in ('R&D cloud compute', 'Inference cloud compute')), 2) end
        ) as amount_usd
    from {{ ref('company_compute_spend') }}
    where basis = 'reported for the year'
    group by all
),

spend as (
    select company_id, arg_max(amount_usd, (period_end, amount_usd)) as latest_yearly_compute_spend_usd,
           max(period_end) as compute_spend_year_end
    from yearly_spend
    where amount_usd is not null
    group by company_id
),

organizations as (
    select trim(listed.name) as name, runs.model, runs.organization_kind, runs.training_compute_flop
    from {{ ref('int_training_runs') }} as runs,
         unnest(string_split(runs.organization, ',')) as listed (name)
    where runs.is_notable
),

-- a row per company and notable model it is listed on
company_models as (
    select names.company_id, organizations.model, organizations.organization_kind,
           organizations.training_compute_flop
    from organizations
    inner join (select distinct name, company_id from names) as names using (name)
),

models as (
    select company_id, count(distinct model) as notable_models,
           max(training_compute_flop) as largest_training_compute_flop
    from company_models
    group by company_id
),

main_kind as (
    -- the kind most of its notable models' rows give; of two as many, by name
    select company_id, first(organization_kind order by models desc, organization_kind asc) as organization_kind
    from (
        select company_id, organization_kind, count(*) as models
        from company_models
        where organization_kind is not null
        group by all
    ) as kinds
    group by company_id
),

clusters as (
    select company_id, count(*) as gpu_clusters, max(chips) as largest_cluster_chips
    from {{ ref('gpu_clusters') }}
    where company_id is not null
    group by company_id
)

select
    companies.company_id,
    companies.company,
    companies.names,
    companies.spellings,
    main_country.country,
    main_kind.organization_kind,
    coalesce(raised.rounds, 0) as rounds,
    raised.raised_usd,
    raised.raised_krw,
    raised.raised_usd_since_2023,
    raised.first_round_on,
    raised.last_round_on,
    coalesce(raised.rounds_in_discussion, 0) as rounds_in_discussion,
    raised.in_discussion_usd,
    raised.latest_valuation_post_money_usd,
    raised.latest_valuation_on,
    revenue.latest_annualized_revenue_usd,
    revenue.revenue_reported_for,
    spend.latest_yearly_compute_spend_usd,
    spend.compute_spend_year_end,
    coalesce(models.notable_models, 0) as notable_models,
    models.largest_training_compute_flop,
    coalesce(clusters.gpu_clusters, 0) as gpu_clusters,
    clusters.largest_cluster_chips,
    coverage.sources_and_years
from companies
left join main_country using (company_id)
left join raised using (company_id)
left join revenue using (company_id)
left join spend using (company_id)
left join models using (company_id)
left join main_kind using (company_id)
left join clusters using (company_id)
left join coverage using (company_id)
