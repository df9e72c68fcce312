"""The match keys of every company name. `name_key`: cleanco drops the legal form (`Inc.`, `L.L.C.`, `LP`, `GmbH`,
`AG`), then case, punctuation and spaces go, so `Openai, Inc.`, `OpenAI LP` and `Open AI` share `openai`.
`suffix_free_key`: the same without its generic last words (`AI`, `Labs`, `Lab`) while four or more letters remain,
so `Mistral AI` meets `Mistral` and `Example Lab AI` meets `Example Lab`, while `x.ai` stays `xai`. The clustering
rules are SQL (int_company__resolved)."""

import re

import pyarrow as pa
from cleanco import basename

GENERIC_LAST_WORDS = frozenset({"ai", "labs", "lab"})
LEGAL_FORMS_CLEANCO_LACKS = frozenset({"pbc"})  # a US public benefit corporation (`Anthropic PBC`)
SHORTEST_SUFFIX_FREE_KEY = 4


def words(name: str) -> list[str]:
    """The name's words in lower case, its legal form dropped (the name itself where it is nothing but one)."""
    cleaned = basename(name.strip()) or name.strip()
    found = re.findall(r"[^\W_]+", cleaned.lower())
    return found[:-1] if len(found) > 1 and found[-1] in LEGAL_FORMS_CLEANCO_LACKS else found


def name_key(name: str) -> str:
    return "".join(words(name)) or name.strip().lower()


def suffix_free_key(name: str) -> str:
    """The key without its generic last words (`Example Lab AI` -> `example`), while four letters remain."""
    parts = words(name)
    while len(parts) > 1 and parts[-1] in GENERIC_LAST_WORDS and len("".join(parts[:-1])) >= SHORTEST_SUFFIX_FREE_KEY:
        parts = parts[:-1]
    return "".join(parts) or name_key(name)


def model(dbt, session):
    dbt.config(materialized="table")
    published = dbt.ref("int_company__names")
    names = sorted({row[0] for row in published.fetchall()})
    # typed, so an empty warehouse still gets text columns (an empty list has no type of its own)
    return pa.table(
        {
            "name": names,
            "name_key": [name_key(name) for name in names],
            "suffix_free_key": [suffix_free_key(name) for name in names],
        },
        schema=pa.schema([("name", pa.string()), ("name_key", pa.string()), ("suffix_free_key", pa.string())]),
    )
