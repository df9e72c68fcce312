"""Reading the warehouse a test built: the same few helpers for every integration test."""

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import dagster as dg
import duckdb

from orchestration.run import materialize_everything
from warehouse.db import build_path, connect_read

MARTS = (
    "ai_investment",
    "gpu_prices",
    "gpu_price_index",
    "gpu_hardware",
    "funding_rounds",
    "funding_by_year",
    "training_costs",
    "training_emissions",
    "inference_prices",
    "frontier_runs",
    "funding_round_sources",
    "llm_api_prices",
    "newly_funded_companies",
    "serving_cost_estimates",
    "trend_rates",
)


MARTS_IN_WAREHOUSE = (
    "select table_name from information_schema.tables where table_schema = 'marts' "
    "and table_name not like '%__dbt_%' order by table_name"
)


def run_everything(job: str = "materialize_everything"):
    summary = materialize_everything(job, instance=dg.DagsterInstance.ephemeral(), log_level="WARNING")
    assert summary.success, summary.failed_steps
    assert summary.checks_failed == []
    return summary


def rows(sql: str, params=None) -> list[tuple]:
    with connect_read() as conn:
        return conn.execute(sql, params or []).fetchall()


def scalar(sql: str, params=None):
    with connect_read() as conn:
        return conn.execute(sql, params or []).fetchone()[0]


def krw_per_usd(day: str) -> float:
    return scalar(
        "select k.units_per_eur / u.units_per_eur from raw.fx_rates k join raw.fx_rates u using (rate_date) "
        "where k.currency = 'KRW' and u.currency = 'USD' and rate_date = ?",
        [day],
    )


def fingerprints() -> dict[str, tuple[int, str]]:
    """Row count and a content checksum per mart, every table and view of the schema (row order ignored; when it was
    built left out)."""
    prints = {}
    with connect_read() as conn:
        marts = [name for (name,) in conn.execute(MARTS_IN_WAREHOUSE).fetchall()]
        for mart in marts:
            built = [
                name
                for (name,) in conn.execute(
                    "select column_name from information_schema.columns where table_schema = 'marts' and table_name = ? "
                    "and column_name like '%built_at'",
                    [mart],
                ).fetchall()
            ]
            columns = f"* exclude ({', '.join(built)})" if built else "*"
            found = sorted(map(repr, conn.execute(f"select {columns} from marts.{mart}").fetchall()))
            prints[mart] = (len(found), hashlib.sha256("\n".join(found).encode()).hexdigest())
    return prints


INCREMENTAL_MODELS = (
    "int_gpu_offers",
    "int_gpu_prices__references",
    "int_gpu_prices__monthly",
    "int_gpu_prices__anomalies",
    "int_gpu_prices__daily",
    "int_gpu_prices__changes",
    "int_gpu_prices__yearly",
)
DBT_PROJECT = Path(__file__).resolve().parents[2] / "dbt_project"


def dbt(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """The dbt beside this Python on the project and its profiles, `env` over this process's environment."""
    return subprocess.run(
        [
            str(Path(sys.executable).parent / "dbt"),
            *args,
            "--profiles-dir",
            str(DBT_PROJECT),
            "--project-dir",
            str(DBT_PROJECT),
        ],
        env={**os.environ, "DO_NOT_TRACK": "1", **(env or {})},
        capture_output=True,
        text=True,
        timeout=600,
    )


def _incremental_rows() -> dict[str, list[str]]:
    """Each incremental model's rows in the build, sorted, without when and with which seeds they were built (a
    row a seed change did not affect keeps the seeds of its build)."""
    conn = duckdb.connect(str(build_path()), read_only=True)
    try:
        return {
            model: sorted(
                map(
                    repr,
                    conn.execute(
                        f"select columns(lambda c: c not like '%built_at' and c <> 'built_with_seeds') from intermediate.{model}"
                    ).fetchall(),
                )
            )
            for model in INCREMENTAL_MODELS
        }
    finally:
        conn.close()


def incremental_models_differ_from_a_rebuild() -> dict[str, tuple[int, int]]:
    """Rebuild the incremental models from scratch (dbt --full-refresh, into the build) and return, per model whose
    rows changed, its row counts before and after: empty when what the runs built day by day is what one build of
    all the input gives."""
    before = _incremental_rows()
    rebuilt = dbt("--quiet", "run", "--full-refresh", "--select", *INCREMENTAL_MODELS)
    assert rebuilt.returncode == 0, rebuilt.stdout[-3000:]
    after = _incremental_rows()
    return {
        model: (len(before[model]), len(after[model])) for model in INCREMENTAL_MODELS if before[model] != after[model]
    }
