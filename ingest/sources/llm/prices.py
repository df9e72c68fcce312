"""The long shape every LLM price list lands in: a price per model, provider and priced quantity, as published.

`unit` is what the price is for (`token`, `character`, `second`, `image`, `request`, ...) and `per` how many of
them (1 for per-token lists, 1,000,000 for per-million lists): a price per image is never read as a price per
token. `kind` says which side of a call it prices (`input`, `output`, `cache_read`, ...), `tier` a variant of
the list price (`batch`, `priority`, `above_200k_tokens`; null for the standard price).
"""

from __future__ import annotations

from functools import partial

import pandera.polars as pa
import polars as pl

from ingest.sources.declaration import Source

KINDS = ("input", "output", "cache_read", "cache_write", "reasoning", "request", "image", "other")


class ListPrices(pa.DataFrameModel):
    observed_on: pl.Date
    model_key: str = pa.Field(str_length={"min_value": 1})
    provider: str = pa.Field(nullable=True)
    mode: str = pa.Field(nullable=True)
    kind: str = pa.Field(isin=list(KINDS))
    unit: str = pa.Field(str_length={"min_value": 1})
    tier: str = pa.Field(nullable=True)
    region: str = pa.Field(nullable=True)
    currency: str = pa.Field(str_matches=r"^[A-Z]{3}$")
    price: float = pa.Field(ge=0, lt=1e9)
    per: float = pa.Field(gt=0)
    date_basis: str
    source_url: str = pa.Field(nullable=True)

    class Config:
        strict = True


price_list = partial(Source, schema=ListPrices, arrives_as="url", subject="llm_prices")
"""The declaration of an LLM price list: what every list shares (its rows' shape, fetched by URL, its group) is
given here; a list's module names the rest."""
