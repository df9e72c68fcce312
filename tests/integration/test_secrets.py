"""API keys come from the environment, are sent with the request, and appear in no log, table or metadata."""

import dagster as dg
import httpx
import pytest

from orchestration.definitions import defs
from warehouse.db import connect_read

pytestmark = pytest.mark.integration

SECRET = "s3cr3t-k3y-do-not-log"


def test_a_keyed_feed_never_writes_its_key(tmp_path, monkeypatch, caplog, capfd):
    feeds = tmp_path / "feeds"
    feeds.mkdir()
    (feeds / "keyed.yml").write_text(
        "name: keyed_feed\nformat: csv\nprice_unit: instance_hour\nurl: https://prices.example.org/gpus.csv?key=${EXAMPLE_PRICE_API_KEY}\n"
        "columns: {provider: provider, gpu_name: gpu, gpu_count: count, usd_per_hour: price}\n"
    )
    monkeypatch.setenv("AIMETRICS_GPU_FEEDS_DIR", str(feeds))
    monkeypatch.setenv("EXAMPLE_PRICE_API_KEY", SECRET)
    monkeypatch.setattr("ingest.sources.gpu_feeds.FEED_DIR", tmp_path / "no_builtin_feeds")
    sent = []

    def api(request):
        sent.append(str(request.url))
        if len(sent) == 1:
            return httpx.Response(503, text=f"overloaded for {request.url}")  # an error that echoes the URL
        return httpx.Response(200, text="provider,gpu,count,price\nexample,H100_SXM,8,20\n")

    real_client = httpx.Client
    monkeypatch.setattr("ingest.fetch.httpx.Client", lambda *a, **k: real_client(transport=httpx.MockTransport(api)))
    monkeypatch.setattr("tenacity.nap.time.sleep", lambda seconds: None)
    instance = dg.DagsterInstance.ephemeral()
    result = defs.resolve_implicit_global_asset_job_def().execute_in_process(
        asset_selection=[dg.AssetKey(["raw", "gpu_feed_offers"])], instance=instance, raise_on_error=False
    )
    assert result.success
    assert sent and all(f"key={SECRET}" in url for url in sent)  # the key was used
    with connect_read() as conn:
        tables = [
            t
            for (t,) in conn.execute(
                "select table_name from information_schema.tables where table_schema = 'raw'"
            ).fetchall()
        ]
        stored = "".join(str(conn.execute(f'select * from raw."{t}"').fetchall()) for t in tables)
    assert "${EXAMPLE_PRICE_API_KEY}" in stored  # the delivery is known by its template
    logs = "".join(
        str(record.dagster_event or "") + (record.user_message or "") for record in instance.all_logs(result.run_id)
    )
    metadata = str([e.event_specific_data for e in result.all_events])
    captured = capfd.readouterr()
    for text in (stored, logs, metadata, caplog.text, captured.out, captured.err):
        assert SECRET not in text
