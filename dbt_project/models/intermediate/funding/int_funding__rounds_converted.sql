-- Every funding round record of every export (and of the AI Index 2021 workbook's event list), amount and valuations
-- in USD (and the amount in KRW) at the ECB reference rate of the announcement
-- day (the last rate published on or before it, for weekends and holidays). A rate more than 7 days older than
-- the announcement is not that day's rate (the ECB stopped publishing the rouble in March 2022): no conversion,
-- and `fx_note` says why. The company key keeps letters and digits of every script (Hangul, CJK), so two
-- companies written only in them do not collapse into one empty key.
with rounds as (
    select * from {{ ref('stg_funding__rounds') }}
    union all by name
    select * from {{ ref('stg_ai_index__funding_events') }}
),

fx as (
    select * from {{ ref('int_fx__cross_rates') }}
),

joined as (
    select rounds.*, fx.rate_date, fx.usd_per_unit, fx.krw_per_unit,
           {{ fx_is_fresh('fx.rate_date', 'rounds.announced_on') }} as fresh
    from rounds
    asof left join fx
        on rounds.currency = fx.currency and rounds.announced_on >= fx.rate_date
),

converted as (
    select
        joined.* exclude (rate_date, usd_per_unit, krw_per_unit, fresh),
        coalesce(nullif(regexp_replace(lower(company), '[^\p{L}\p{N}]+', '', 'g'), ''), lower(trim(company)))
            as company_key,
        case when currency = 'USD' then amount when fresh then amount * usd_per_unit end as amount_usd,
        case when currency = 'USD' then valuation_pre_money when fresh then valuation_pre_money * usd_per_unit end
            as valuation_pre_money_usd,
        case when currency = 'USD' then valuation_post_money when fresh then valuation_post_money * usd_per_unit end
            as valuation_post_money_usd,
        case when fresh then amount * krw_per_unit end as amount_krw,
        case when fresh then rate_date end as fx_rate_date,
        {{ fx_note('currency', 'rate_date', 'announced_on') }} as fx_note
    from joined
),

checked as (
    select
        converted.*,
        bounds.max_usd,
        bounds.basis,
        coalesce(converted.amount_usd > bounds.max_usd or converted.amount_usd_published > bounds.max_usd, false)
            as implausible
    from converted
    cross join {{ ref('funding_amount_bounds') }} as bounds
)

-- A round above the plausible maximum keeps its record and its amount as published, but no USD or KRW amount:
-- it would dwarf every sum it entered (marts.funding_round_anomalies lists it with the reason).
select
    checked.* exclude (amount_usd, amount_krw, max_usd, basis, implausible),
    case when not implausible then amount_usd end as amount_usd,
    case when not implausible then amount_krw end as amount_krw,
    case when implausible then 'USD ' || format('{:.6g}', greatest(amount_usd, amount_usd_published))
         || ' is above the plausible maximum of one round (' || format('{:.6g}', max_usd) || ' USD): ' || basis
    end as amount_problem,
    amount_usd as amount_usd_as_converted
from checked
