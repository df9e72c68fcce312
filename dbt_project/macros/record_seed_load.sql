{#- Which file each seed's table was loaded from (dbt's checksum of it), recorded in the load's own transaction: a
    daily run leaves a seed alone while its file is the one recorded (orchestration/dbt_reuse.py, unchanged_seeds).
    The table is made at the start of every dbt run that can load seeds (on-run-start), never in the read-only
    published target. -#}
{% macro seed_loads() %}{{ adapter.quote(target.database) }}.reference.seed_loads{% endmacro %}

{% macro create_seed_loads() %}
    {%- if target.name != 'published' -%}
        create schema if not exists {{ adapter.quote(target.database) }}.reference;
        create table if not exists {{ seed_loads() }} (seed varchar, sha256 varchar, loaded_at timestamp)
    {%- endif -%}
{% endmacro %}

{% macro record_seed_load() %}
    insert into {{ seed_loads() }}
    values ('{{ this.schema }}.{{ this.identifier }}', '{{ model.checksum.checksum }}', current_timestamp)
{% endmacro %}
