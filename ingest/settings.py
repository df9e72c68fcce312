"""Every setting of aimetrics, typed, in one object: the only place that reads the environment. Each call of
`load_settings()` sees the environment as it is at that moment (a test or a long-lived process sees a change), and
a wrong value (a count that is not a number) is an error naming the variable. docs/configuration.md lists exactly
these fields (a test holds it)."""

from __future__ import annotations

import functools
import os
from datetime import date
from pathlib import Path

from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent

SKYPILOT_CLOUDS = (
    "aws,azure,gcp,lambda,runpod,vast,nebius,cudo,fluidstack,paperspace,hyperbolic,shadeform,primeintellect"
)
AZURE_VM_PRICES = "serviceName eq 'Virtual Machines' and priceType eq 'Consumption' and currencyCode eq 'USD'"


class Settings(BaseSettings):
    """AIMETRICS_<FIELD> for every field (DAGSTER_HOME as itself). Empty values count as unset."""

    model_config = SettingsConfigDict(env_prefix="AIMETRICS_", env_ignore_empty=True, extra="ignore", frozen=True)

    # where things are
    duckdb_path: Path = Field(PROJECT_ROOT / "data" / "warehouse.duckdb")
    keep_versions: int = Field(7, ge=1)
    data_dir: Path | None = None
    inbox_dir: Path = PROJECT_ROOT / "data" / "inbox"
    cache_dir: Path = PROJECT_ROOT / "data" / "cache"
    report_path: Path = PROJECT_ROOT / "reports" / "aimetrics.html"
    dagster_home: Path | None = Field(None, validation_alias="DAGSTER_HOME")
    # fetching
    http_timeout_s: float = Field(30.0, gt=0)
    http_retries: int = Field(4, ge=1)
    skypilot_version: str = "v7"
    skypilot_clouds: str = SKYPILOT_CLOUDS
    azure_filter: str = AZURE_VM_PRICES
    fx_url: str | None = None
    # what users add
    funding_layouts_dir: Path | None = None
    gpu_feeds_dir: Path | None = None
    tracker_first_day: date = date(2026, 2, 11)
    accept_smaller: str = ""
    # a shared warehouse and workers
    warehouse: str = "duckdb"
    ducklake_data_path: str | None = None
    duckdb_extension_dir: str | None = None
    s3_endpoint: str | None = None
    executor: str = "in_process"
    celery_broker: str | None = None
    celery_backend: str | None = None
    celery_visibility_timeout_s: int = Field(900, ge=1)
    dbt_threads: int | None = Field(None, ge=1)
    # dbt runs inside the step's process (dbt's programmatic API); false: a `dbt` subprocess, as dagster-dbt does
    dbt_in_process: bool = True
    # checks of a daily run read the rows written since the published version, less this margin
    recheck_margin_s: float = Field(86400.0, ge=0)
    # waiting for others
    run_wait_s: float = Field(600.0, ge=0)
    warehouse_wait_s: float = Field(30.0, ge=0)

    @field_validator(
        "duckdb_path", "data_dir", "inbox_dir", "cache_dir", "report_path", "dagster_home", "funding_layouts_dir",
        "gpu_feeds_dir", mode="after",
    )  # fmt: skip
    @classmethod
    def _from_the_current_folder(cls, path: Path | None) -> Path | None:
        if path is None:
            return None
        path = path.expanduser()
        return path if path.is_absolute() else (Path.cwd() / path).resolve()

    @property
    def mirror_dir(self) -> Path | None:
        """AIMETRICS_DATA_DIR: a local folder laid out like shared/data; when set, every source reads it."""
        return self.data_dir

    def clouds(self) -> list[str]:
        return [cloud.strip() for cloud in self.skypilot_clouds.split(",") if cloud.strip()]

    def accepts_smaller(self, source: str) -> bool:
        allowed = {name.strip() for name in self.accept_smaller.split(",") if name.strip()}
        return "all" in allowed or source in allowed


FOLDER_FIELDS = ("data_dir", "funding_layouts_dir", "gpu_feeds_dir")
"""Folders a user names: one that does not exist is an error before a run (ingest/preflight.py)."""


def load_settings() -> Settings:
    return _settings_of(_environment())


def _environment() -> tuple:
    """What the settings are read from: their variables (pydantic-settings matches the names in any case), HOME
    (`~` in a folder) and the folder relative paths are resolved from."""
    return os.getcwd(), tuple(
        sorted(
            (name, value)
            for name, value in os.environ.items()
            if name.upper().startswith("AIMETRICS_") or name.upper() in ("DAGSTER_HOME", "HOME")
        )
    )


@functools.lru_cache(maxsize=16)
def _settings_of(environment: tuple) -> Settings:
    """Settings are read again only when their environment changed: a run asks for them about 85 times, 3 ms a
    read (2026-12-07). A Settings is frozen, so the one object can be shared; a wrong value is never cached."""
    return Settings()


def settings_problems() -> list[str]:
    """What is wrong with the environment's settings, one line per variable (empty when they are all valid)."""
    try:
        load_settings()
    except ValidationError as error:
        return [f"{_variable(problem['loc'])}={problem.get('input')!r}: {problem['msg']}" for problem in error.errors()]
    return []


def _variable(location: tuple) -> str:
    field = str(location[0]) if location else ""
    return env_name(field) if field in Settings.model_fields else field


def env_name(field: str) -> str:
    """The environment variable behind a field."""
    alias = Settings.model_fields[field].validation_alias
    return alias if isinstance(alias, str) else f"AIMETRICS_{field.upper()}"


def secret(name: str) -> str | None:
    """A value a feed file names as `${NAME}` (an API key): read from the environment, never from a file."""
    return os.environ.get(name)
