{#- How a GPU name published by a source is compared with the names the warehouse knows. A name is reduced to a
    key (case, separators and vendor words dropped, `SXM5` read as `SXM`), and, where the full key is not known,
    to the key without its memory size, without its form factor, then without both: so `NVIDIA H100 SXM5 94GB`
    finds `H100 SXM`, `A100-SXM4-80GB` finds `A100 80GB`, `H200 NVL` finds `H200`, and a name of no known family
    (`GPU+`) stays unmapped. -#}

{#- A memory size written apart from the model number (`H100 80GB`, `H100_80GB`) keeps a `~` before it in the key,
    so dropping it never eats the model number's digits (`h100~80gb`, not `h10080gb`). -#}
{% macro gpu_name_key(name) -%}
regexp_replace(
    regexp_replace(
        regexp_replace(
            regexp_replace(replace(lower(coalesce({{ name }}, '')), '_', ' '),
                           '\b(nvidia|amd|tesla|geforce|instinct|radeon)\b', ' ', 'g'),
            'sxm[0-9]', 'sxm', 'g'),
        '(^|[^a-z0-9.])([0-9]+) ?(gb|gib|g)\b', '\1~\2\3', 'g'),
    '[^a-z0-9+~]+', '', 'g')
{%- endmacro %}

{% macro gpu_key_without_memory(key) -%}
regexp_replace({{ key }}, '(~[0-9]+(gb|gib|g)|hbm[0-9]*e?)', '', 'g')
{%- endmacro %}

{% macro gpu_key_without_form_factor(key) -%}
regexp_replace({{ key }}, '(sxm|pcie|hgx|nvl|nvlink|mxm)', '', 'g')
{%- endmacro %}
