{#- A geography as the AI Index names it, with a workbook's `Grand Total` row read as the world and a blank or
    `None listed` location as a country the source does not name. -#}
{% macro ai_index_geography(column) -%}
case when lower(trim({{ column }})) = 'grand total' then 'World'
     when lower(trim({{ column }})) = 'none listed' then 'Not listed'
     else coalesce(nullif(trim({{ column }}), ''), 'Not listed') end
{%- endmacro %}
