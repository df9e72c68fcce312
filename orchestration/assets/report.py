"""The HTML report as an asset downstream of the published version and the tables its charts read, so the
lineage shows what it rests on, a run that publishes rewrites it, and it is drawn from what readers see
(AIMETRICS_REPORT_PATH, default reports/aimetrics.html)."""

import re
from pathlib import Path

import dagster as dg

from ingest.settings import load_settings
from orchestration.assets.publish import PUBLISHED_KEY
from orchestration.constants import OWNERS
from warehouse.report import write_report
from warehouse.report_specs import SPECS

REPORT_KEY = dg.AssetKey(["report", "aimetrics_html"])


def report_path() -> Path:
    return load_settings().report_path


def report_inputs() -> list[dg.AssetKey]:
    """The marts and staging models the charts' queries name."""
    names = {match for spec in SPECS for match in re.findall(r"\b((?:marts|staging)\.\w+)", spec.sql)}
    return [dg.AssetKey(name.split(".")) for name in sorted(names)]


@dg.asset(
    key=REPORT_KEY,
    deps=[PUBLISHED_KEY, *report_inputs()],
    group_name="report",
    kinds={"html", "plotly"},
    owners=OWNERS,
    description="The HTML report: interactive charts of the headline marts, each with its publisher and query.",
)
def aimetrics_html_report(context: dg.AssetExecutionContext) -> dg.MaterializeResult:
    path = report_path()
    charts, manifest = write_report(path)
    empty = [chart.title for chart in charts if chart.figure is None]
    if empty:
        context.log.warning("charts without data: %s", ", ".join(empty))
    return dg.MaterializeResult(
        metadata={
            "path": dg.MetadataValue.path(str(path)),
            "version": manifest["version"] if manifest else "unpublished",
            "charts": len(charts),
            "charts without data": dg.MetadataValue.text(", ".join(empty) or "none"),
            "points": sum(len(chart.rows) for chart in charts),
        }
    )
