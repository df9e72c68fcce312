-- What a lab spends on compute: each figure Epoch AI collects, per company and period, with what it covers
-- (`category`: R&D or inference cloud compute, data), the basis (`reported for the year`, or `annualized` from a
-- shorter period) and Epoch's confidence. A report date that cannot be a date (the year 0202) is left out, with
-- the reason in `report_date_problem`; the figure itself stays.
with spend as (
    select * from {{ ref('stg_epoch__company_compute_spend') }}
)

select
    spend.spend_id,
    companies.company_id,
    companies.company,
    spend.company as source_company,
    spend.amount_usd,
    spend.category,
    spend.period_type,
    case when lower(spend.period_type) = 'annualized' then 'annualized from a shorter period'
         when lower(spend.period_type) = 'year' then 'reported for the year'
         else lower(spend.period_type) end as basis,
    spend.date as period_end,
    case when spend.report_date >= date '1990-01-01' then spend.report_date end as report_date,
    case when spend.report_date < date '1990-01-01'
             then 'report date ' || strftime(spend.report_date, '%Y-%m-%d')
                  || ' is before 1990, not a date of this report: left out'
    end as report_date_problem,
    spend.confidence,
    'Epoch AI, AI Companies: compute spend' as source,
    spend.source_file
from spend
left join (select distinct name, company_id, company from {{ ref('int_company__resolved') }}) as companies
    on companies.name = spend.company
