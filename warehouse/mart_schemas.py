"""pandera models of the typed mart tables: the same checks as on raw frames, run on what dbt built."""

from __future__ import annotations

import pandera.polars as pa
import polars as pl


class AiInvestment(pa.DataFrameModel):
    edition: pl.Int32 = pa.Field(ge=2017, le=2100)
    year: pl.Int32 = pa.Field(ge=1990, le=2100)
    geography: str = pa.Field(str_length={"min_value": 1})
    category: str = pa.Field(str_length={"min_value": 1})
    usd_billions: float = pa.Field(ge=0, lt=10_000)

    class Config:
        unique = ["edition", "year", "geography", "category"]


class GpuPrices(pa.DataFrameModel):
    observed_on: pl.Date
    gpu_model: str
    pricing: str
    gpu_count: float = pa.Field(gt=0)
    usd_per_hour: float = pa.Field(gt=0)
    usd_per_gpu_hour: float = pa.Field(gt=0, lt=1_000)


class TrainingCosts(pa.DataFrameModel):
    model: str = pa.Field(unique=True)
    chip_hours: float = pa.Field(nullable=True, gt=0)
    usd_per_chip_hour: float = pa.Field(nullable=True, gt=0, lt=1_000)
    cost_usd_estimated: float = pa.Field(nullable=True, ge=0)
    cost_usd_published: float = pa.Field(nullable=True, ge=0)


class FundingRounds(pa.DataFrameModel):
    round_id: str = pa.Field(unique=True)
    company: str = pa.Field(str_length={"min_value": 1})
    announced_on: pl.Date
    amount: float = pa.Field(nullable=True, gt=0)
    currency: str = pa.Field(nullable=True, str_matches=r"^[A-Z]{3}$")
    amount_usd: float = pa.Field(nullable=True, gt=0)
    amount_krw: float = pa.Field(nullable=True, gt=0)


MART_SCHEMAS = {
    "ai_investment": AiInvestment,
    "gpu_prices": GpuPrices,
    "training_costs": TrainingCosts,
    "funding_rounds": FundingRounds,
}
