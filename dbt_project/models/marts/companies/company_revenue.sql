-- What a lab earns: each revenue report Epoch AI collects, per company and day, as Epoch normalizes it (an annual
-- rate: a month's revenue x 12, or a year's), in USD and in won at the ECB rate of the day.
with reports as (
    select * from {{ ref('stg_epoch__company_revenue') }}
),

rates as (
    select rate_date, usd_per_unit, krw_per_unit from {{ ref('int_fx__cross_rates') }} where currency = 'USD'
)

select
    companies.company_id,
    companies.company,
    reports.company as source_company,
    reports.date as reported_for,
    reports.annualized_revenue_usd,
    reports.annualized_revenue_usd * rates.krw_per_unit as annualized_revenue_krw,
    'annualized (Epoch AI normalizes each report to a yearly rate)' as basis,
    'Epoch AI, AI Companies: revenue reports' as source,
    reports.source_file
from reports
asof left join rates on reports.date >= rates.rate_date
left join (select distinct name, company_id, company from {{ ref('int_company__resolved') }}) as companies
    on companies.name = reports.company
