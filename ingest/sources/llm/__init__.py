"""LLM API price lists: one source per feed (litellm, OpenRouter, LLMRates, token-tariff), each landing its
prices in the same long shape (`prices.ListPrices`): one row per model, provider and priced quantity, in the
unit and currency the feed documents. dbt converts them to USD and KRW per million tokens."""
