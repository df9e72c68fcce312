"""The Dagster instance's event log on SQLite, as Dagster stores it (one database per run and an index database in
`$DAGSTER_HOME/storage`), with its connections kept open.

Dagster's own SqliteEventLogStorage opens a new SQLite connection for every statement, several per event, and commits
each with a full sync: on the fixture build (1,708 events, 2026-12-06) that was 14.6 s of a 44 s run, against 3.1 s
for the same events in memory. It also asks, twice for every materialization and check result, whether a table of its
schema exists, each time through a new engine and connection (about 0.4 s of a new day's 443 events, 2026-12-07).
Here each database keeps one connection (the most recently used few stay open), a table once found is known, and
commits sync the write-ahead log at checkpoints (`synchronous=NORMAL`): a crash of the process loses nothing; a power
cut may lose the last events of a run, not the warehouse (DuckDB syncs its own commits). Configured in
orchestration/dagster.yaml by DAGSTER_HOME, which every process opening the instance has (as Dagster asks); the
overridden methods are pinned by tests/unit/test_event_log.py.
"""

from __future__ import annotations

import os
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy as sa
from dagster import Field, StringSource
from dagster._core.storage.event_log import SqliteEventLogStorage
from dagster._core.storage.sqlite import SQLITE_BUSY_TIMEOUT_SECONDS
from sqlalchemy.pool import StaticPool

OPEN_DATABASES = 8
"""A run writes its own database and the index; a long-lived reader (the UI, the daemon) visits many runs."""


def _relaxed_sync(connection, _record) -> None:
    connection.execute("PRAGMA synchronous=NORMAL")


class KeptOpenSqliteEventLogStorage(SqliteEventLogStorage):
    def __init__(self, base_dir: str, inst_data=None):
        self._engines: OrderedDict[str, sa.engine.Engine] = OrderedDict()
        self._tables_found: set[str] = set()
        super().__init__(base_dir, inst_data)

    @classmethod
    def config_type(cls):
        # `dagster_home` in dagster.yaml: the events go where Dagster's default puts them, <home>/storage.
        return {
            "dagster_home": Field(StringSource, is_required=False),
            "base_dir": Field(StringSource, is_required=False),
        }

    @classmethod
    def from_config_value(cls, inst_data, config_value):
        return cls(config_value.get("base_dir") or os.path.join(config_value["dagster_home"], "storage"), inst_data)

    @contextmanager
    def _connect(self, shard: str) -> Iterator[sa.engine.Connection]:
        with self._db_lock:
            engine = self._engines.pop(shard, None)
            if engine is None:
                engine = sa.create_engine(
                    self.conn_string_for_shard(shard),
                    poolclass=StaticPool,
                    connect_args={"timeout": SQLITE_BUSY_TIMEOUT_SECONDS, "check_same_thread": False},
                )
                sa.event.listen(engine, "connect", _relaxed_sync)
                if shard not in self._initialized_dbs:
                    self._initdb(engine)
                    self._initialized_dbs.add(shard)
            self._engines[shard] = engine
            while len(self._engines) > OPEN_DATABASES:
                self._engines.popitem(last=False)[1].dispose()
            with engine.connect() as conn, conn.begin():
                yield conn

    def has_table(self, table_name: str) -> bool:
        # A missing table is asked again: a schema migration in another process (`dagster instance migrate`) adds
        # tables, and nothing drops one while the instance is open.
        if table_name not in self._tables_found and super().has_table(table_name):
            self._tables_found.add(table_name)
        return table_name in self._tables_found

    def dispose(self) -> None:
        with self._db_lock:
            while self._engines:
                self._engines.popitem()[1].dispose()
        super().dispose()
