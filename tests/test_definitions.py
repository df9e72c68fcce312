"""The asset graph as a reviewed snapshot: a change to keys, checks, jobs, schedules or sensors shows in review.

Update the snapshot with `.venv/bin/pytest tests/test_definitions.py --snapshot-update` and review the diff.
"""

from ingest.sources import SOURCES
from orchestration.definitions import defs


def test_definitions_load_and_match_the_snapshot(snapshot):
    graph = defs.resolve_asset_graph()
    assets = {
        key.to_user_string(): {
            "group": graph.get(key).group_name,
            "deps": sorted(parent.to_user_string() for parent in graph.get(key).parent_keys),
        }
        for key in sorted(graph.get_all_asset_keys())
        if graph.get(key).is_materializable
    }
    checks = sorted(f"{c.asset_key.to_user_string()}:{c.name}" for c in graph.asset_check_keys)
    jobs = sorted(job.name for job in defs.resolve_all_job_defs() if not job.name.startswith("__"))
    schedules = sorted((s.name, s.cron_schedule, s.job_name) for s in defs.get_repository_def().schedule_defs)
    partitioned = sorted(k.to_user_string() for k in graph.get_all_asset_keys() if graph.get(k).partitions_def)
    sensors = sorted(s.name for s in defs.sensors)
    assert {"assets": assets, "checks": checks, "jobs": jobs, "schedules": schedules, "sensors": sensors,
            "partitioned": partitioned} == snapshot


def test_every_raw_asset_has_a_blocking_pandera_check_and_marts_have_tests():
    graph = defs.resolve_asset_graph()
    checks = {(c.asset_key.to_user_string(), c.name) for c in graph.asset_check_keys}
    raw = [k.to_user_string() for k in graph.get_all_asset_keys() if k.path[0] == "raw" and graph.get(k).is_materializable]
    assert sorted(raw) == sorted(f"raw/{s.raw_table}" for s in SOURCES.values())
    assert all((key, "pandera_schema") in checks for key in raw)
    marts = {k.to_user_string() for k in graph.get_all_asset_keys() if k.path[0] == "marts"}
    untested = [mart for mart in marts if not any(asset == mart for asset, _ in checks)]
    assert len(marts) >= 27 and not untested, untested  # every mart has dbt tests as asset checks
