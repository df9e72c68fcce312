{#- Rows of a vintage-keyed raw table with their vintage and file, without the other provenance columns. -#}
{% macro with_vintage(relation) -%}
select * exclude (_source, _edition, _source_file, _source_sha256, _ingested_at),
       _edition as vintage,
       _source_file as source_file
from {{ relation }}
{%- endmacro %}

{#- Rows of the newest vintage loaded for a vintage-keyed raw table (older vintages stay in raw for history). -#}
{% macro latest_vintage(relation) -%}
{{ with_vintage(relation) }}
where _edition = (select max(_edition) from {{ relation }})
{%- endmacro %}
