"""What is wrong with the configuration before a run starts: a configured folder that does not exist, or a
mirror in which no source finds a file. A run over such a setting would succeed with empty tables."""

from __future__ import annotations

import os
from pathlib import Path

from ingest.settings import SourceSettings, source_settings

FOLDER_SETTINGS = ("AIMETRICS_DATA_DIR", "AIMETRICS_FUNDING_LAYOUTS_DIR", "AIMETRICS_GPU_FEEDS_DIR")


def problems(settings: SourceSettings | None = None) -> list[str]:
    settings = settings or source_settings()
    found = []
    for name in FOLDER_SETTINGS:
        value = os.environ.get(name, "").strip()
        if value and not Path(value).expanduser().is_dir():
            where = "" if Path(value).expanduser().is_absolute() else f" (relative to the current folder, {Path.cwd()})"
            found.append(f"{name}={value}: no such folder{where}")
    if settings.mirror_dir and settings.mirror_dir.is_dir() and not _mirror_is_read(settings):
        found.append(
            f"AIMETRICS_DATA_DIR={settings.mirror_dir}: no source finds a file in it; a mirror is laid out like "
            "shared/data (ai_index_2025/, epoch_ai_models/, gpu_prices/, ...)"
        )
    return found


def _mirror_is_read(settings: SourceSettings) -> bool:
    from ingest.sources import SOURCES

    mirror = settings.mirror_dir.resolve()
    for source in SOURCES.values():
        try:
            located = source.locate(settings)
        except Exception:  # noqa: BLE001 - a source that fails to locate is its own asset's failure, reported there
            continue
        if any(mirror in Path(delivery.path).resolve().parents for delivery in located):
            return True
    return False
