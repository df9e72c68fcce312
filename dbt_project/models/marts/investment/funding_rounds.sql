-- One row per funding round, with USD and KRW at the ECB rate of the announcement day
-- (the last published rate on or before it, for weekends and holidays).
with rounds as (
    select * from {{ ref('stg_funding__rounds') }}
),

fx as (
    select * from {{ ref('int_fx__cross_rates') }}
)

select
    md5(rounds.source || '|' || rounds.layout || '|' || rounds.source_round_id) as round_id,
    rounds.company,
    countries.country,
    rounds.announced_on,
    rounds.round_type,
    rounds.amount,
    rounds.currency,
    case when rounds.currency = 'USD' then rounds.amount else rounds.amount * fx.usd_per_unit end as amount_usd,
    rounds.amount * fx.krw_per_unit as amount_krw,
    fx.rate_date as fx_rate_date,
    rounds.amount_usd_published,
    rounds.investors,
    rounds.source,
    rounds.layout,
    rounds.source_file
from rounds
left join {{ ref('countries') }} as countries
    on countries.iso3 = upper(rounds.country_code) or countries.iso2 = upper(rounds.country_code)
asof left join fx
    on rounds.currency = fx.currency and rounds.announced_on >= fx.rate_date
