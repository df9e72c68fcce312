"""The asset graph as a reviewed snapshot: a change to keys, checks, jobs, schedules or sensors shows in review.

Update the snapshot with `.venv/bin/pytest tests/test_definitions.py --snapshot-update` and review the diff.
"""

import dagster as dg

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
    assert {
        "assets": assets,
        "checks": checks,
        "jobs": jobs,
        "schedules": schedules,
        "sensors": sensors,
        "partitioned": partitioned,
    } == snapshot


def test_every_raw_asset_has_a_blocking_pandera_check_and_marts_have_tests():
    graph = defs.resolve_asset_graph()
    checks = {(c.asset_key.to_user_string(), c.name) for c in graph.asset_check_keys}
    raw = [
        k.to_user_string() for k in graph.get_all_asset_keys() if k.path[0] == "raw" and graph.get(k).is_materializable
    ]
    assert sorted(raw) == sorted(f"raw/{s.raw_table}" for s in SOURCES.values())
    assert all((key, "pandera_schema") in checks for key in raw)
    marts = {k.to_user_string() for k in graph.get_all_asset_keys() if k.path[0] == "marts"}
    untested = [mart for mart in marts if not any(asset == mart for asset, _ in checks)]
    assert len(marts) >= 27 and not untested, untested  # every mart has dbt tests as asset checks


def test_every_check_says_what_it_checks():
    """The UI shows a check's description: a dbt test without one is described from its definition (a singular
    test's opening comment, a generic test's column and arguments) and says whether it blocks publishing."""
    specs = [spec for asset in defs.assets if isinstance(asset, dg.AssetsDefinition) for spec in asset.check_specs]
    assert len(specs) > 200 and not [spec.name for spec in specs if not spec.description]
    described = {spec.name: spec.description for spec in specs}
    assert described["assert_overlapping_ai_index_figures_agree"].startswith(
        "Source invariant: where two figures of one edition publish the same number"
    )
    unique = next(text for name, text in described.items() if name.startswith("unique_stg_epoch__notable_models"))
    assert unique == "dbt test `unique` on column `model` (error: a failure holds back publishing)"
    assert any(text.endswith("(warn: listed, never blocks)") for text in described.values())
