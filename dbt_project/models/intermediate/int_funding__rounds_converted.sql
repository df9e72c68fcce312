-- Every funding round record of every export, in USD and KRW at the ECB reference rate of the announcement
-- day (the last rate published on or before it, for weekends and holidays).
with rounds as (
    select * from {{ ref('stg_funding__rounds') }}
),

fx as (
    select * from {{ ref('int_fx__cross_rates') }}
)

select
    rounds.*,
    regexp_replace(lower(rounds.company), '[^a-z0-9]+', '', 'g') as company_key,
    case when rounds.currency = 'USD' then rounds.amount else rounds.amount * fx.usd_per_unit end as amount_usd,
    rounds.amount * fx.krw_per_unit as amount_krw,
    fx.rate_date as fx_rate_date
from rounds
asof left join fx
    on rounds.currency = fx.currency and rounds.announced_on >= fx.rate_date
