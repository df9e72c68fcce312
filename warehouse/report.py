"""A static HTML report of the headline charts, read from the warehouse (read-only), charts embedded as PNG."""

from __future__ import annotations

import base64
import html
import io
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # no display: render to memory
import matplotlib.pyplot as plt  # noqa: E402

from warehouse.db import connect_read, warehouse_target  # noqa: E402


@dataclass
class Chart:
    title: str
    caption: str
    sql: str
    png: bytes | None
    rows: int


def _png(figure) -> bytes:
    buffer = io.BytesIO()
    figure.tight_layout()
    figure.savefig(buffer, format="png", dpi=110)
    plt.close(figure)
    return buffer.getvalue()


def _price_index(conn) -> Chart:
    sql = """select month, gpu_model, median_usd_per_gpu_hour from marts.gpu_price_index
             where pricing = 'on_demand' and gpu_model in (
                 select gpu_model from marts.gpu_price_index where pricing = 'on_demand'
                 group by gpu_model order by sum(offers) desc limit 6)
             order by gpu_model, month"""
    rows = conn.execute(sql).fetchall()
    figure, axes = plt.subplots(figsize=(8, 4))
    for model in sorted({r[1] for r in rows}):
        months, prices = _with_gaps([(r[0], r[2]) for r in rows if r[1] == model])
        axes.plot(months, prices, marker="o", markersize=3, label=model)
    axes.set_ylabel("median USD per GPU-hour (on demand)")
    axes.legend(fontsize=8)
    return Chart("GPU rental price index", "Monthly median on-demand price per GPU-hour, the six most-offered chips "
                 "(marts.gpu_price_index).", sql, _png(figure) if rows else None, len(rows))


def _with_gaps(points: list[tuple]) -> tuple[list, list]:
    """Months and values with a break (NaN) where a month without data lies between two points, so a line never
    bridges months nobody observed."""
    months, values = [], []
    for month, value in points:
        if months and (month.year - months[-1].year) * 12 + month.month - months[-1].month > 1:
            months.append(month)
            values.append(float("nan"))
        months.append(month)
        values.append(value)
    return months, values


TREND_SQL = """select gpu_model, year, median_usd_per_gpu_hour, offers, sources from marts.gpu_price_trend
               where pricing = 'on_demand' and gpu_model in (
                   select gpu_model from marts.gpu_price_trend where pricing = 'on_demand'
                   group by gpu_model having count(*) >= 2 order by sum(offers) desc limit 6)
               order by gpu_model, year"""


def _trend(conn) -> Chart:
    rows = conn.execute(TREND_SQL).fetchall()
    figure, axes = plt.subplots(figsize=(8, 4))
    for model in sorted({r[0] for r in rows}):
        points = [r for r in rows if r[0] == model]
        axes.plot([r[1] for r in points], [r[2] for r in points], marker="o", label=model)
    axes.set_yscale("log")
    axes.set_ylabel("median USD per GPU-hour (on demand, log)")
    axes.xaxis.get_major_locator().set_params(integer=True)
    axes.legend(fontsize=8)
    return Chart("Is compute getting cheaper?", "Yearly median on-demand price per GPU-hour of the chips with at least two "
                 "covered years, from every price source (FSDL's table versions before 2025, then the catalogs, "
                 "trackers and marketplaces; marts.gpu_price_trend, which counts the offers and sources behind each "
                 "year).", TREND_SQL, _png(figure) if rows else None, len(rows))


FLAGSHIP_SQL = """select model, observed_on, min(usd_per_million_blended) as usd_per_million_blended
                  from marts.llm_api_prices
                  where usd_per_million_blended > 0 and model in (
                      select model from marts.llm_api_prices where usd_per_million_blended > 0
                      group by model
                      order by count(distinct source) desc, max(observed_on) - min(observed_on) desc, model limit 7)
                  group by all order by model, observed_on"""


def _flagship_prices(conn) -> Chart:
    rows = conn.execute(FLAGSHIP_SQL).fetchall()
    figure, axes = plt.subplots(figsize=(8, 4))
    for model in sorted({r[0] for r in rows}):
        points = [r for r in rows if r[0] == model]
        axes.plot([r[1] for r in points], [r[2] for r in points], marker="o", markersize=3, label=model)
    axes.set_yscale("log")
    axes.set_ylabel("USD per 1M tokens (3:1 blend, log)")
    axes.legend(fontsize=7, ncol=2)
    return Chart("What a million tokens cost: flagship models", "List price per million tokens (three input tokens to "
                 "one output, as Epoch AI and Artificial Analysis blend) of the seven models priced by the most lists over "
                 "the longest span, the lowest over the providers and lists that priced the model that day: litellm, OpenRouter, LLMRates, token-tariff (marts.llm_api_prices).",
                 FLAGSHIP_SQL, _png(figure) if rows else None, len(rows))


DECLINE_SQL = """select benchmark || ' >= ' || threshold_model as level, release_date, usd_per_million_blended
                 from staging.stg_epoch__llm_lowest_prices
                 where (benchmark, threshold_model) in (('MMLU', 'GPT-3.5'), ('MMLU', 'GPT-4-0314'),
                       ('GPQA Diamond', 'GPT-4-0314'), ('GPQA Diamond', 'GPT-4o-2024-05'))
                 order by level, release_date"""


def _decline(conn) -> Chart:
    rows = conn.execute(DECLINE_SQL).fetchall()
    factors = dict(conn.execute(
        "select benchmark || ' >= ' || threshold, fitted_yearly_decline_factor from marts.inference_price_decline "
        "where source = 'Epoch AI'").fetchall())
    figure, axes = plt.subplots(figsize=(8, 4))
    for level in sorted({r[0] for r in rows}):
        points = [r for r in rows if r[0] == level]
        factor = factors.get(level)
        label = f"{level} ({factor:.0f}x cheaper per year)" if factor else level
        axes.plot([r[1] for r in points], [r[2] for r in points], marker="o", drawstyle="steps-post", label=label)
    axes.set_yscale("log")
    axes.set_ylabel("cheapest USD per 1M tokens (log)")
    axes.legend(fontsize=7)
    return Chart("The same capability, cheaper every year", "The cheapest model at or above each capability level "
                 "over time and the yearly factor of Epoch AI's fit (Epoch AI, \"LLM inference prices have fallen "
                 "rapidly but unequally across tasks\", 2025; marts.inference_price_decline).",
                 DECLINE_SQL, _png(figure) if rows else None, len(rows))


def _investment(conn) -> Chart:
    sql = """select edition, year, usd_billions from marts.ai_investment
             where geography = 'World' and category = 'private' order by edition, year"""
    rows = conn.execute(sql).fetchall()
    figure, axes = plt.subplots(figsize=(8, 4))
    for edition in sorted({r[0] for r in rows}):
        points = [(r[1], r[2]) for r in rows if r[0] == edition]
        axes.plot([p[0] for p in points], [p[1] for p in points], marker="o", label=f"AI Index {edition}")
    axes.set_ylabel("private AI investment, billion USD")
    axes.legend(fontsize=8)
    return Chart("Private AI investment by year, per edition", "World private investment in AI as each AI Index "
                 "edition publishes it; editions revise history (marts.ai_investment).", sql,
                 _png(figure) if rows else None, len(rows))


def _scatter(conn, title: str, caption: str, sql: str, xlabel: str, ylabel: str) -> Chart:
    rows = [r for r in conn.execute(sql).fetchall() if r[1] and r[2] and r[1] > 0 and r[2] > 0]
    figure, axes = plt.subplots(figsize=(7, 5))
    axes.scatter([r[1] for r in rows], [r[2] for r in rows])
    for name, x, y in rows:
        axes.annotate(name, (x, y), fontsize=7, xytext=(3, 3), textcoords="offset points")
    if rows:
        low, high = min(min(r[1], r[2]) for r in rows), max(max(r[1], r[2]) for r in rows)
        axes.plot([low, high], [low, high], linestyle="--", color="grey", label="estimate = published")
        axes.set_xscale("log")
        axes.set_yscale("log")
        axes.legend(fontsize=8)
    axes.set_xlabel(xlabel)
    axes.set_ylabel(ylabel)
    return Chart(title, caption, sql, _png(figure) if rows else None, len(rows))


ADOPTION_SQL = """
    select function,
           max(share_of_respondents) filter (where measure = 'cost_decrease' and band ilike 'total%') as cost_decrease,
           max(share_of_respondents) filter (where measure = 'revenue_increase' and band ilike 'total%') as revenue_increase
    from marts.ai_adoption
    where technology = 'generative_ai' and measure in ('cost_decrease', 'revenue_increase')
      and year = (select max(year) from marts.ai_adoption where technology = 'generative_ai' and measure = 'cost_decrease')
    group by function
    order by cost_decrease nulls first"""


def _adoption(conn) -> Chart:
    rows = conn.execute(ADOPTION_SQL).fetchall()
    figure, axes = plt.subplots(figsize=(8, 4.5))
    positions = range(len(rows))
    axes.barh([p - 0.2 for p in positions], [(r[1] or 0) * 100 for r in rows], height=0.4, label="any cost decrease")
    axes.barh([p + 0.2 for p in positions], [(r[2] or 0) * 100 for r in rows], height=0.4, label="any revenue increase")
    axes.set_yticks(list(positions), [r[0] for r in rows], fontsize=8)
    axes.set_xlabel("% of respondents whose function uses generative AI")
    axes.legend(fontsize=8)
    return Chart("Who gets what back: generative AI's reported effects by function",
                 "Share of surveyed companies reporting any cost decrease and any revenue increase where they use "
                 "generative AI, latest survey year (McKinsey, in the AI Index economy chapter; marts.ai_adoption). "
                 "A function without a revenue bar has no revenue figure published.",
                 ADOPTION_SQL, _png(figure) if rows else None, len(rows))


def build_charts() -> list[Chart]:
    with connect_read() as conn:
        return [
            _price_index(conn),
            _trend(conn),
            _flagship_prices(conn),
            _decline(conn),
            _investment(conn),
            _scatter(conn, "Training emissions: estimated vs reported",
                     "Our estimate (GPU-hours x the part's power x PUE x grid intensity) against the AI Index figure, tCO2e "
                     "(marts.training_emissions).",
                     "select model, tco2e_reported, tco2e_estimated from marts.training_emissions "
                     "where tco2e_reported is not null and tco2e_estimated is not null",
                     "reported tCO2e", "estimated tCO2e"),
            _scatter(conn, "Training cost: estimated vs published",
                     "Our estimate (Epoch AI's cloud method from raw inputs where they allow, else chips x hours x "
                     "on-demand price) against the published cost, USD, the 25 costliest runs "
                     "(marts.training_costs).",
                     "select model, cost_usd_published, cost_usd_estimated from marts.training_costs "
                     "where cost_usd_published is not null and cost_usd_estimated is not null "
                     "order by cost_usd_published desc limit 25",
                     "published USD", "estimated USD"),
            _adoption(conn),
        ]


def render(charts: list[Chart]) -> str:
    parts = [
        "<!doctype html><html><head><meta charset='utf-8'><title>aimetrics report</title>",
        "<style>body{font-family:sans-serif;max-width:60rem;margin:2rem auto;color:#222}"
        "figure{margin:2rem 0}figcaption{color:#555}pre{background:#f4f4f4;padding:.5rem;font-size:.8rem;"
        "white-space:pre-wrap}</style></head><body>",
        "<h1>Why is generative AI so expensive, and who pays?</h1>",
        f"<p>Built {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC from <code>{html.escape(warehouse_target().describe())}"
        "</code>. Every chart lists the query it was drawn from.</p>",
    ]
    for chart in charts:
        parts.append(f"<figure><h2>{html.escape(chart.title)}</h2>")
        if chart.png:
            data = base64.b64encode(chart.png).decode()
            parts.append(f"<img alt='{html.escape(chart.title)}' src='data:image/png;base64,{data}'>")
        else:
            parts.append("<p><em>No data in the warehouse for this chart yet.</em></p>")
        parts.append(f"<figcaption>{html.escape(chart.caption)} ({chart.rows} points)</figcaption>")
        parts.append(f"<pre>{html.escape(' '.join(chart.sql.split()))}</pre></figure>")
    parts.append("</body></html>")
    return "\n".join(parts)


def write_report(output: Path) -> list[Chart]:
    charts = build_charts()
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(render(charts), encoding="utf-8")
    return charts
