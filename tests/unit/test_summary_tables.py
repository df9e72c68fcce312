"""The run summary's table counts: dbt's temporary tables (another run's build in flight on a shared engine) are
not the warehouse's, and every table listed is counted."""

import duckdb

from orchestration.run import table_counts


def test_the_summary_counts_every_table_but_dbts_temporary_ones(tmp_path, monkeypatch):
    path = tmp_path / "warehouse.duckdb"
    conn = duckdb.connect(str(path))
    conn.execute("create schema marts")
    conn.execute("create table marts.gpu_hardware as select range as id from range(3)")
    conn.execute("create table marts.gpu_hardware__dbt_backup as select range as id from range(5)")
    conn.execute("create table marts.gpu_prices__dbt_tmp as select range as id from range(7)")
    conn.execute("create view marts.gpu_prices as select * from marts.gpu_hardware")
    conn.close()
    monkeypatch.setenv("AIMETRICS_DUCKDB_PATH", str(path))
    assert table_counts(("marts",)) == [("marts.gpu_hardware", 3), ("marts.gpu_prices", 3)]
