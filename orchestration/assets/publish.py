"""The audit and publish step: last in every run, after every asset and check it depends on. A run publishes
its build when none of its steps failed and no error-severity check failed, in this run or, for the checks this
run did not evaluate, in the latest run that did (the build still holds what that run built); warn checks are
listed in the version's manifest and do not hold it back."""

from dataclasses import dataclass, field

import dagster as dg

from orchestration.constants import OWNERS, WAREHOUSE_POOL
from orchestration.stale_runs import hold_the_build_lease
from warehouse.db import connect_write, warehouse_target
from warehouse.lake_versions import publish_snapshot
from warehouse.versions import publish

PUBLISHED_KEY = dg.AssetKey(["warehouse", "published"])
PRIORITY_TAG, LAST = "dagster/priority", "-1000"
"""Step priority: among the steps ready at once (the checks of the last assets), this one goes last."""


@dataclass
class Audit:
    passed: list[str] = field(default_factory=list)
    warned: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    failed_steps: list[str] = field(default_factory=list)

    @property
    def held_back_by(self) -> list[str]:
        return [f"check {name}" for name in self.failed] + [f"step {step}" for step in self.failed_steps]


def audit_run(instance: dg.DagsterInstance, run_id: str, check_keys=()) -> Audit:
    """What the run's event log says so far (its check evaluations, the latest per check, and failed steps) and,
    for the `check_keys` it did not evaluate, their latest evaluation in any run."""
    audit, latest = Audit(), _latest_elsewhere(instance, check_keys)
    types = {dg.DagsterEventType.ASSET_CHECK_EVALUATION, dg.DagsterEventType.STEP_FAILURE}
    for record in instance.get_records_for_run(run_id, of_type=types, limit=100_000).records:
        event = record.event_log_entry.dagster_event
        if event.event_type == dg.DagsterEventType.STEP_FAILURE:
            audit.failed_steps.append(event.step_key)
            continue
        evaluation = event.event_specific_data
        latest[check_name(evaluation)] = evaluation
    audit.passed, audit.warned, audit.failed = sorted_checks(latest[name] for name in sorted(latest))
    return audit


def _latest_elsewhere(instance: dg.DagsterInstance, check_keys) -> dict:
    records = instance.event_log_storage.get_latest_asset_check_execution_by_key(list(check_keys)) if check_keys else {}
    found = {}
    for record in records.values():
        event = record.event.dagster_event if record.event else None
        evaluation = (
            event.event_specific_data
            if event and event.event_type == dg.DagsterEventType.ASSET_CHECK_EVALUATION
            else None
        )
        if evaluation is not None:
            found[check_name(evaluation)] = evaluation
    return found


def check_name(evaluation: dg.AssetCheckEvaluation) -> str:
    return f"{evaluation.asset_key.to_user_string()}:{evaluation.check_name}"


def sorted_checks(evaluations) -> tuple[list[str], list[str], list[str]]:
    """The names of the checks that passed, that warned (failed with warn severity) and that failed."""
    passed, warned, failed = [], [], []
    for evaluation in evaluations:
        kind = passed if evaluation.passed else warned if evaluation.severity == dg.AssetCheckSeverity.WARN else failed
        kind.append(check_name(evaluation))
    return passed, warned, failed


def build_publish_asset(upstream: list[dg.AssetKey], check_keys: list[dg.AssetCheckKey]) -> dg.AssetsDefinition:
    """The publish step over `upstream`, auditing `check_keys` (every check of the code location)."""

    @dg.asset(
        key=PUBLISHED_KEY,
        deps=upstream,
        group_name="publish",
        kinds={"duckdb"},
        owners=OWNERS,
        pool=WAREHOUSE_POOL,
        op_tags={PRIORITY_TAG: LAST},
        description="The published warehouse: the run's build, once no step of the run and no error-severity "
        "check (its latest evaluation) failed, copied to a new version and made what readers open "
        "(data/warehouse.duckdb).",
    )
    def published_warehouse(context: dg.AssetExecutionContext) -> dg.MaterializeResult:
        audit = audit_run(context.instance, context.run.run_id, check_keys)
        if audit.held_back_by:
            raise dg.Failure(
                description="not published: " + "; ".join(audit.held_back_by) + ". Readers keep the version they had.",
                allow_retries=False,
            )
        if warehouse_target().kind == "ducklake":  # readers attach the snapshot this publishes
            hold_the_build_lease(context.instance, context.run.run_id, context.log)
            with connect_write() as conn:
                manifest = publish_snapshot(
                    conn, {"run_id": context.run.run_id, "job": context.job_name, "checks_passed": len(audit.passed)}
                )
            return dg.MaterializeResult(
                data_version=dg.DataVersion(manifest["version"]),
                metadata={"version": manifest["version"], "checks_passed": len(audit.passed)},
            )
        if warehouse_target().kind != "file":  # MotherDuck's readers see each commit: nothing to copy
            return dg.MaterializeResult(
                metadata={"version": "none (shared engine)", "checks_passed": len(audit.passed)}
            )
        version = publish(
            {
                "run_id": context.run.run_id,
                "job": context.job_name,
                "checks_passed": len(audit.passed),
                "checks_warned": audit.warned,
            }
        )
        return dg.MaterializeResult(
            data_version=dg.DataVersion(version.id),
            metadata={
                "version": version.id,
                "path": dg.MetadataValue.path(str(version.database)),
                "code_version": version.manifest["code_version"],
                "checks_passed": len(audit.passed),
                "checks_warned": dg.MetadataValue.text(", ".join(audit.warned) or "none"),
                "sources": len(version.manifest["sources"]),
                "bytes": version.manifest["bytes"],
            },
        )

    return published_warehouse
