-- Epoch AI's model prices with benchmark scores (3:1 blended USD per 1M tokens): the Artificial Analysis rows
-- and Epoch's own rows for models AA does not cover, newest vintage of each.
select *, 'artificial_analysis' as price_source from ({{ latest_vintage(source('raw', 'epoch_llm_prices_aa')) }})
union all by name
select *, 'epoch_ai' as price_source from ({{ latest_vintage(source('raw', 'epoch_llm_prices_other')) }})
