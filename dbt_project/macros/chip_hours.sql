{#- Chip-hours of a training run, the one rule of every estimate: hardware quantity x training time; else the
    reported chip-hours (where the data set has them); else training compute / (peak FLOP/s x utilization) / 3600,
    with the reported utilization or the assumed one. Two columns: `chip_hours` and `<rule_column>`, the rule used. -#}
{% macro chip_hours(quantity, hours, compute, peak_flops, peak_precision, utilization, assumed_utilization,
                    rule_column, reported='cast(null as double)') %}
    case
        when {{ quantity }} > 0 and {{ hours }} > 0 then {{ quantity }} * {{ hours }}
        when {{ reported }} > 0 then {{ reported }}
        when {{ compute }} > 0 and {{ peak_flops }} > 0
            then {{ compute }} / ({{ peak_flops }} * coalesce({{ utilization }}, cast({{ assumed_utilization }} as double))) / 3600
    end as chip_hours,
    case
        when {{ quantity }} > 0 and {{ hours }} > 0 then 'hardware quantity x training time'
        when {{ reported }} > 0 then 'reported training chip-hours'
        when {{ compute }} > 0 and {{ peak_flops }} > 0
            then 'compute / (' || {{ peak_precision }} || ' peak FLOP/s x '
                 || case when {{ utilization }} is null then 'assumed utilization ' || {{ assumed_utilization }}
                         else 'reported utilization ' || round({{ utilization }}, 3) end || ')'
    end as {{ rule_column }}
{%- endmacro %}
