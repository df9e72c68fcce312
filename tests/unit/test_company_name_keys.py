"""The match keys of company names (the dbt Python model int_company__name_keys, loaded as a module): cleanco drops
the legal form, case, punctuation and spaces go; the generic last word goes only where four letters remain."""

import importlib.util

import pytest

from tests.conftest import PROJECT_ROOT

MODEL = PROJECT_ROOT / "dbt_project" / "models" / "intermediate" / "companies" / "int_company__name_keys.py"


@pytest.fixture(scope="module")
def keys():
    spec = importlib.util.spec_from_file_location("int_company__name_keys", MODEL)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("name", ["OpenAI", "Openai, Inc.", "OpenAI LP", "Open AI", "OpenAI, L.L.C.", "  openai  "])
def test_one_company_spelled_many_ways_has_one_key(keys, name):
    assert keys.name_key(name) == "openai"


@pytest.mark.parametrize(
    ("name", "key", "suffix_free"),
    [
        ("x.ai, inc.", "xai", "xai"),  # `x` alone is too short to stand for a company
        ("XAIN AG", "xain", "xain"),  # a look-alike keeps its own key
        ("Mistral AI", "mistralai", "mistral"),
        ("Mistral AI SAS", "mistralai", "mistral"),
        ("Lambda Labs", "lambdalabs", "lambda"),
        ("Example Lab AI", "examplelabai", "example"),  # every generic last word, while four letters remain
        ("AI21 Labs", "ai21labs", "ai21"),
        ("Anthropic PBC", "anthropic", "anthropic"),  # a legal form cleanco lacks
        ("Inc.", "inc", "inc"),  # nothing but a legal form: the name itself
        ("심층학습 주식회사", "심층학습주식회사", "심층학습주식회사"),  # letters of every script count
    ],
)
def test_keys_of_legal_forms_suffixes_and_look_alikes(keys, name, key, suffix_free):
    assert (keys.name_key(name), keys.suffix_free_key(name)) == (key, suffix_free)


def test_no_names_still_give_text_columns(keys):
    """A warehouse with no company names yet (an empty build): the table still has text columns, so the SQL over it
    (and dbt's unit tests, which cast their fixtures to its types) work."""

    class NoNames:
        def fetchall(self):
            return []

    class Dbt:
        def config(self, **_):
            pass

        def ref(self, _):
            return NoNames()

    table = keys.model(Dbt(), session=None)
    assert table.num_rows == 0 and [str(field.type) for field in table.schema] == ["string", "string", "string"]
