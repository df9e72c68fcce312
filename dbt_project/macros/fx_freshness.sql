{#- An ECB rate is the rate of a day when it was published on it or at most 7 days before (weekends, holidays); an
    older one is not (the ECB stopped publishing the rouble in March 2022): the amount is left unconverted and the
    note says why. -#}
{% macro fx_is_fresh(rate_date, day) -%}
coalesce(date_diff('day', {{ rate_date }}, {{ day }}) <= 7, false)
{%- endmacro %}

{% macro fx_note(currency, rate_date, day) -%}
case when {{ currency }} is not null and {{ rate_date }} is null
         then 'no ECB rate for ' || {{ currency }} || ' on or before ' || {{ day }}
     when {{ currency }} is not null and not {{ fx_is_fresh(rate_date, day) }}
         then 'no ECB rate for ' || {{ currency }} || ' near ' || {{ day }} || ' (the last is of ' || {{ rate_date }}
              || '): not converted' end
{%- endmacro %}
