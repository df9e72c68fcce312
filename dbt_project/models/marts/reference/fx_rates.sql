-- The ECB reference rates behind every conversion: USD and KRW per unit of each currency, per publication day.
select rate_date, currency, usd_per_unit, krw_per_unit, vintage
from {{ ref('int_fx__cross_rates') }}
