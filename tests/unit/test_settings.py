"""One typed settings object: the configuration page lists exactly its fields, a wrong value stops a command with
the variable's name, and no other module reads the environment."""

import ast
import re
from pathlib import Path

from ingest.settings import PROJECT_ROOT, Settings, env_name, load_settings
from orchestration.cli import main

CONFIGURATION_PAGES = ("docs/configuration.md", "docs/scaling.md")
READS_OUTSIDE_SETTINGS = {
    # the dbt found beside this Python goes first on the PATH the dbt subprocess inherits: a process setting, not ours
    ("orchestration/assets/dbt.py", "PATH"),
}


def _documented_variables() -> set[str]:
    names = set()
    for page in CONFIGURATION_PAGES:
        for line in (PROJECT_ROOT / page).read_text().splitlines():
            if line.startswith("| `"):
                first_column = line.split("|")[1]
                names |= set(re.findall(r"`((?:AIMETRICS_[A-Z0-9_]+)|DAGSTER_HOME)`", first_column))
    return names


def test_the_configuration_pages_list_exactly_the_settings_fields():
    fields = {env_name(field) for field in Settings.model_fields}
    assert _documented_variables() == fields


def test_a_value_of_the_wrong_type_stops_a_command_naming_the_variable(monkeypatch, capsys):
    monkeypatch.setenv("AIMETRICS_KEEP_VERSIONS", "seven")
    monkeypatch.setenv("AIMETRICS_HTTP_RETRIES", "0")
    assert main(["versions"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("not run: AIMETRICS_KEEP_VERSIONS='seven': Input should be a valid integer")
    assert "AIMETRICS_HTTP_RETRIES='0': Input should be greater than or equal to 1" in err


def test_settings_are_read_on_every_call_and_relative_folders_from_the_current_one(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("AIMETRICS_DATA_DIR", "mirror")
    monkeypatch.setenv("AIMETRICS_CACHE_DIR", "")
    settings = load_settings()
    assert settings.mirror_dir == tmp_path / "mirror"
    assert settings.cache_dir == PROJECT_ROOT / "data" / "cache"  # empty is unset
    monkeypatch.setenv("AIMETRICS_SKYPILOT_CLOUDS", " aws, lambda ,")
    assert load_settings().clouds() == ["aws", "lambda"]
    assert load_settings() is load_settings()  # read once while the environment stays as it is
    monkeypatch.setenv("aimetrics_keep_versions", "3")  # a name in any case counts, as pydantic-settings reads it
    assert load_settings().keep_versions == 3
    (tmp_path / "elsewhere").mkdir()
    monkeypatch.chdir(tmp_path / "elsewhere")
    assert load_settings().mirror_dir == tmp_path / "elsewhere" / "mirror"
    monkeypatch.setenv("AIMETRICS_DATA_DIR", "~/mirror")  # `~` follows HOME
    for home in ("one", "two"):
        monkeypatch.setenv("HOME", str(tmp_path / home))
        assert load_settings().mirror_dir == tmp_path / home / "mirror"


def _environment_reads(path: Path) -> list[str]:
    """Names read through os.environ / os.getenv in a module (writes such as os.environ[X] = ... are not reads)."""
    tree = ast.parse(path.read_text())
    written = {id(node.targets[0]) for node in ast.walk(tree) if isinstance(node, ast.Assign)}
    reads = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and ast.unparse(node.func) in ("os.environ.get", "os.getenv"):
            argument = node.args[0]
        elif isinstance(node, ast.Subscript) and ast.unparse(node.value) == "os.environ" and id(node) not in written:
            argument = node.slice
        else:
            continue
        reads.append(ast.literal_eval(argument) if isinstance(argument, ast.Constant) else ast.unparse(argument))
    return reads


def test_no_module_but_the_settings_reads_the_environment():
    found = set()
    for package in ("ingest", "warehouse", "orchestration"):
        for path in (PROJECT_ROOT / package).rglob("*.py"):
            module = path.relative_to(PROJECT_ROOT).as_posix()
            if module != "ingest/settings.py":
                found |= {(module, name) for name in _environment_reads(path)}
    assert found == READS_OUTSIDE_SETTINGS
