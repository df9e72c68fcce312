{#- A GPU provider as the feeds compare it: lower case, letters and digits only (`Lambda`, `lambda` and
    `FluidStack` / `fluidstack` are one provider each); the gpu_providers seed joins the other spellings. -#}
{% macro gpu_provider_key(name) -%}
lower(regexp_replace(coalesce({{ name }}, ''), '[^A-Za-z0-9]', '', 'g'))
{%- endmacro %}
