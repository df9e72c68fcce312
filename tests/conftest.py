"""Every test runs against its own temporary warehouse, inbox and cache, and never touches the network."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

_REAL_CLIENT = httpx.Client


def _no_network(request: httpx.Request) -> httpx.Response:
    raise httpx.ConnectError(
        f"tests never use the network: name or service not known ({request.url.host})", request=request
    )


PROJECT_ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
FIXTURE_MIRROR = FIXTURES / "mirror"
# The real data: the source-root setting if given, else ../shared/data beside the project.
SHARED_DATA = Path(os.environ.get("AIMETRICS_DATA_DIR") or PROJECT_ROOT.parent / "shared" / "data").resolve()


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Under `--dist loadgroup` every test of an `xdist_group` must carry the group in its node id, which is how
    pytest-xdist keeps a group on one process; where it does not (pytest-xdist#1386), each group's build would run
    once per process, so the run stops here instead of silently doubling."""
    if not getattr(config.option, "loadgroup", False):  # set on xdist workers under --dist loadgroup
        return
    lost = [item.nodeid for item in items if item.get_closest_marker("xdist_group") and "@" not in item.nodeid]
    if lost:
        raise pytest.UsageError(
            f"--dist loadgroup lost the xdist_group of {len(lost)} tests (e.g. {lost[0]}): "
            "this pytest and pytest-xdist do not group; see pyproject.toml"
        )


@pytest.fixture(autouse=True)
def isolated_environment(monkeypatch, tmp_path):
    for name in list(os.environ):
        if name.startswith("AIMETRICS_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("AIMETRICS_DUCKDB_PATH", str(tmp_path / "warehouse.duckdb"))
    monkeypatch.setenv("AIMETRICS_INBOX_DIR", str(tmp_path / "inbox"))
    monkeypatch.setenv("AIMETRICS_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("AIMETRICS_REPORT_PATH", str(tmp_path / "report.html"))
    monkeypatch.setenv("AIMETRICS_HTTP_RETRIES", "2")
    monkeypatch.setenv("DO_NOT_TRACK", "1")
    # a test that needs responses passes its own transport (httpx.MockTransport); every other request fails at once
    monkeypatch.setattr(
        httpx,
        "Client",
        lambda *args, **kwargs: _REAL_CLIENT(*args, **{"transport": httpx.MockTransport(_no_network), **kwargs}),
    )
    return tmp_path


@pytest.fixture
def warehouse_file(tmp_path) -> Path:
    return tmp_path / "warehouse.duckdb"


@pytest.fixture
def shared_data() -> Path:
    if not (SHARED_DATA / "ai_index_2025").is_dir():
        pytest.skip(
            f"real data not found at {SHARED_DATA}: set AIMETRICS_DATA_DIR to a folder laid out like shared/data"
        )
    return SHARED_DATA


def write_fixture_mirror(target: Path) -> Path:
    """The hand-written fixture mirror plus the generated AI Index 2021 and 2022 workbooks."""
    import shutil

    from tests.fixtures.workbook import write_ai_index_2021_workbook, write_ai_index_2022_workbook

    shutil.copytree(FIXTURE_MIRROR, target)
    write_ai_index_2022_workbook(target / "ai_index_2022" / "Corporate_Private_investment.xlsx")
    write_ai_index_2021_workbook(target / "ai_index_2021" / "NetBase Quid - 2021 AI Index Report.xlsx")
    return target


@dataclass
class BuiltWarehouse:
    path: Path
    mirror: Path
    report: Path
    summary: object

    def copy_to(self, folder: Path) -> Path:
        """A private copy of the published version to write into (the shared one is read by other tests); the
        first run in it starts its build from that copy."""
        import shutil

        folder.mkdir(parents=True, exist_ok=True)
        return Path(shutil.copyfile(self.path, folder / self.path.name))


@pytest.fixture(scope="session")
def built_fixture_warehouse(tmp_path_factory) -> BuiltWarehouse:
    """The fixture mirror materialized once per test process (every raw asset, check and dbt model, and the
    report), for the tests that read the result or start from it. Tests using it share an xdist group, so one
    process builds it."""
    import dagster as dg

    from orchestration.run import materialize_everything

    root = tmp_path_factory.mktemp("fixture_warehouse")
    mirror = write_fixture_mirror(root / "mirror")
    with pytest.MonkeyPatch.context() as patch:
        for name in list(os.environ):
            if name.startswith("AIMETRICS_"):
                patch.delenv(name)
        for name, value in {
            "AIMETRICS_DUCKDB_PATH": root / "warehouse.duckdb",
            "AIMETRICS_DATA_DIR": mirror,
            "AIMETRICS_INBOX_DIR": root / "inbox",
            "AIMETRICS_CACHE_DIR": root / "cache",
            "AIMETRICS_REPORT_PATH": root / "report.html",
            "AIMETRICS_HTTP_RETRIES": 2,
        }.items():
            patch.setenv(name, str(value))
        patch.setattr(
            httpx,
            "Client",
            lambda *args, **kwargs: _REAL_CLIENT(*args, **{"transport": httpx.MockTransport(_no_network), **kwargs}),
        )
        summary = materialize_everything(instance=dg.DagsterInstance.ephemeral(), log_level="WARNING")
    assert summary.success and not summary.checks_failed, summary.failed_steps
    return BuiltWarehouse(root / "warehouse.duckdb", mirror, root / "report.html", summary)


@pytest.fixture
def reading_the_fixture_build(monkeypatch, built_fixture_warehouse) -> BuiltWarehouse:
    """Point the test at the shared fixture build, to read (a test that writes copies it first)."""
    monkeypatch.setenv("AIMETRICS_DUCKDB_PATH", str(built_fixture_warehouse.path))
    monkeypatch.setenv("AIMETRICS_DATA_DIR", str(built_fixture_warehouse.mirror))
    return built_fixture_warehouse
