"""The Dagster UI in Debian's headless Chromium: a cost mart's lineage shows its raw and staging ancestors by
name, its checks and its column docs are listed, and the report draws every chart. Starts `dg dev` (as `make ui`
does) on 127.0.0.1 and stops every process it started."""

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import PROJECT_ROOT
from warehouse.report_specs import SPECS

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = PROJECT_ROOT / "test-artifacts"
pytestmark = [
    pytest.mark.ui,
    pytest.mark.skipif(
        not Path(CHROMIUM).exists(), reason="Debian's chromium is not installed (apt-get install chromium)"
    ),
]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _location_loaded(base: str) -> bool:
    query = '{"query": "{ workspaceOrError { ... on Workspace { locationEntries { loadStatus locationOrLoadError { __typename } } } } }"}'
    request = urllib.request.Request(
        f"{base}/graphql", data=query.encode(), headers={"content-type": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            entries = json.load(response)["data"]["workspaceOrError"]["locationEntries"]
    except (OSError, KeyError, TypeError, ValueError):
        return False
    return bool(entries) and all(
        e["loadStatus"] == "LOADED" and e["locationOrLoadError"]["__typename"] == "RepositoryLocation" for e in entries
    )


@pytest.fixture
def dagster_ui(tmp_path, monkeypatch, built_fixture_warehouse):
    """`dg dev` over the fixture warehouse (lineage, checks and column docs come from the definitions)."""
    home = tmp_path / "dagster_home"
    home.mkdir()
    shutil.copy(PROJECT_ROOT / "orchestration" / "dagster.yaml", home / "dagster.yaml")
    monkeypatch.setenv("AIMETRICS_DATA_DIR", str(built_fixture_warehouse.mirror))
    monkeypatch.setenv("AIMETRICS_DUCKDB_PATH", str(built_fixture_warehouse.path))
    port = _free_port()
    env = {
        **os.environ,
        "DAGSTER_HOME": str(home),
        "PATH": f"{Path(sys.prefix) / 'bin'}{os.pathsep}{os.environ.get('PATH', '')}",
    }
    log = (tmp_path / "dagster-dev.log").open("w")
    process = subprocess.Popen(
        [
            "env",
            "--default-signal=INT,TERM",
            str(Path(sys.prefix) / "bin" / "dg"),
            "dev",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
        ],  # what `make ui` runs
        cwd=PROJECT_ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 180
        while not _location_loaded(base):
            assert process.poll() is None, (tmp_path / "dagster-dev.log").read_text()[-3000:]
            assert time.monotonic() < deadline, "dg dev did not load the code location in 180 s"
            time.sleep(2)
        yield base
    finally:
        os.killpg(process.pid, signal.SIGINT)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)
        log.close()


@pytest.mark.xdist_group("fixture_warehouse")
def test_lineage_of_a_cost_mart_and_its_checks(dagster_ui, built_fixture_warehouse):
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"],
        )
        try:
            # the graph draws only the nodes in view: a large window holds the whole upstream of the mart
            page = browser.new_page(viewport={"width": 2400, "height": 2000})
            page.goto(f"{dagster_ui}/assets/marts/gpu_prices?view=lineage&lineageScope=upstream&lineageDepth=12")
            try:
                # (the graph shortens labels longer than a node: these fit whole, raw file to mart)
                for ancestor in (
                    "skypilot_offers",
                    "azure_gpu_prices",
                    "gpu_feed_offers",
                    "int_gpu_offers",
                    "gpu_model_names",
                    "gpu_providers",
                ):
                    page.get_by_text(ancestor, exact=True).first.wait_for(timeout=60_000)
            finally:
                page.screenshot(path=str(ARTIFACTS / "gpu_prices_lineage.png"))

            page.goto(f"{dagster_ui}/assets/marts/gpu_prices?view=checks")
            for check in ("not_null_gpu_prices_gpu_model", "not_null_gpu_prices_provider"):
                page.get_by_text(check, exact=True).first.wait_for(timeout=60_000)
            page.screenshot(path=str(ARTIFACTS / "gpu_prices_checks.png"))

            # an asset's column docs: the dbt description of each column, on the asset's overview
            page.goto(f"{dagster_ui}/assets/marts/gpu_prices")
            page.get_by_text("usd_per_gpu_hour", exact=True).first.wait_for(timeout=60_000)
            page.get_by_text("The provider as the source names it.").first.wait_for(timeout=60_000)
            page.screenshot(path=str(ARTIFACTS / "gpu_prices_columns.png"), full_page=True)

            # the report the build wrote: every chart drawn by plotly from the inline script, offline
            report = built_fixture_warehouse.report
            page.goto(report.as_uri())
            page.wait_for_function(
                f"document.querySelectorAll('.plotly-graph-div .main-svg').length >= {len(SPECS)}", timeout=60_000
            )
            page.screenshot(path=str(ARTIFACTS / "report.png"), full_page=True)
            headlines = page.locator(".headline").all_inner_texts()  # a sentence with its number above each chart
            assert len(headlines) == len(SPECS) and all(any(ch.isdigit() for ch in text) for text in headlines), (
                headlines
            )
        finally:
            browser.close()
    assert (ARTIFACTS / "gpu_prices_lineage.png").stat().st_size > 10_000
    assert (ARTIFACTS / "gpu_prices_columns.png").stat().st_size > 10_000
    assert (ARTIFACTS / "report.png").stat().st_size > 100_000
