-- USD and KRW per unit of every ECB currency, per ECB publication day (cross rates through EUR).
with rates as (
    select * from {{ ref('stg_ecb__fx_rates') }}
),

anchors as (
    select
        rate_date,
        max(case when currency = 'USD' then units_per_eur end) as usd_per_eur,
        max(case when currency = 'KRW' then units_per_eur end) as krw_per_eur
    from rates
    group by rate_date
)

select
    rates.rate_date,
    rates.currency,
    anchors.usd_per_eur / rates.units_per_eur as usd_per_unit,
    anchors.krw_per_eur / rates.units_per_eur as krw_per_unit,
    rates.vintage
from rates
inner join anchors using (rate_date)
where anchors.usd_per_eur is not null and anchors.krw_per_eur is not null
