"""Epoch AI's data behind "LLM inference prices have fallen rapidly but unequally across tasks" (2025-03,
epoch-research/llm-benchmark-efficiency): model prices (a 3:1 blended USD per million tokens, as Artificial
Analysis blends them) with benchmark scores, and, per benchmark and capability threshold, the cheapest model at
or above it over time (`lowest_price_models_data.csv`), from which dbt fits Epoch's yearly decline."""

from __future__ import annotations

from ingest.sources import epoch
from ingest.sources.epoch import Dataset

REPO = "https://raw.githubusercontent.com/epoch-research/llm-benchmark-efficiency/main/{path}"
FOLDER = "llm_prices/epoch_llm_benchmark_efficiency"
_PRICE_COLUMNS = (
    ("Model Name", "model", "text"),
    ("Release Date", "release_date", "date"),  # YYYY-MM-DD in one file, YYYY-MM in the other
    ("USD per 1M Tokens", "usd_per_million_blended", "number"),
    ("MMLU", "mmlu", "number"),
    ("GPQA Diamond", "gpqa_diamond", "number"),
    ("HumanEval", "humaneval", "number"),
    ("MATH-500", "math_500", "number"),
    ("LMSys Chatbot Arena ELO", "arena_elo", "number"),
    ("MATH 5", "math_5", "number"),
)

DATASETS = (
    Dataset(
        name="epoch_llm_prices_aa",
        raw_table="epoch_llm_prices_aa",
        mirror_path=f"{FOLDER}/aa_data_with_math5.csv",
        url=REPO.format(path="data/aa_data_with_math5.csv"),
        key=("model",),
        columns=_PRICE_COLUMNS,
        description="Epoch AI: Artificial Analysis model prices (3:1 blended USD per 1M tokens) with benchmark scores.",
    ),
    Dataset(
        name="epoch_llm_prices_other",
        raw_table="epoch_llm_prices_other",
        mirror_path=f"{FOLDER}/epoch_ai_price_data_not_in_aa_with_benchmarks.csv",
        url=REPO.format(path="data/epoch_ai_price_data_not_in_aa_with_benchmarks.csv"),
        key=("model",),
        columns=_PRICE_COLUMNS,
        description="Epoch AI: prices of models Artificial Analysis does not cover, with benchmark scores.",
    ),
    Dataset(
        name="epoch_llm_lowest_prices",
        raw_table="epoch_llm_lowest_prices",
        mirror_path=f"{FOLDER}/lowest_price_models_data.csv",
        url=REPO.format(
            path="results/default/lowest_price_models_above_previous_frontier/lowest_price_models_data.csv"
        ),
        key=("benchmark", "threshold_model", "model", "release_date"),
        unique_key=False,
        columns=(
            ("bench", "benchmark", "text"),
            ("threshold_model", "threshold_model", "text"),
            ("performance_range", "performance_range", "text"),
            ("Model Name", "model", "text"),
            ("Release Date", "release_date", "date"),
            ("USD per 1M Tokens", "usd_per_million_blended", "number"),
            ("predicted_log_price", "epoch_fitted_usd_per_million", "number"),
            ("benchmark_score", "benchmark_score", "number"),
        ),
        description="Epoch AI: per benchmark and threshold, the cheapest model at or above it over time.",
    ),
)

DECLARATIONS = tuple(epoch.declared(dataset, "llm_prices") for dataset in DATASETS)
