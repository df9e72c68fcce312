"""The Azure Retail Prices connector against recorded responses in the API's documented format."""

import json

import httpx
import pytest

from ingest import fetch as fetch_module
from ingest.delivery import Delivery, RejectedDelivery
from ingest.settings import load_settings
from ingest.sources import azure
from tests.conftest import FIXTURES

PAGES = [json.loads((FIXTURES / "azure" / name).read_text()) for name in ("page1.json", "page2.json")]


def _api(responses):
    seen = []

    def handler(request):
        seen.append(str(request.url))
        return responses.pop(0)

    return httpx.Client(transport=httpx.MockTransport(handler)), seen


def test_pages_are_followed_through_next_page_link_with_retries_on_rate_limits(monkeypatch):
    monkeypatch.setattr("tenacity.nap.time.sleep", lambda seconds: None)
    client, seen = _api(
        [httpx.Response(200, json=PAGES[0]), httpx.Response(429, text="slow down"), httpx.Response(200, json=PAGES[1])]
    )
    pages = fetch_module.get_json_pages(azure.api_url(load_settings()), load_settings(), client)
    assert [len(p["Items"]) for p in pages] == [4, 3]
    assert seen[0].startswith("https://prices.azure.com/api/retail/prices?$filter=serviceName%20eq")
    assert seen[1] == seen[2] == PAGES[0]["NextPageLink"].replace(":443", "")  # the 429 was retried


def test_a_truncated_page_fails_with_the_page_number(monkeypatch):
    monkeypatch.setattr("tenacity.nap.time.sleep", lambda seconds: None)
    client, _ = _api([httpx.Response(200, json=PAGES[0]), httpx.Response(200, text='{"Items": [{"retail')])
    with pytest.raises(fetch_module.SourceUnavailable, match="could not fetch page 2 of"):
        fetch_module.get_json_pages(azure.api_url(load_settings()), load_settings(), client)


def test_a_poll_is_one_delivery_of_linux_gpu_prices(monkeypatch):
    monkeypatch.setattr(azure, "get_json_pages", lambda url, settings: PAGES)
    delivery = azure.locate(load_settings())[0]
    assert delivery.source_file == azure.api_url(load_settings())
    parsed = azure.parse(delivery)
    rows = parsed.rows.select(
        "arm_sku_name", "arm_region_name", "gpu_name", "gpu_count", "pricing", "usd_per_hour"
    ).rows()
    assert rows == [
        ("Standard_ND96isr_H100_v5", "exampleeast", "H100-SXM", 8, "on_demand", 90.0),
        ("Standard_ND96isr_H100_v5", "exampleeast", "H100-SXM", 8, "spot", 36.0),
        ("Standard_NC6s_v3", "examplewest", "V100", 1, "on_demand", 3.06),
    ]  # Windows, low-priority and non-GPU sizes are skipped
    assert parsed.quarantine["reason"].to_list() == ["retailPrice 0 is missing or not positive"]
    azure.AzureGpuPrices.validate(parsed.rows)


def test_a_truncated_recorded_page_is_rejected(tmp_path):
    path = tmp_path / "page.json"
    path.write_text('{"Items": [{"armSkuName": "Standard_NC6s_v3", "retail')
    with pytest.raises(RejectedDelivery, match="truncated or not valid JSON"):
        azure.parse(Delivery.from_file("azure_retail_prices", "2026-01-01", "page.json", path))
