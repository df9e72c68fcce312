-- Company names a person should look at, never merged here: two companies whose keys look alike (Jaro-Winkler
-- similarity of 0.9 or more, or one key the start of the other, compared only among keys sharing their first three
-- letters, a blocking rule that keeps the comparison small), and two spellings the generic-last-word rule did merge
-- (`Mistral AI` and `Mistral`). A row of the company_aliases seed settles either: `same` merges, `different` splits.
with resolved as (
    select * from {{ ref('int_company__resolved') }}
),

groups as (
    select
        company_id,
        min(company) as company,
        group_key,
        string_agg(distinct name, '; ' order by name) as names,
        string_agg(distinct source, '; ' order by source) as sources
    from resolved
    group by company_id, group_key
),

look_alike as (
    select
        'not merged: names alike' as decision,
        a.company_id as company_id_a, a.company as company_a, a.names as names_a, a.sources as sources_a,
        b.company_id as company_id_b, b.company as company_b, b.names as names_b, b.sources as sources_b,
        round(jaro_winkler_similarity(a.group_key, b.group_key), 3) as similarity,
        case when starts_with(b.group_key, a.group_key) or starts_with(a.group_key, b.group_key)
                 then 'one name is the start of the other'
             else 'similar names (Jaro-Winkler similarity of the keys)' end as reason
    from groups as a
    inner join groups as b on left(a.group_key, 3) = left(b.group_key, 3) and a.group_key < b.group_key
    where jaro_winkler_similarity(a.group_key, b.group_key) >= 0.9
       or (least(length(a.group_key), length(b.group_key)) >= 5
           and (starts_with(b.group_key, a.group_key) or starts_with(a.group_key, b.group_key)))
),

merged_by_rule as (
    select
        'merged: without a generic last word' as decision,
        a.company_id as company_id_a, a.company as company_a, a.name as names_a, a.source as sources_a,
        b.company_id as company_id_b, b.company as company_b, b.name as names_b, b.source as sources_b,
        round(jaro_winkler_similarity(a.name_key, b.name_key), 3) as similarity,
        'same name without a generic last word (AI, Labs)' as reason
    from resolved as a
    inner join resolved as b
        on a.company_id = b.company_id and a.name_key < b.name_key and a.match_rule not like 'alias seed%'
       and b.match_rule not like 'alias seed%'
),

listed as (
    select * from look_alike
    union all
    select distinct * from merged_by_rule
)

select
    *,
    'add `<name>,<company>,same,<source>` (or `different`) to dbt_project/seeds/company_aliases.csv' as remedy
from listed
