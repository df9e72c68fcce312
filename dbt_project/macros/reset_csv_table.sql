{#- A seed is replaced inside its own transaction. dbt's default drops the old table first, outside any
    transaction (DuckDB autocommits it), so a load that then fails (a bad row, a full disk) left no table at all
    and every view on it broken until a later run. Here the table is re-created with CREATE OR REPLACE in the
    transaction the rows are loaded in: a failed load rolls back to the old table. -#}
{% macro duckdb__reset_csv_table(model, full_refresh, old_relation, agate_table) %}
    {% if not full_refresh %}
        {{ return(default__reset_csv_table(model, full_refresh, old_relation, agate_table)) }}
    {% endif %}
    {%- set column_override = model['config'].get('column_types', {}) -%}
    {%- set quote_seed_column = model['config'].get('quote_columns', None) -%}
    {% set sql %}
        create or replace table {{ this.render() }} (
            {%- for col_name in agate_table.column_names -%}
                {%- set type = column_override.get(col_name, adapter.convert_type(agate_table, loop.index0)) -%}
                {{ adapter.quote_seed_column(col_name | string, quote_seed_column) }} {{ type }}
                {%- if not loop.last -%}, {%- endif -%}
            {%- endfor -%}
        )
    {% endset %}
    {% call statement('_') -%}
        {{ sql }}
    {%- endcall %}
    {{ return(sql) }}
{% endmacro %}
