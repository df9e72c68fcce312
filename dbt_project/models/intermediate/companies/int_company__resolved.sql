-- One company per group of names, by stated rules, in order: a row of the company_aliases seed (a former name, a
-- lab and its parent, with its source; or `different`, which keeps a name apart); the same name once legal form,
-- case and punctuation are dropped (cleanco); the same name without a generic last word (`AI`, `Labs`). Nothing
-- else merges: names that only look alike are listed in marts.company_matches_to_review. `company_id` is a hash of
-- the group's key, stable across runs.
with names as (
    select names.name, names.source, names.records, keys.name_key, keys.suffix_free_key
    from {{ ref('int_company__names') }} as names
    inner join {{ ref('int_company__name_keys') }} as keys using (name)
),

aliases as (
    select aliases.name, aliases.company, aliases.relation, aliases.source as alias_source,
           coalesce(canonical.suffix_free_key,
                    regexp_replace(lower(aliases.company), '[^\p{L}\p{N}]+', '', 'g')) as company_key
    from {{ ref('company_aliases') }} as aliases
    left join {{ ref('int_company__name_keys') }} as canonical on canonical.name = aliases.company
),

grouped as (
    select
        names.*,
        case when aliases.relation = 'same' then aliases.company_key
             when aliases.relation = 'different' then names.name_key
             else names.suffix_free_key end as group_key,
        case when aliases.relation = 'same' then 'alias seed: ' || aliases.alias_source
             when aliases.relation = 'different' then 'kept apart by the alias seed: ' || aliases.alias_source
        end as seeded_rule,
        case when aliases.relation = 'same' then aliases.company end as alias_company
    from names
    left join aliases on aliases.name = names.name
),

named as (
    select
        *,
        -- the group's name: the alias seed's (the first, where two rows name it), else Epoch AI's spelling, else the
        -- one with the most records
        coalesce(
            min(alias_company) over (partition by group_key),
            first_value(name) over (
                partition by group_key
                order by source like '%epoch%' desc, records desc, length(name) asc, name asc
                rows between unbounded preceding and unbounded following
            )
        ) as company
    from grouped
)

select
    'c' || left(md5(group_key), 12) as company_id,
    company,
    name,
    source,
    records,
    name_key,
    group_key,
    -- the rule that joins this spelling to the company's own: the seed's, else whether their keys differ only by a
    -- generic last word
    case when seeded_rule is not null and name <> company then seeded_rule
         when name = company then 'the company''s own spelling'
         when name_key = company_name_key then 'same name without legal form, case and punctuation (cleanco)'
         else 'same name without a generic last word (AI, Labs)' end as match_rule
from (
    select *, first_value(name_key) over (partition by group_key order by name = company desc, name asc)
        as company_name_key
    from named
) as with_company_key
