"""The report's charts: each is a query on the marts, the publisher it rests on, and a plotly figure whose hover
shows the row and its source. Money is shown in USD with its KRW reading at the ECB rate beside it."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime

import plotly.graph_objects as go

PALETTE = (
    "#1f77b4",
    "#d62728",
    "#2ca02c",
    "#ff7f0e",
    "#9467bd",
    "#8c564b",
    "#e377c2",
    "#17becf",
    "#bcbd22",
    "#7f7f7f",
    "#393b79",
    "#ad494a",
    "#637939",
    "#e6550d",
    "#7b4173",
    "#3182bd",
    "#31a354",
    "#756bb1",
)


@dataclass
class Chart:
    title: str
    caption: str
    """What it shows and whose numbers they are (the publisher, not only the table)."""
    sql: str
    rows: list[tuple] = field(default_factory=list)
    figure: go.Figure | None = None
    headline: str = ""
    """One sentence with the chart's number, drawn from its rows."""


@dataclass(frozen=True)
class Spec:
    title: str
    caption: str
    sql: str
    """Columns: x, y, series, then any hover columns (named by `hover`)."""
    y_title: str
    log_y: bool = False
    kind: str = "line"  # line, steps, points (markers per series), bar, scatter (one labelled cloud)
    hover: tuple[str, ...] = ()
    gaps_by_month: bool = False
    """A line breaks where a month without data lies between two points."""
    diagonal: bool = False
    """A scatter of estimate against published value, with the line where they are equal."""


def _month_gap(a, b) -> bool:
    return (b.year - a.year) * 12 + b.month - a.month > 1


def _series(rows: list[tuple], spec: Spec) -> dict[str, list[tuple]]:
    grouped: dict[str, list[tuple]] = {}
    for row in rows:
        grouped.setdefault(str(row[2]), []).append(row)
    if spec.gaps_by_month:
        for name, points in grouped.items():
            broken = []
            for point in points:
                if broken and _month_gap(broken[-1][0], point[0]):
                    broken.append((point[0], None, *point[2:]))
                broken.append(point)
            grouped[name] = broken
    return grouped


def unit(spec: Spec) -> str:
    """The y axis's unit, without the axis notes (`(log)`)."""
    return re.sub(r"\s*\(log\)|,\s*log(?=\))", "", spec.y_title).strip()


def _hover(spec: Spec) -> str:
    lines = [f"{name}: %{{customdata[{i}]}}" for i, name in enumerate(spec.hover)]
    head = "%{text}" if spec.kind == "scatter" else "%{fullData.name}"
    return "<br>".join([head, f"%{{x}}: %{{y:,.4~g}} {unit(spec)}", *lines]) + "<extra></extra>"


def _number(value: float) -> str:
    return f"{value:,.0f}" if abs(value) >= 1000 else f"{value:.3g}"


def headline(spec: Spec, rows: list[tuple]) -> str:
    """The chart's number in a sentence: a diagonal's median ratio, a bar chart's largest bar, a time series'
    change from its first to its last point (the series with the most points)."""
    points = [row for row in rows if row[1] is not None and (not spec.log_y or row[1] > 0)]
    if not points:
        return ""
    if spec.diagonal:
        ratios = sorted(row[1] / row[0] for row in points if row[0])
        within = sum(1 for ratio in ratios if 0.8 <= ratio <= 1.25)
        return (
            f"Median estimate / published: {ratios[len(ratios) // 2]:.2f} over {len(ratios)} models "
            f"({within} within 1.25x)."
        )
    if spec.kind == "bar":
        top = max(points, key=lambda row: row[1])
        return f"Largest: {top[0]} at {_number(top[1])} {unit(spec)} ({top[2]}), of {len(points)} bars."
    series = _series(points, Spec(**{**spec.__dict__, "gaps_by_month": False}))
    name, longest = max(series.items(), key=lambda item: (len(item[1]), item[0]))
    first, last = longest[0], longest[-1]
    factor = last[1] / first[1] if first[1] else None
    change = (
        ""
        if factor is None
        else ", unchanged"
        if factor == 1
        else f", {_number(factor)}x higher"
        if factor > 1
        else f", {_number(1 / factor)}x lower"
    )
    return (
        f"{name}: {_number(first[1])} in {_label(first[0])} to {_number(last[1])} {unit(spec)} in "
        f"{_label(last[0])}{change} ({len(series)} series)."
    )


def _label(x) -> str:
    if isinstance(x, (date, datetime)):
        return x.strftime("%Y-%m") if getattr(x, "day", 1) == 1 else x.isoformat()[:10]
    return str(x)


def colours_for(charts_rows: list[tuple[Spec, list[tuple]]]) -> dict[str, str]:
    """One colour per entity across every chart (a chip, a model, an edition keeps its colour from chart to
    chart), in order of first appearance."""
    names: list[str] = []
    for spec, rows in charts_rows:
        if spec.kind != "scatter":
            names += [str(row[2]) for row in rows if str(row[2]) not in names]
    return {name: PALETTE[i % len(PALETTE)] for i, name in enumerate(names)}


def draw(spec: Spec, rows: list[tuple], colours: dict[str, str] | None = None) -> go.Figure | None:
    rows = [r for r in rows if r[1] is None or not spec.log_y or r[1] > 0]
    if not rows:
        return None
    figure = go.Figure()
    series = {"models": rows} if spec.kind == "scatter" else _series(rows, spec)
    for name, points in series.items():
        common = dict(
            name=name,
            x=[p[0] for p in points],
            y=[p[1] for p in points],
            customdata=[list(p[3:]) for p in points],
            hovertemplate=_hover(spec),
        )
        colour = (colours or {}).get(name)
        if spec.kind == "bar":
            figure.add_trace(go.Bar(marker_color=colour, **common))
        elif spec.kind == "scatter":
            figure.add_trace(
                go.Scatter(mode="markers+text", text=[p[2] for p in points], textposition="top center", **common)
            )
        elif spec.kind == "points":
            figure.add_trace(go.Scatter(mode="markers", marker_color=colour, **common))
        else:
            figure.add_trace(
                go.Scatter(
                    mode="lines+markers",
                    connectgaps=False,
                    line_color=colour,
                    line_shape="hv" if spec.kind == "steps" else "linear",
                    **common,
                )
            )
    if spec.diagonal:
        values = [v for r in rows for v in (r[0], r[1]) if v]
        figure.add_trace(
            go.Scatter(
                x=[min(values), max(values)],
                y=[min(values), max(values)],
                mode="lines",
                name="estimate = published",
                line={"dash": "dash", "color": "grey"},
            )
        )
        figure.update_xaxes(type="log")
    figure.update_layout(
        height=430,
        margin={"l": 60, "r": 20, "t": 30, "b": 50},
        hovermode="closest",
        yaxis_title=spec.y_title,
        legend={"font": {"size": 10}},
        template="plotly_white",
        showlegend=spec.kind != "scatter" or spec.diagonal,
    )
    if spec.log_y:
        values = [row[1] for row in rows if row[1]]
        # a label per decade where the data span decades; 1-2-5 labels within one (never only minor ticks)
        figure.update_yaxes(type="log", dtick=1 if max(values) / min(values) >= 100 else "D2")
    if spec.kind != "bar" and all(isinstance(row[0], int) for row in rows):  # years: 2022, not 2,022.5
        figure.update_xaxes(
            tickformat="d", dtick=1 if max(r[0] for r in rows) - min(r[0] for r in rows) <= 15 else None
        )
    if spec.kind == "scatter":
        figure.update_traces(textfont_size=9, selector={"mode": "markers+text"})
    return figure
