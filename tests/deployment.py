"""A deployment of several processes on this machine, as it would be on several: a Postgres server (the DuckLake
catalog, and Dagster's run, event and schedule storage), an S3-compatible object store on the loopback (moto in
server mode: the DuckLake's Parquet files), a Redis broker and Celery workers (`aimetrics worker`). The tests of
tests/integration/test_distributed.py and the bench's shared-engine measurements start it.

Every server listens on 127.0.0.1 on a free port and keeps its files in one temporary folder. The keys are made
up per deployment and passed in the environment only (DuckDB and libpq read them there), never in a command line
or a connection string."""

from __future__ import annotations

import glob
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
LAKE_ENV = PROJECT_ROOT / ".venv-ducklake"
EXTENSIONS = next(iter(sorted(LAKE_ENV.glob("lib/python3*/site-packages/duckdb_ext/extensions"))), None)
CATALOG_DB, DAGSTER_DB, BUCKET, USER = "aimetrics_lake", "dagster", "aimetrics-lake", "aimetrics"


def postgres_bin() -> Path | None:
    """The folder of Debian's Postgres server programs (`apt-get install postgresql`), or of any on the PATH."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def missing_parts() -> list[str]:
    """What this machine lacks for a deployment, as the reason a test is skipped (empty when nothing)."""
    missing = []
    if postgres_bin() is None:
        missing.append("a Postgres server (`apt-get install postgresql`; .ci/run installs it)")
    if shutil.which("redis-server") is None:
        missing.append("redis-server (`apt-get install redis-server`; .ci/run installs it)")
    if EXTENSIONS is None or not any(EXTENSIONS.rglob("postgres_scanner.duckdb_extension")):
        missing.append("the DuckLake environment with the postgres and httpfs extensions (`make ducklake-env`)")
    if not (Path(sys.executable).parent / "moto_server").exists():
        missing.append("moto's S3 server (`make setup`)")
    return missing


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port: int, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            if time.monotonic() > deadline:
                raise TimeoutError(f"nothing listens on 127.0.0.1:{port} after {seconds} s") from None
            time.sleep(0.1)


@dataclass
class Deployment:
    root: Path
    mirror: Path
    pg_port: int = field(default_factory=free_port)
    s3_port: int = field(default_factory=free_port)
    redis_port: int = field(default_factory=free_port)
    password: str = field(default_factory=lambda: secrets.token_urlsafe(16))
    s3_key: str = field(default_factory=lambda: secrets.token_hex(10))
    s3_secret: str = field(default_factory=lambda: secrets.token_urlsafe(24))
    servers: dict[str, subprocess.Popen] = field(default_factory=dict)
    workers: dict[str, subprocess.Popen] = field(default_factory=dict)

    # --- the environment every process of the deployment gets

    def env(self, **overrides: str) -> dict[str, str]:
        home = self.root / "dagster_home"
        base = {name: value for name, value in os.environ.items() if not name.startswith(("AIMETRICS_", "DAGSTER_"))}
        redis = f"redis://127.0.0.1:{self.redis_port}/0"
        return {
            **base,
            "PATH": f"{LAKE_ENV / 'bin'}:{base['PATH']}",
            "PYTHONPATH": str(PROJECT_ROOT),
            "DO_NOT_TRACK": "1",
            "DAGSTER_HOME": str(home),
            "DAGSTER_PG_HOST": "127.0.0.1",
            "DAGSTER_PG_PORT": str(self.pg_port),
            "DAGSTER_PG_USER": USER,
            "DAGSTER_PG_PASSWORD": self.password,
            "DAGSTER_PG_DB": DAGSTER_DB,
            "PGPASSWORD": self.password,  # libpq's, for the DuckLake catalog: no password in the connection string
            "AWS_ACCESS_KEY_ID": self.s3_key,
            "AWS_SECRET_ACCESS_KEY": self.s3_secret,
            "AWS_DEFAULT_REGION": "us-east-1",
            "AIMETRICS_WAREHOUSE": f"ducklake:postgres:dbname={CATALOG_DB} host=127.0.0.1 port={self.pg_port} user={USER}",
            "AIMETRICS_DUCKLAKE_DATA_PATH": f"s3://{BUCKET}/warehouse/",
            "AIMETRICS_S3_ENDPOINT": f"http://127.0.0.1:{self.s3_port}",
            "AIMETRICS_DUCKDB_EXTENSION_DIR": str(EXTENSIONS),
            "AIMETRICS_DATA_DIR": str(self.mirror),
            "AIMETRICS_CACHE_DIR": str(self.root / "cache"),
            # never the project's own inbox (data/inbox) or report (reports/aimetrics.html)
            "AIMETRICS_INBOX_DIR": str(self.root / "inbox"),
            "AIMETRICS_REPORT_PATH": str(self.root / "report.html"),
            "AIMETRICS_EXECUTOR": "celery",
            "AIMETRICS_CELERY_BROKER": redis,
            "AIMETRICS_CELERY_BACKEND": redis,
            "AIMETRICS_DBT_THREADS": "1",
            "AIMETRICS_WAREHOUSE_WAIT_S": "120",
            **overrides,
        }

    # --- servers

    def start(self) -> Deployment:
        self.root.mkdir(parents=True, exist_ok=True)
        home = self.root / "dagster_home"
        home.mkdir(exist_ok=True)
        shutil.copy(PROJECT_ROOT / "deploy" / "dagster-celery.yaml", home / "dagster.yaml")
        self._start_postgres()
        self._start_s3()
        self._start_redis()
        migrate = self.lake("dagster", "instance", "migrate")
        if migrate.returncode != 0:
            raise RuntimeError(f"dagster instance migrate failed: {migrate.stderr[-2000:]}")
        return self

    def _as_postgres(self, *command: str) -> list[str]:
        """Postgres refuses to run as root: as root, its programs run as the `postgres` user."""
        return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else list(command)

    @property
    def pg_data(self) -> Path:
        return self.pg_folder / "data"

    def _start_postgres(self) -> None:
        # its own folder under /tmp: the test's tmp folders are private to root, and the server may run as postgres
        self.pg_folder = Path(tempfile.mkdtemp(prefix="aimetrics-pg-"))
        password_file = self.pg_folder / "password"
        password_file.write_text(self.password)
        if os.geteuid() == 0:
            shutil.chown(self.pg_folder, "postgres")
            shutil.chown(password_file, "postgres")
        pg = postgres_bin()
        subprocess.run(
            self._as_postgres(
                str(pg / "initdb"), "-D", str(self.pg_data), "-U", USER, f"--pwfile={password_file}",
                "--auth=scram-sha-256", "-E", "UTF8",
            ),
            check=True, capture_output=True, timeout=120,
        )  # fmt: skip
        password_file.unlink()
        self.start_postgres()
        for database in (CATALOG_DB, DAGSTER_DB):
            self.psql(f"create database {database}")

    def start_postgres(self) -> None:
        pg = postgres_bin()
        options = f"-p {self.pg_port} -k {self.pg_folder} -c listen_addresses=127.0.0.1 -c max_connections=200"
        subprocess.run(
            self._as_postgres(
                str(pg / "pg_ctl"), "-D", str(self.pg_data), "-o", options, "-l", str(self.pg_folder / "log"), "-w",
                "start",
            ),
            check=True, capture_output=True, timeout=120,
        )  # fmt: skip

    def stop_postgres(self, mode: str = "fast") -> None:
        subprocess.run(
            self._as_postgres(str(postgres_bin() / "pg_ctl"), "-D", str(self.pg_data), "-m", mode, "-w", "stop"),
            check=True,
            capture_output=True,
            timeout=120,
        )

    def psql(self, sql: str, database: str = "postgres") -> str:
        import psycopg2

        conn = psycopg2.connect(host="127.0.0.1", port=self.pg_port, user=USER, password=self.password, dbname=database)
        conn.autocommit = True
        try:
            with conn.cursor() as cursor:
                cursor.execute(sql)
                return json.dumps(cursor.fetchall(), default=str) if cursor.description else ""
        finally:
            conn.close()

    def _start_s3(self) -> None:
        self.servers["s3"] = subprocess.Popen(
            [str(Path(sys.executable).parent / "moto_server"), "-H", "127.0.0.1", "-p", str(self.s3_port)],
            stdout=subprocess.DEVNULL,
            stderr=(self.root / "s3.log").open("w"),
        )
        wait_for_port(self.s3_port)
        self._s3().create_bucket(Bucket=BUCKET)

    def _s3(self):
        import boto3

        return boto3.client(
            "s3",
            endpoint_url=f"http://127.0.0.1:{self.s3_port}",
            aws_access_key_id=self.s3_key,
            aws_secret_access_key=self.s3_secret,
            region_name="us-east-1",
        )

    def s3_keys(self) -> list[str]:
        client = self._s3()
        keys, token = [], None
        while True:
            page = client.list_objects_v2(Bucket=BUCKET, **({"ContinuationToken": token} if token else {}))
            keys += [item["Key"] for item in page.get("Contents", [])]
            if not page.get("IsTruncated"):
                return keys
            token = page["NextContinuationToken"]

    def _start_redis(self) -> None:
        self.servers["redis"] = subprocess.Popen(
            [
                shutil.which("redis-server"), "--port", str(self.redis_port), "--bind", "127.0.0.1", "--save", "",
                "--appendonly", "no", "--dir", str(self.root),
            ],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        wait_for_port(self.redis_port)

    # --- workers and commands

    def start_worker(self, name: str, **env: str) -> subprocess.Popen:
        """`aimetrics worker --name <name>`, in a process group of its own (the worker starts `celery` as a child:
        stopping the group stops both)."""
        worker = subprocess.Popen(
            [str(LAKE_ENV / "bin" / "python"), "-m", "orchestration.cli", "worker", "--name", name],
            env=self.env(**env),
            cwd=PROJECT_ROOT,
            stdout=subprocess.DEVNULL,
            stderr=(self.root / f"worker-{name}.log").open("a"),
            start_new_session=True,
        )
        self.workers[name] = worker
        return worker

    def kill_worker(self, name: str, sig: int = signal.SIGKILL) -> None:
        worker = self.workers.pop(name)
        try:
            os.killpg(worker.pid, sig)
        except ProcessLookupError:
            pass
        worker.wait(60)

    def lake(self, program: str, *args: str, timeout: float = 900, **env: str) -> subprocess.CompletedProcess:
        """A program of the DuckLake environment (`python`, `dagster`), in the deployment's environment."""
        return subprocess.run(
            [str(LAKE_ENV / "bin" / program), *args],
            env=self.env(**env), cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=timeout,
        )  # fmt: skip

    def aimetrics(self, *args: str, timeout: float = 900, **env: str) -> subprocess.CompletedProcess:
        return self.lake("python", "-m", "orchestration.cli", *args, timeout=timeout, **env)

    def popen_aimetrics(self, *args: str, log: str, **env: str) -> subprocess.Popen:
        return subprocess.Popen(
            [str(LAKE_ENV / "bin" / "python"), "-m", "orchestration.cli", *args],
            env=self.env(**env), cwd=PROJECT_ROOT, stdout=(self.root / log).open("w"), stderr=subprocess.STDOUT,
            text=True,
        )  # fmt: skip

    def worker_log(self, name: str) -> str:
        path = self.root / f"worker-{name}.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def log_counts(self, text: str) -> dict[str, int]:
        """How often each live worker's log says `text` so far (to tell a new occurrence from an old one)."""
        return {name: self.worker_log(name).count(text) for name in self.workers}

    def wait_for_worker_log(self, text: str, before: dict[str, int], seconds: float = 300) -> str:
        """The worker whose log says `text` once more than `before`, as soon as one does."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            for name in self.workers:
                if self.worker_log(name).count(text) > before.get(name, 0):
                    return name
            time.sleep(0.2)
        raise TimeoutError(f"no worker logged {text!r} within {seconds:g} s")

    def stop(self) -> None:
        for name in list(self.workers):
            self.kill_worker(name, signal.SIGTERM)
        for server in self.servers.values():
            server.terminate()
            server.wait(30)
        if getattr(self, "pg_folder", None) is not None:
            try:
                self.stop_postgres("immediate")
            except (subprocess.SubprocessError, OSError):
                pass
            shutil.rmtree(self.pg_folder, ignore_errors=True)
