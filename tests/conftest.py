"""Every test runs against its own temporary warehouse, inbox and cache, and never touches the network."""

from __future__ import annotations

import os
from pathlib import Path

import httpx
import pytest

_REAL_CLIENT = httpx.Client


def _no_network(request: httpx.Request) -> httpx.Response:
    raise httpx.ConnectError(f"tests never use the network: name or service not known ({request.url.host})",
                             request=request)

PROJECT_ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
FIXTURE_MIRROR = FIXTURES / "mirror"
# The real data: the source-root setting if given, else ../shared/data beside the project.
SHARED_DATA = Path(os.environ.get("AIMETRICS_DATA_DIR") or PROJECT_ROOT.parent / "shared" / "data").resolve()


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
    monkeypatch.setattr(httpx, "Client", lambda *args, **kwargs: _REAL_CLIENT(*args, **{"transport": httpx.MockTransport(_no_network), **kwargs}))
    return tmp_path


@pytest.fixture
def warehouse_file(tmp_path) -> Path:
    return tmp_path / "warehouse.duckdb"


@pytest.fixture
def shared_data() -> Path:
    if not (SHARED_DATA / "ai_index_2025").is_dir():
        pytest.skip(f"real data not found at {SHARED_DATA}: set AIMETRICS_DATA_DIR to a folder laid out like shared/data")
    return SHARED_DATA
