"""The HTML report: one self-contained file (plotly.js inline, no network needed to open it) of interactive
charts read from the warehouse (read-only). Each chart names its publisher and lists the query it was drawn
from; hovering a point shows its row, its source and, for money, the KRW reading at the ECB rate."""

from __future__ import annotations

import html
from datetime import UTC, datetime
from pathlib import Path

from warehouse.db import connect_published, warehouse_target
from warehouse.report_charts import Chart, Spec, colours_for, draw, headline
from warehouse.report_specs import SPECS
from warehouse.versions import citation, stamp_of


def build_charts(specs: tuple[Spec, ...] = SPECS, database: Path | None = None) -> tuple[list[Chart], dict | None]:
    """The charts, drawn from the published version (or `database`), and that version's manifest."""
    with connect_published(database) as conn:
        manifest = stamp_of(conn)
        drawn = [(spec, conn.execute(spec.sql).fetchall()) for spec in specs]
    colours = colours_for(drawn)
    charts = [
        Chart(spec.title, spec.caption, spec.sql, rows, draw(spec, rows, colours), headline(spec, rows))
        for spec, rows in drawn
    ]
    return charts, manifest


def render(charts: list[Chart], manifest: dict | None = None) -> str:
    parts = [
        "<!doctype html><html><head><meta charset='utf-8'><title>aimetrics report</title>",
        "<style>body{font-family:sans-serif;max-width:64rem;margin:2rem auto;color:#222}"
        "figure{margin:2.5rem 0}figcaption{color:#555}.headline{font-size:1.1rem;font-weight:600;margin:.2rem 0 .6rem}"
        "pre{background:#f4f4f4;padding:.5rem;font-size:.75rem;"
        "white-space:pre-wrap}details summary{cursor:pointer;color:#555}</style></head><body>",
        "<h1>Why is generative AI so expensive, and who pays?</h1>",
        f"<p>Built {datetime.now(UTC):%Y-%m-%d %H:%M} UTC from <code>{html.escape(warehouse_target().describe())}"
        f"</code>, <span class='version'>{html.escape(citation(manifest))}</span>. Hover a point for its row and "
        "source; every chart lists the query it was drawn from. Won amounts "
        "use the ECB reference rate of the day (or month) shown.</p>",
    ]
    plotly_js: bool | str = "inline"  # plotly.js once, in the first chart: the file opens offline
    for chart in charts:
        parts.append(f"<figure class='chart'><h2>{html.escape(chart.title)}</h2>")
        if chart.headline:
            parts.append(f"<p class='headline'>{html.escape(chart.headline)}</p>")
        if chart.figure is not None:
            parts.append(
                chart.figure.to_html(
                    full_html=False, include_plotlyjs=plotly_js, config={"displaylogo": False, "responsive": True}
                )
            )
            plotly_js = False
        else:
            parts.append("<p><em>No data in the warehouse for this chart yet.</em></p>")
        parts.append(f"<figcaption>{html.escape(chart.caption)} ({len(chart.rows)} points)</figcaption>")
        parts.append(
            f"<details><summary>query</summary><pre>{html.escape(' '.join(chart.sql.split()))}</pre></details></figure>"
        )
    parts.append("</body></html>")
    return "\n".join(parts)


def write_report(output: Path, database: Path | None = None) -> tuple[list[Chart], dict | None]:
    """The report of the published version (or `database`) at `output`; its charts and the version's manifest."""
    charts, manifest = build_charts(database=database)
    output.parent.mkdir(parents=True, exist_ok=True)
    partial = output.with_name(f".{output.name}.partial")
    partial.write_text(render(charts, manifest), encoding="utf-8")
    partial.replace(output)
    return charts, manifest
