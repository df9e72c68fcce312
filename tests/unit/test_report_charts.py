"""The report's charts on hand-made rows: a headline sentence with the chart's number, one colour per entity
across charts, year ticks as years, log axes labelled, and units in every hover."""

from datetime import date

from warehouse.report_charts import Spec, colours_for, draw, headline

PRICES = Spec("price", "", "", "median USD per GPU-hour (log)", log_y=True)
YEARS = Spec("investment", "", "", "billion USD")
BARS = Spec("rounds", "", "", "billion USD", kind="bar")
DIAGONAL = Spec("estimates", "", "", "estimated USD (log)", log_y=True, kind="scatter", diagonal=True)

PRICE_ROWS = [
    (date(2024, 1, 1), 4.0, "H100 SXM"),
    (date(2024, 2, 1), 3.0, "H100 SXM"),
    (date(2024, 3, 1), 2.0, "H100 SXM"),
    (date(2024, 1, 1), 1.5, "A100 80GB"),
    (date(2024, 3, 1), 1.2, "A100 80GB"),
]


def test_a_headline_says_the_charts_number():
    assert headline(PRICES, PRICE_ROWS) == (
        "H100 SXM: 4 in 2024-01 to 2 median USD per GPU-hour in 2024-03, 2x lower (2 series)."
    )
    assert (
        headline(YEARS, [(2013, 5.0, "AI Index 2025"), (2024, 150.0, "AI Index 2025")])
        == "AI Index 2025: 5 in 2013 to 150 billion USD in 2024, 30x higher (1 series)."
    )
    assert (
        headline(BARS, [("OpenAI (2025-03)", 40.0, "epoch"), ("xAI (2024-12)", 6.0, "epoch")])
        == "Largest: OpenAI (2025-03) at 40 billion USD (epoch), of 2 bars."
    )
    assert (
        headline(DIAGONAL, [(100.0, 100.0, "a"), (100.0, 110.0, "b"), (100.0, 300.0, "c")])
        == "Median estimate / published: 1.10 over 3 models (2 within 1.25x)."
    )
    assert headline(PRICES, []) == ""


def test_an_entity_keeps_its_colour_from_chart_to_chart():
    other = [(date(2024, 1, 1), 9.0, "B200"), (date(2024, 1, 1), 2.0, "H100 SXM")]
    colours = colours_for([(PRICES, PRICE_ROWS), (PRICES, other)])
    first, second = draw(PRICES, PRICE_ROWS, colours), draw(PRICES, other, colours)
    colour = {
        trace.name: trace.line.color for figure in (first, second) for trace in figure.data if trace.name == "H100 SXM"
    }
    assert colour == {"H100 SXM": colours["H100 SXM"]} and len(set(colours.values())) == 3


def test_years_are_years_log_axes_are_labelled_and_hovers_carry_the_unit():
    years = draw(YEARS, [(2022, 1.0, "a"), (2023, 2.0, "a"), (2024, 3.0, "a")])
    assert years.layout.xaxis.tickformat == "d" and years.layout.xaxis.dtick == 1
    prices = draw(PRICES, PRICE_ROWS)
    assert prices.layout.yaxis.type == "log" and prices.layout.yaxis.dtick == "D2"  # within a decade: 1-2-5
    wide = draw(PRICES, [(date(2024, 1, 1), 0.01, "x"), (date(2024, 2, 1), 50.0, "x")])
    assert wide.layout.yaxis.dtick == 1  # a label per decade
    assert "%{x}: %{y:,.4~g} median USD per GPU-hour<extra>" in prices.data[0].hovertemplate
