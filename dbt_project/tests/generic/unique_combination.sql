{#- No two rows share the values of `columns`. With `recheck_by` (a column every duplicate of a row shares with it:
    a key column such as the file a row came from, or one the key is a hash of) and `written_at` (when a row was
    written), a pipeline run reads only the rows of the `recheck_by` values written since the published version
    (macro recheck_since_published): a duplicate of a newer row is among them, and the older rows passed this check
    in the run that published them. -#}
{% test unique_combination(model, columns, recheck_by=none, written_at=none) %}
{%- set recheck = recheck_since_published(model, recheck_by, written_at) %}
select {{ columns | join(', ') }}, count(*) as occurrences
from {{ model }}
{%- if recheck is not none %}
where {% if recheck %}cast({{ recheck_by }} as varchar) in ({% for value in recheck %}'{{ value }}'{{ ", " if not loop.last }}{% endfor %}){% else %}false{% endif %}
{%- endif %}
group by {{ columns | join(', ') }}
having count(*) > 1
{% endtest %}
