"""The scale-out configuration loads: the Kubernetes and Celery instance files validate against Dagster's schemas
and their classes' own config, and the executor setting refuses workers that would share one DuckDB file."""

import pytest
from dagster._config import process_config, resolve_to_config_type
from dagster._core.instance.config import dagster_instance_config
from dagster._serdes import class_from_code_pointer
from dagster_postgres import PostgresRunStorage

from orchestration.executors import STEP_ENV, selected_executor
from tests.conftest import PROJECT_ROOT

DEPLOY = PROJECT_ROOT / "deploy"
SECRETS_BY_NAME = {
    "DAGSTER_PG_HOST": "db",
    "DAGSTER_PG_USER": "dagster",
    "DAGSTER_PG_PASSWORD": "from-a-secret",
    "DAGSTER_PG_DB": "dagster",
    "DAGSTER_PG_PORT": "5432",
    "DAGSTER_K8S_NAMESPACE": "aimetrics",
}


@pytest.mark.parametrize(
    "filename, launcher", [("dagster-k8s.yaml", "K8sRunLauncher"), ("dagster-celery.yaml", "DefaultRunLauncher")]
)
def test_instance_files_validate(monkeypatch, filename, launcher):
    for name, value in SECRETS_BY_NAME.items():
        monkeypatch.setenv(name, value)
    config, _ = dagster_instance_config(str(DEPLOY), filename)
    for section in ("run_launcher", "run_coordinator"):
        entry = config[section]
        cls = class_from_code_pointer(entry["module"], entry["class"])
        result = process_config(resolve_to_config_type(cls.config_type()), entry.get("config") or {})
        assert result.success, result.errors
    assert config["run_launcher"]["class"] == launcher
    storage = process_config(resolve_to_config_type(PostgresRunStorage.config_type()), config["storage"]["postgres"])
    assert storage.success, storage.errors
    assert storage.value["postgres_db"]["password"] == "from-a-secret"  # read from the environment at load
    assert "from-a-secret" not in (DEPLOY / filename).read_text()
    assert config["concurrency"]["pools"]["default_limit"] > 1  # a shared engine takes concurrent writers


def test_k8s_steps_get_the_warehouse_settings():
    config, _ = dagster_instance_config(str(DEPLOY), "dagster-k8s.yaml")
    assert set(STEP_ENV) <= set(config["run_launcher"]["config"]["env_vars"])


def test_default_executor_is_in_process(monkeypatch):
    monkeypatch.delenv("AIMETRICS_EXECUTOR", raising=False)
    assert selected_executor().name == "in_process"


@pytest.mark.parametrize("name", ["celery", "k8s"])
def test_workers_need_a_shared_warehouse(monkeypatch, name):
    monkeypatch.setenv("AIMETRICS_EXECUTOR", name)
    with pytest.raises(ValueError, match="cannot share one DuckDB file"):
        selected_executor()
    monkeypatch.setenv("AIMETRICS_WAREHOUSE", "ducklake:postgres:dbname=aimetrics host=db")
    assert selected_executor().name == {"celery": "celery_executor", "k8s": "k8s_job_executor"}[name]


def test_unknown_executor_and_warehouse_settings_are_clear_errors(monkeypatch):
    monkeypatch.setenv("AIMETRICS_EXECUTOR", "spark")
    with pytest.raises(ValueError, match="expected in_process, celery or k8s"):
        selected_executor()
    monkeypatch.setenv("AIMETRICS_EXECUTOR", "in_process")
    monkeypatch.setenv("AIMETRICS_WAREHOUSE", "postgres://db")
    from warehouse.db import warehouse_target

    with pytest.raises(ValueError, match="ducklake:<catalog>"):
        warehouse_target()
