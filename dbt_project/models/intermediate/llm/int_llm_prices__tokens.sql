-- The standard (untiered) per-token list prices of every text model, one row per source, model name, provider,
-- region and day observed: input and output in USD and KRW per million tokens at the ECB rate of the day (a
-- provider's own currency, CNY say, through its EUR cross rate; a currency without a rate within a week of the day
-- stays unconverted, with `fx_note` saying why). Prices per image, second or character, cache and
-- batch tiers stay in staging with their unit; they are never read as per-token prices. `provider` is one name
-- across lists (lower case), `source_provider` the list's own spelling.
{% set not_text = ['embedding', 'image_generation', 'image_edit', 'audio_transcription', 'audio_speech', 'rerank',
                   'moderation', 'video_generation', 'search', 'ocr', 'video', 'image', 'tts', 'music',
                   'transcription', 'realtime'] %}
with tokens as (
    select * from {{ ref('stg_llm__list_prices') }}
    where unit = 'token' and kind in ('input', 'output') and tier is null
      and coalesce(mode, 'chat') not in (
          {%- for m in not_text %}
          '{{ m }}'{{ ',' if not loop.last }}
          {%- endfor %}
      )
      -- OpenRouter names the modality (`text+image->text`): a model whose output is text
      and (source <> 'openrouter' or coalesce(mode, '->text') like '%->text%')
),

paired as (
    select
        observed_on, source, source_model_name, provider, region, currency,
        max(price_per_unit) filter (where kind = 'input') * 1e6 as input_per_million,
        max(price_per_unit) filter (where kind = 'output') * 1e6 as output_per_million,
        min(mode) as mode, min(date_basis) as date_basis, min(source_url) as source_url,
        max(vintage) as vintage, min(source_file) as source_file
    from tokens
    group by observed_on, source, source_model_name, provider, region, currency
),

rates as (
    select rate_date, currency, usd_per_unit, krw_per_unit from {{ ref('int_fx__cross_rates') }}
),

converted as (
    select paired.*, rates.rate_date, rates.krw_per_unit / rates.usd_per_unit as krw_per_usd,
           case when paired.currency = 'USD' then 1.0
                when {{ fx_is_fresh('rates.rate_date', 'paired.observed_on') }} then rates.usd_per_unit
            end as usd_per_unit,
           {{ fx_is_fresh('rates.rate_date', 'paired.observed_on') }} as fresh
    from paired
    asof left join rates on rates.currency = paired.currency and paired.observed_on >= rates.rate_date
    where paired.input_per_million is not null and paired.output_per_million is not null
)

select
    observed_on,
    source,
    source_model_name,
    lower(trim(provider)) as provider,  -- one name per provider across lists (`OpenAI` and `openai` are one)
    provider as source_provider,
    coalesce(region, {{ llm_route_region('source_model_name') }}) as region,
    mode,
    currency,
    input_per_million * usd_per_unit as usd_per_million_input_tokens,
    output_per_million * usd_per_unit as usd_per_million_output_tokens,
    case when fresh then krw_per_usd end as krw_per_usd,
    case when fresh then rate_date end as fx_rate_date,
    {{ fx_note('currency', 'rate_date', 'observed_on') }} as fx_note,
    date_basis,
    source_url,
    vintage,
    source_file
from converted
