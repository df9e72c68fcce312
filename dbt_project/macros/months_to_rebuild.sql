{#- The months an incremental model of GPU offers recomputes: the months of the offers (`offers`, int_gpu_offers)
    built after the model's newest `last_built_at`, read before the model's SQL runs so that its filters are
    constants DuckDB prunes row groups with. A list of 'YYYY-MM-DD' strings, empty when no offer is new; `none` in a
    full build (every month). -#}
{% macro months_to_rebuild(offers) %}
  {%- if not (execute and is_incremental()) -%}
    {{ return(none) }}
  {%- endif -%}
  {%- set found = run_query(
      "select distinct strftime(date_trunc('month', observed_on), '%Y-%m-%d') from " ~ offers
      ~ " where built_at > (select coalesce(max(last_built_at), '1900-01-01'::timestamptz) from " ~ this ~ ")"
      ~ " order by 1") -%}
  {{ return(found.columns[0].values() | list) }}
{% endmacro %}

{#- True for a day in one of `months` (every day when `months` is none). The comparison on the column itself lets
    DuckDB skip the row groups of earlier days by their min and max. -#}
{% macro in_months(column, months) -%}
  {%- if months is none -%}
    true
  {%- elif months | length == 0 -%}
    false
  {%- else -%}
    ({{ column }} >= date '{{ months | min }}'
     and cast(date_trunc('month', {{ column }}) as date) in (
       {%- for month in months %}date '{{ month }}'{{ ", " if not loop.last }}{% endfor -%}
     ))
  {%- endif -%}
{%- endmacro %}

{#- True for a day in one of `months` or later (every day when `months` is none). -#}
{% macro from_months(column, months) -%}
  {%- if months is none -%}
    true
  {%- elif months | length == 0 -%}
    false
  {%- else -%}
    {{ column }} >= date '{{ months | min }}'
  {%- endif -%}
{%- endmacro %}

{#- A model's rows, and one more row per period it recomputed (`periods`: a relation of the key column alone), whose
    other columns are null. delete+insert deletes the periods present in the new rows, so a period whose rows all
    went away is emptied rather than kept. Every row carries `last_built_at`, how far the offers were read: the
    watermark of months_to_rebuild, which the extra rows keep moving when a period has no rows. -#}
{% macro with_a_row_per_period(rows, periods) -%}
select *, (select max(built_at) from {{ ref('int_gpu_offers') }}) as last_built_at
from (
    select * from {{ rows }}
    union all by name
    select * from {{ periods }}
) as rows_and_periods
{%- endmacro %}
