{#- The values of `recheck_by` among the rows of `model` written (`written_at`) after AIMETRICS_CHECKED_THROUGH, for
    a check that needs to read only those: the pipeline sets it to the time of the published version less a day
    (orchestration/assets/dbt.py), and every row written before was in that version, whose run passed the same
    check. A list of texts escaped for a quoted SQL literal; `none` (read everything) when the variable is not set
    (dbt by hand, the first run, a full refresh) or when the rows written since span more than `limit` values. -#}
{% macro recheck_since_published(model, recheck_by, written_at, limit=1000) %}
  {%- if not (execute and recheck_by and written_at) -%}
    {{ return(none) }}
  {%- endif -%}
  {%- set since = env_var('AIMETRICS_CHECKED_THROUGH', '') -%}
  {%- if not since -%}
    {{ return(none) }}
  {%- endif -%}
  {%- set found = run_query(
      "select distinct cast(" ~ recheck_by ~ " as varchar) from " ~ model ~ " where " ~ written_at
      ~ " > cast('" ~ since ~ "' as timestamptz) and " ~ recheck_by ~ " is not null limit " ~ (limit + 1)) -%}
  {%- set values = found.columns[0].values() | list -%}
  {%- if values | length > limit -%}
    {{ return(none) }}
  {%- endif -%}
  {{ return(values | map('replace', "'", "''") | list) }}
{% endmacro %}
