{#- How a model name published by an LLM price list is compared across sources: lower case, without the
    provider or route prefix (`openai/`, `bedrock/us.`), a cloud's region and vendor prefixes (`us.anthropic.`),
    a route suffix (`:free`, `:beta`), a cloud's version suffix (`-v1:0`, `@20240229`), spaces as dashes. So
    `bedrock/us.anthropic.claude-3-opus-20240229-v1:0` and `anthropic/claude-3-opus-20240229` share a key. -#}
{% macro llm_model_key(name) -%}
regexp_replace(
    regexp_replace(
        regexp_replace(
            regexp_replace(
                regexp_replace(lower(trim({{ name }})), '^.*/', ''),
                '^(us|eu|apac|au|jp|ca|global|us-gov)\.', ''),
            '^(anthropic|meta|mistral|amazon|cohere|ai21|deepseek|openai|qwen|writer|google|moonshotai|minimax)\.', ''),
        '(:(' || '{{ llm_route_variants() }}' || ')|-v[0-9]+(:[0-9]+)?|@[0-9a-z-]+)$', ''),
    '[ _]+', '-', 'g')
{%- endmacro %}


{#- The route suffixes a price list writes after a model's name for a variant it prices on its own (OpenRouter's
    `:free`, `:extended` context, `:thinking`, `:batch`): the model is the same, the price is the variant's. -#}
{% macro llm_route_variants() -%}
free|beta|extended|nitro|floor|thinking|batch|exacto|online
{%- endmacro %}

{#- The route prefixes a price list writes before a model's name for a mode it prices on its own (LiteLLM's
    `fast/claude-opus-4-6`, Anthropic's fast mode at six times the price): the model is the same, the price is not. -#}
{% macro llm_prefix_variants() -%}
fast
{%- endmacro %}

{#- The variant of a published model name (`extended` for `...:extended`, `fast` for `fast/...`), or null for the
    model as such. -#}
{% macro llm_variant(name) -%}
coalesce(
    nullif(regexp_extract(lower(trim({{ name }})), ':({{ llm_route_variants() }})$', 1), ''),
    nullif(regexp_extract(lower(trim({{ name }})), '(^|/)({{ llm_prefix_variants() }})/', 2), ''))
{%- endmacro %}

{#- The region a published model name routes to where the list writes it into the name rather than a column
    (`us/claude-opus-4-6`, `bedrock/us.anthropic...`, `bedrock/us-east-1/...`, `azure/eu/...`): a region's price
    (often 10% above the global one) is a price of its own, never the same listing as the global name. -#}
{% macro llm_route_region(name) -%}
nullif(regexp_extract(lower(trim({{ name }})),
                      '(^|/)(us|eu|apac|au|jp|ca|global|us-gov|[a-z]{2}(-gov)?-[a-z]+-[0-9])[./]', 2), '')
{%- endmacro %}
