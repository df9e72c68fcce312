"""The Epoch AI data sets the warehouse ingests, each declared once: file, URL, natural key and typed columns
(the machinery that reads them is ingest/sources/epoch.py)."""

from __future__ import annotations

from ingest.sources import epoch
from ingest.sources.epoch import COST_TRENDS_URL, EPOCH_DATA_URL, Dataset

_MODEL_COLUMNS = (
    ("Model", "model", "text"),
    ("Organization", "organization", "list"),
    ("Publication date", "publication_date", "date"),
    ("Domain", "domain", "list"),
    ("Parameters", "parameters", "number"),
    ("Training compute (FLOP)", "training_compute_flop", "number"),
    ("Training dataset size (datapoints)", "training_dataset_size", "number"),
    ("Training time (hours)", "training_time_hours", "number"),
    ("Training hardware", "training_hardware", "list"),
    ("Hardware quantity", "hardware_quantity", "number"),
    ("Country (of organization)", "country", "list"),
    ("Model accessibility", "model_accessibility", "text"),
    ("Confidence", "confidence", "text"),
)

DATASETS = {
    d.name: d
    for d in (
        Dataset(
            name="epoch_notable_models",
            raw_table="epoch_notable_models",
            mirror_path="epoch_ai_models/notable_ai_models.csv",
            url=EPOCH_DATA_URL.format(name="notable_ai_models.csv"),
            key=("model",),
            columns=_MODEL_COLUMNS
            + (
                ("Hardware utilization", "hardware_utilization", "number"),
                ("Training compute cost (2023 USD)", "training_compute_cost_2023_usd", "number"),
                ("Training power draw (W)", "training_power_draw_w", "number"),
                ("Organization categorization", "organization_categorization", "list"),
                ("Frontier model", "frontier_model", "text"),
            ),
            description="Epoch AI notable AI models: compute, hardware, training time, cost, power.",
        ),
        Dataset(
            name="epoch_large_scale_models",
            raw_table="epoch_large_scale_models",
            mirror_path="epoch_ai_models/large_scale_ai_models.csv",
            url=EPOCH_DATA_URL.format(name="large_scale_ai_models.csv"),
            key=("model",),
            columns=_MODEL_COLUMNS,
            description="Epoch AI large-scale AI models (over 10^23 FLOP).",
        ),
        Dataset(
            name="epoch_ml_hardware",
            raw_table="epoch_ml_hardware",
            mirror_path="epoch_ml_hardware/ml_hardware.csv",
            url=EPOCH_DATA_URL.format(name="ml_hardware.csv"),
            key=("hardware_name",),
            columns=(
                ("Hardware name", "hardware_name", "text"),
                ("Manufacturer", "manufacturer", "text"),
                ("Type", "type", "text"),
                ("Release date", "release_date", "date"),
                ("Release price (USD)", "release_price_usd", "number"),
                ("FP32 (single precision) performance (FLOP/s)", "fp32_flops", "number"),
                ("FP16 (half precision) performance (FLOP/s)", "fp16_flops", "number"),
                ("TF32 (TensorFloat-32) performance (FLOP/s)", "tf32_flops", "number"),
                ("Tensor-FP16/BF16 performance (FLOP/s)", "tensor_fp16_bf16_flops", "number"),
                ("FP8 performance (FLOP/s)", "fp8_flops", "number"),
                ("INT8 performance (OP/s)", "int8_ops", "number"),
                ("Memory size per board (Byte)", "memory_bytes", "number"),
                ("Memory bandwidth (byte/s)", "memory_bandwidth_bytes_per_s", "number"),
                ("TDP (W)", "tdp_watts", "number"),
                ("Process size (nm)", "process_size_nm", "number"),
                ("Foundry", "foundry", "text"),
            ),
            description="Epoch AI machine-learning hardware: release date and price, FLOP/s by precision, TDP.",
        ),
        Dataset(
            name="epoch_gpu_clusters",
            raw_table="epoch_gpu_clusters",
            mirror_path="epoch_gpu_clusters/gpu_clusters.csv",
            url=EPOCH_DATA_URL.format(name="gpu_clusters.csv"),
            key=("name",),
            unique_key=False,  # 257 distinct Chinese systems are all published as "Anonymized Chinese System"
            columns=(
                ("Name", "name", "text"),
                ("Status", "status", "text"),
                ("Certainty", "certainty", "text"),
                ("Country", "country", "list"),
                ("Owner", "owner", "list"),
                ("Sector", "sector", "text"),
                ("First Operational Date", "first_operational_date", "date"),
                ("Chip type (primary)", "chip_type", "text"),
                ("Chip quantity (primary)", "chip_quantity", "number"),
                ("Total number of AI chips", "total_ai_chips", "number"),
                ("H100 equivalents", "h100_equivalents", "number"),
                ("Power Capacity (MW)", "power_capacity_mw", "number"),
                ("Hardware Cost", "hardware_cost_usd", "number"),
            ),
            description="Epoch AI GPU clusters (AI supercomputers): chips, power, cost, owner, country.",
        ),
        Dataset(
            name="epoch_company_funding_rounds",
            raw_table="epoch_company_funding_rounds",
            mirror_path="epoch_ai_companies/ai_companies_funding_rounds.csv",
            url=EPOCH_DATA_URL.format(name="ai_companies_funding_rounds.csv"),
            key=("round_id",),
            columns=(
                ("Id", "round_id", "text"),
                ("Company", "company", "text"),
                ("Close date", "close_date", "date"),
                ("Status", "status", "text"),
                ("Funding (equity)", "funding_equity_usd", "number"),
                ("Funding (debt)", "funding_debt_usd", "number"),
                ("Valuation (post-money)", "valuation_post_money_usd", "number"),
                ("Report date", "report_date", "date"),
                ("Type", "type", "text"),
                ("Confidence", "confidence", "text"),
            ),
            description="Epoch AI funding rounds of frontier AI companies (closed and in discussion).",
        ),
        Dataset(
            name="epoch_company_revenue",
            raw_table="epoch_company_revenue",
            mirror_path="epoch_ai_companies/ai_companies_revenue_reports.csv",
            url=EPOCH_DATA_URL.format(name="ai_companies_revenue_reports.csv"),
            key=("company", "date"),
            unique_key=False,  # the same company and day can carry two reports (e.g. run-rate and booked)
            columns=(
                ("Company", "company", "text"),
                ("Date", "date", "date"),
                ("Revenue amount (normalize to annual)", "annualized_revenue_usd", "number"),
            ),
            description="Epoch AI revenue reports of frontier AI companies, normalized to annual.",
        ),
        Dataset(
            name="epoch_company_compute_spend",
            raw_table="epoch_company_compute_spend",
            mirror_path="epoch_ai_companies/ai_companies_compute_spend.csv",
            url=EPOCH_DATA_URL.format(name="ai_companies_compute_spend.csv"),
            key=("spend_id",),
            columns=(
                ("Id", "spend_id", "text"),
                ("Company", "company", "text"),
                ("Amount", "amount_usd", "number"),
                ("Category", "category", "list"),
                ("Period type", "period_type", "text"),
                ("Date", "date", "date"),
                ("Report date", "report_date", "date"),
                ("Confidence", "confidence", "text"),
            ),
            description="Epoch AI compute spending of frontier AI companies.",
        ),
        Dataset(
            name="epoch_model_costs",
            raw_table="epoch_model_costs",
            mirror_path="epoch_training_cost_trends/model_costs.csv",
            url=COST_TRENDS_URL.format(name="model_costs.csv"),
            key=("model",),
            columns=(
                ("Model", "model", "text"),
                ("Cloud_Cost", "cloud_cost_usd", "number"),
                ("Hardware_Acquisition_Cost", "hardware_acquisition_cost_usd", "number"),
                ("Hardware_Capex_Energy_Cost", "hardware_capex_energy_cost_usd", "number"),
            ),
            description="Epoch AI training cost of frontier models by three methods (Cottier et al. 2024).",
        ),
        Dataset(
            name="epoch_all_ml_systems",
            raw_table="epoch_all_ml_systems",
            mirror_path="epoch_training_cost_trends/All ML Systems - full view.csv",
            url=COST_TRENDS_URL.format(name="data/All%20ML%20Systems%20-%20full%20view.csv"),
            key=("model",),
            columns=(
                ("Model", "model", "text"),
                ("Organization", "organization", "list"),
                ("Publication date", "publication_date", "date"),
                ("Training data center", "training_data_center", "text"),
                ("Training cloud compute vendor", "training_cloud_vendor", "text"),
                ("Training chip-hours", "training_chip_hours", "number"),
                ("Training compute cost (2023 USD)", "training_compute_cost_2023_usd", "number"),  # "$29827341.92"
                ("Last modified", "last_modified", "text"),
                # the inputs of Epoch's cost methods (Cottier et al. 2024), read from this file as Epoch does
                ("Training hardware", "training_hardware", "text"),
                ("Hardware quantity", "hardware_quantity", "number"),
                ("Training time (hours)", "training_time_hours", "number"),
                ("Hardware utilization (MFU)", "hardware_utilization_mfu", "number"),
                ("Training compute (FLOP)", "training_compute_flop", "number"),
                ("Base model", "base_model", "text"),
            ),
            description="Epoch AI's full view of ML systems (training cost trends): data centres, cloud vendors, chip-hours.",
        ),
        Dataset(
            name="epoch_hardware_prices",
            raw_table="epoch_hardware_prices",
            mirror_path="epoch_training_cost_trends/Hardware prices.csv",
            url=COST_TRENDS_URL.format(name="data/Hardware%20prices.csv"),
            key=("hardware_model", "price_date"),
            unique_key=False,  # one chip has several vendors and locations on the same day
            columns=(
                ("Hardware model", "hardware_model", "text"),
                ("Price date", "price_date", "date"),
                ("Manufacturer", "manufacturer", "text"),
                ("Vendor", "vendor", "text"),
                ("Location", "location", "text"),
                ("Price per chip-hour (on-demand)", "usd_per_chip_hour_on_demand", "number"),
                ("Price per chip-hour (1-year CUD)", "usd_per_chip_hour_1y_commit", "number"),
                ("Price per chip-hour (3-year CUD)", "usd_per_chip_hour_3y_commit", "number"),
                ("Price (hardware purchase)", "purchase_price_usd", "number"),
                ("Number of GPUs", "gpus", "number"),
                ("Price source", "price_source", "text"),
                ("Notes", "notes", "text"),
            ),
            record_numbers=True,  # Epoch's method tries "the other" vendors in the order they first appear
            description="Epoch AI dated hardware prices 2010-2025: cloud rental per chip-hour and purchase prices.",
        ),
        Dataset(
            name="epoch_price_index",
            raw_table="epoch_price_index",
            mirror_path="epoch_training_cost_trends/PCU518210518210.csv",
            url=COST_TRENDS_URL.format(name="data/PCU518210518210.csv"),
            key=("month",),
            columns=(
                ("observation_date", "month", "date"),
                ("PCU518210518210", "ppi", "number"),
            ),
            description="US producer price index for data processing and hosting (FRED PCU518210518210), "
            "Epoch's inflation adjustment of training costs.",
        ),
    )
}

DECLARATIONS = tuple(epoch.declared(dataset, "epoch") for dataset in DATASETS.values())
