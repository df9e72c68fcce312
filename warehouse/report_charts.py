"""The report's charts: each is a query on the marts, the publisher it rests on, and a plotly figure whose hover
shows the row and its source. Money is shown in USD with its KRW reading at the ECB rate beside it."""

from __future__ import annotations

from dataclasses import dataclass, field

import plotly.graph_objects as go


@dataclass
class Chart:
    title: str
    caption: str
    """What it shows and whose numbers they are (the publisher, not only the table)."""
    sql: str
    rows: list[tuple] = field(default_factory=list)
    figure: go.Figure | None = None


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


def _hover(spec: Spec) -> str:
    lines = [f"{name}: %{{customdata[{i}]}}" for i, name in enumerate(spec.hover)]
    head = "%{text}" if spec.kind == "scatter" else "%{fullData.name}"
    return "<br>".join([head, "%{x}: %{y:,.4~g}", *lines]) + "<extra></extra>"


def draw(spec: Spec, rows: list[tuple]) -> go.Figure | None:
    rows = [r for r in rows if r[1] is None or not spec.log_y or r[1] > 0]
    if not rows:
        return None
    figure = go.Figure()
    series = {"models": rows} if spec.kind == "scatter" else _series(rows, spec)
    for name, points in series.items():
        common = dict(name=name, x=[p[0] for p in points], y=[p[1] for p in points],
                      customdata=[list(p[3:]) for p in points], hovertemplate=_hover(spec))
        if spec.kind == "bar":
            figure.add_trace(go.Bar(**common))
        elif spec.kind == "scatter":
            figure.add_trace(go.Scatter(mode="markers+text", text=[p[2] for p in points], textposition="top center",
                                        **common))
        elif spec.kind == "points":
            figure.add_trace(go.Scatter(mode="markers", **common))
        else:
            figure.add_trace(go.Scatter(mode="lines+markers", connectgaps=False,
                                        line_shape="hv" if spec.kind == "steps" else "linear", **common))
    if spec.diagonal:
        values = [v for r in rows for v in (r[0], r[1]) if v]
        figure.add_trace(go.Scatter(x=[min(values), max(values)], y=[min(values), max(values)], mode="lines",
                                    name="estimate = published", line={"dash": "dash", "color": "grey"}))
        figure.update_xaxes(type="log")
    figure.update_layout(height=430, margin={"l": 60, "r": 20, "t": 30, "b": 50}, hovermode="closest",
                         yaxis_title=spec.y_title, legend={"font": {"size": 10}}, template="plotly_white",
                         showlegend=spec.kind != "scatter" or spec.diagonal)
    if spec.log_y:
        figure.update_yaxes(type="log")
    if spec.kind == "scatter":
        figure.update_traces(textfont_size=9, selector={"mode": "markers+text"})
    return figure
