{# Rows where the expression is false are failures; nulls pass (test them with not_null). #}
{% test expression_is_true(model, expression, column_name=none) %}
select * from {{ model }} where not ({{ expression }})
{% endtest %}
