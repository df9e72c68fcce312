"""What the report shows: one query per chart, columns (x, y, series, hover columns...), with its publisher."""

from __future__ import annotations

from warehouse.report_charts import Spec

_KRW_PER_USD = "(select rate_date, krw_per_unit from marts.fx_rates where currency = 'USD')"
_TOP_CHIPS = """select gpu_model from marts.gpu_price_index where pricing = 'on_demand'
                group by gpu_model order by sum(offers) desc limit 6"""
GPU_FEEDS = (
    "SkyPilot's catalogs, the daily GPU pricing tracker, Full Stack Deep Learning's table and its versions, "
    "Prime Intellect's marketplace, the multicloud daily feed and Azure's price API"
)

SPECS = (
    Spec(
        "GPU rental price per GPU-hour",
        f"Monthly median on-demand price per GPU-hour of the six most-offered chips, from {GPU_FEEDS} "
        "(marts.gpu_price_index). A month without offers is a gap, not a line.",
        f"""select i.month, i.median_usd_per_gpu_hour, i.gpu_model, i.offers, i.providers, i.source_names,
                    round(i.median_usd_per_gpu_hour * fx.krw_per_unit) as krw_per_gpu_hour
             from marts.gpu_price_index as i asof left join {_KRW_PER_USD} as fx on i.month >= fx.rate_date
             where i.pricing = 'on_demand' and i.gpu_model in ({_TOP_CHIPS})
             order by i.gpu_model, i.month""",
        "median USD per GPU-hour (on demand)",
        hover=("offers", "providers", "feeds", "KRW per GPU-hour"),
        gaps_by_month=True,
    ),
    Spec(
        "GPU rental price per PFLOP-hour",
        "The same medians per petaFLOP-hour of 16-bit peak compute (the chip's peak from Epoch AI's hardware data): "
        "what a unit of compute costs, across chip generations (marts.gpu_price_index).",
        f"""select i.month, i.usd_per_pflop_hour, i.gpu_model, i.offers, i.peak_flops_16bit,
                    round(i.usd_per_pflop_hour * fx.krw_per_unit) as krw_per_pflop_hour
             from marts.gpu_price_index as i asof left join {_KRW_PER_USD} as fx on i.month >= fx.rate_date
             where i.pricing = 'on_demand' and i.usd_per_pflop_hour is not null and i.gpu_model in ({_TOP_CHIPS})
             order by i.gpu_model, i.month""",
        "USD per PFLOP-hour (log)",
        log_y=True,
        hover=("offers", "peak FLOP/s", "KRW per PFLOP-hour"),
        gaps_by_month=True,
    ),
    Spec(
        "Is compute getting cheaper?",
        f"Yearly median on-demand price per GPU-hour of chips with two or more covered years, from {GPU_FEEDS} "
        "(marts.gpu_price_trend, with the offers and sources behind each year).",
        """select year, median_usd_per_gpu_hour, gpu_model, offers, source_names, round(yearly_change_factor, 2)
            from marts.gpu_price_trend
            where pricing = 'on_demand' and gpu_model in (
                select gpu_model from marts.gpu_price_trend where pricing = 'on_demand'
                group by gpu_model having count(*) >= 2 order by sum(offers) desc limit 6)
            order by gpu_model, year""",
        "median USD per GPU-hour (log)",
        log_y=True,
        hover=("offers", "feeds", "change per year"),
    ),
    Spec(
        "Training cost of frontier runs over time",
        "Published training cost (the AI Index's figure, else Epoch AI's) and our estimate by Epoch AI's cloud "
        "method from raw inputs, per model by publication date (marts.frontier_runs).",
        """select publication_date, cost_usd_published, 'published', model, cost_source, cost_krw_published
            from marts.frontier_runs where cost_usd_published > 0
            union all
            select publication_date, cost_usd_estimated, 'our estimate (Epoch AI cloud method)', model,
                   estimate_method, cost_krw_estimated
            from marts.frontier_runs where cost_usd_estimated > 0
            order by 3, 1""",
        "USD (log)",
        log_y=True,
        kind="points",
        hover=("model", "source or method", "KRW"),
    ),
    Spec(
        "Private AI investment by year, per AI Index edition",
        "World private investment in AI as each AI Index edition publishes it (Stanford HAI, data from NetBase "
        "Quid and Quid); editions revise history (marts.ai_investment).",
        f"""select i.year, i.usd_billions, 'AI Index ' || i.edition, i.figure_id,
                    round(i.usd_billions * fx.krw_per_unit / 1000, 1) as krw_trillion
             from marts.ai_investment as i asof left join {_KRW_PER_USD} as fx
                  on make_date(i.year, 12, 31) >= fx.rate_date
             where i.geography = 'World' and i.category = 'private' and i.measure = 'annual'
             order by i.edition, i.year""",
        "billion USD",
        hover=("figure", "trillion KRW (year-end rate)"),
    ),
    Spec(
        "Private AI investment by country, latest edition and year",
        "The twelve countries with the most private AI investment in the newest AI Index edition's latest year "
        "(Stanford HAI; marts.ai_investment_latest).",
        """select geography, usd_billions, 'AI Index ' || edition || ', ' || year, figure_id
            from marts.ai_investment_latest
            where category = 'private' and measure = 'annual'
              and geography not in ('World', 'European Union', 'Europe', 'Rest of the world')
              and year = (select max(year) from marts.ai_investment_latest where category = 'private'
                          and measure = 'annual' and geography <> 'World')
            order by usd_billions desc limit 12""",
        "billion USD",
        kind="bar",
        hover=("figure",),
    ),
    Spec(
        "The largest funding rounds",
        "The twenty largest AI funding rounds in the warehouse, closed or announced (not those still in discussion), "
        "from Crunchbase exports, Epoch AI's AI companies data and the AI Index 2021 event list (marts.funding_rounds; "
        "amounts in USD at the ECB rate of the deal's day).",
        """select company || ' (' || strftime(announced_on, '%Y-%m') || ')', amount_usd / 1e9, source, round_type,
                   country, round(amount_krw / 1e12, 2) as krw_trillion
            from marts.funding_rounds where amount_usd is not null and counts_as_raised
            order by amount_usd desc limit 20""",
        "billion USD",
        kind="bar",
        hover=("round", "country", "trillion KRW"),
    ),
    Spec(
        "Who pays: money raised since 2023, per company",
        "Closed or announced rounds since 2023 (not those still in discussion) per company, one company across every "
        "source's spelling (marts.companies). Deal-level data after 2020 covers a few dozen companies (Epoch AI's "
        "labs, one portfolio list): not a ranking of the market; hover for the sources and their years.",
        """select company, raised_usd_since_2023 / 1e9, 'raised since 2023', rounds,
                   round(latest_valuation_post_money_usd / 1e9) as valuation_busd, sources_and_years
            from marts.companies where raised_usd_since_2023 > 0
            order by raised_usd_since_2023 desc, company limit 12""",
        "billion USD",
        kind="bar",
        hover=("rounds", "latest valuation, billion USD", "sources and years"),
    ),
    Spec(
        "Training emissions: estimated vs reported",
        "Our estimate (GPU-hours x the part's power x PUE x grid intensity, each from its reference source) against "
        "the figure the AI Index reports, tCO2e (marts.training_emissions).",
        """select tco2e_reported, tco2e_estimated, model, reported_source, assumptions from marts.training_emissions
            where tco2e_reported > 0 and tco2e_estimated > 0""",
        "estimated tCO2e (log)",
        log_y=True,
        kind="scatter",
        hover=("reported by", "assumptions"),
        diagonal=True,
    ),
    Spec(
        "Growth rates: recomputed vs published",
        "Each headline rate recomputed from the warehouse's rows by its publisher's method (subset, log-linear OLS on "
        "the date, bootstrap 90% interval) against the rate the publisher states: growth per year, a decline below 1 "
        "(marts.trend_rates, seed published_trend_rates).",
        """select sqrt(published_growth_low * published_growth_high) as published, growth_per_year, measure || ': ' ||
                   subset as rate, publisher,
                   round(growth_per_year_low, 2) || '-' || round(growth_per_year_high, 2) as interval_90
            from marts.trend_rates where published_growth_low > 0 order by measure, subset""",
        "recomputed growth per year (log)",
        log_y=True,
        kind="scatter",
        hover=("published by", "90% interval"),
        diagonal=True,
    ),
    Spec(
        "Training cost: estimated vs published",
        "Our estimate against the published cost (AI Index, Epoch AI), USD, the 25 costliest runs (marts.training_costs).",
        """select cost_usd_published, cost_usd_estimated, model, cost_source, estimate_method
            from marts.training_costs where cost_usd_published > 0 and cost_usd_estimated > 0
            order by cost_usd_published desc limit 25""",
        "estimated USD (log)",
        log_y=True,
        kind="scatter",
        hover=("published by", "method"),
        diagonal=True,
    ),
    Spec(
        "What a million tokens cost: flagship models",
        "List price per million tokens (three input tokens to one output, as Epoch AI and Artificial Analysis blend) "
        "of the seven models priced by the most lists over the longest span, the lowest over the providers and "
        "lists that priced it that day: litellm, OpenRouter, LLMRates, token-tariff (marts.llm_api_prices).",
        """select observed_on, min(usd_per_million_blended), model, string_agg(distinct source, ', '),
                   round(min(krw_per_million_blended))
            from marts.llm_api_prices
            where usd_per_million_blended > 0 and model in (
                select model from marts.llm_api_prices where usd_per_million_blended > 0 group by model
                order by count(distinct source) desc, max(observed_on) - min(observed_on) desc, model limit 7)
            group by observed_on, model order by model, observed_on""",
        "USD per 1M tokens (3:1 blend, log)",
        log_y=True,
        hover=("lists", "KRW per 1M tokens"),
    ),
    Spec(
        "The same capability, cheaper every year",
        "The cheapest model at or above each capability level over time; the series name carries the yearly factor "
        'of Epoch AI\'s fit (Epoch AI, "LLM inference prices have fallen rapidly but unequally across tasks", '
        "2025; marts.inference_price_decline).",
        """select p.release_date, p.usd_per_million_blended,
                   p.benchmark || ' >= ' || p.threshold_model || ' (' || round(d.fitted_yearly_decline_factor) ||
                   'x cheaper per year)', p.model
            from staging.stg_epoch__llm_lowest_prices as p
            join marts.inference_price_decline as d
              on d.source = 'Epoch AI' and d.benchmark = p.benchmark and d.threshold = p.threshold_model
            where (p.benchmark, p.threshold_model) in (('MMLU', 'GPT-3.5'), ('MMLU', 'GPT-4-0314'),
                  ('GPQA Diamond', 'GPT-4-0314'), ('GPQA Diamond', 'GPT-4o-2024-05'))
            order by 3, 1""",
        "cheapest USD per 1M tokens (log)",
        log_y=True,
        kind="steps",
        hover=("model",),
    ),
    Spec(
        "What serving costs a day",
        "SemiAnalysis's ChatGPT fleet (28,936 A100s, February 2023) at its published daily cost and at the "
        "warehouse's own A100 price per pricing model (marts.serving_cost_estimates).",
        """select 'published (' || publisher || ')', any_value(published_usd_per_day), model,
                   round(any_value(published_krw_per_day) / 1e6) from marts.serving_cost_estimates group by all
            union all
            select pricing || ' price of ' || strftime(price_month, '%Y-%m'), estimated_usd_per_day, model,
                   round(estimated_krw_per_day / 1e6)
            from marts.serving_cost_estimates where pricing is not null
            order by 2""",
        "USD per day",
        kind="bar",
        hover=("million KRW per day",),
    ),
    Spec(
        "Who gets what back: generative AI's reported effects by function",
        "Share of surveyed companies reporting any cost decrease and any revenue increase where they use "
        "generative AI, latest survey year (McKinsey, in the AI Index economy chapter; marts.ai_adoption).",
        """select function, share_of_respondents * 100, measure, band
            from marts.ai_adoption
            where technology = 'generative_ai' and measure in ('cost_decrease', 'revenue_increase') and band ilike 'total%'
              and year = (select max(year) from marts.ai_adoption where technology = 'generative_ai'
                          and measure = 'cost_decrease')
            order by measure, function""",
        "% of respondents",
        kind="bar",
        hover=("band",),
    ),
)
