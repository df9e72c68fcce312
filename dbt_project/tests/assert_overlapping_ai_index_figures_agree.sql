-- Source invariant: where two figures of one edition publish the same number (e.g. the yearly world private
-- investment of fig_4.3.2 and the private-investment rows of fig_4.3.1), they agree within 0.5 %.
with numbers as (
    select * from {{ ref('int_ai_index__investment') }}
)

select a.edition, a.year, a.geography, a.category,
       a.figure_id as figure_a, a.usd_billions as value_a,
       b.figure_id as figure_b, b.usd_billions as value_b
from numbers as a
inner join numbers as b
    on a.edition = b.edition and a.year = b.year and a.geography = b.geography and a.category = b.category
    and a.measure = b.measure and a.figure_id < b.figure_id
where abs(a.usd_billions - b.usd_billions) > 0.005 * greatest(abs(a.usd_billions), abs(b.usd_billions), 0.01)
