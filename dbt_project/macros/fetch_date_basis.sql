{#- The date basis of a delivery dated by when it was got: a fetch (its source file is the URL) is observed on
    the day fetched; a mirror's copy is dated by its file's modification day, which is when it was copied, not
    when its prices were seen (so it stays out of "latest" answers). -#}
{% macro fetch_date_basis(source_file) -%}
case when {{ source_file }} like 'http%' then 'retrieval date' else 'file modification date' end
{%- endmacro %}
