"""Runs that the tests and the benchmarks start in other processes keep to their own folder: they never read the
project's inbox (data/inbox) or write its report (reports/aimetrics.html), which are the user's."""

import pytest

from benchmarks.run import run_environment
from ingest.settings import load_settings
from tests.deployment import Deployment
from tests.integration.test_ducklake import _lake_env

ENVIRONMENTS = {
    "bench run": lambda folder: run_environment(folder / "run", data=folder / "mirror"),
    "deployment": lambda folder: Deployment(folder / "deployment", folder / "mirror").env(),
    "ducklake": lambda folder: _lake_env(folder, folder / "mirror"),
}


@pytest.mark.parametrize("name", ENVIRONMENTS)
def test_a_run_started_elsewhere_keeps_to_its_folder(monkeypatch, tmp_path, name):
    environment = ENVIRONMENTS[name](tmp_path)
    monkeypatch.delenv("AIMETRICS_INBOX_DIR")  # the suite's own isolation, which the started run does not inherit
    monkeypatch.delenv("AIMETRICS_REPORT_PATH")
    for variable, value in environment.items():
        if variable.startswith("AIMETRICS_"):
            monkeypatch.setenv(variable, value)
    settings = load_settings()
    for path in (settings.inbox_dir, settings.report_path, settings.cache_dir):
        assert tmp_path in path.parents, f"{name}: {path} is outside the run's folder"
