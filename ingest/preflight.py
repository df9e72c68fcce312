"""What is wrong with the configuration before a run starts: a configured folder that does not exist, or a
mirror in which no source finds a file. A run over such a setting would succeed with empty tables."""

from __future__ import annotations

from pathlib import Path

from ingest.settings import FOLDER_FIELDS, Settings, env_name, load_settings


def problems(settings: Settings | None = None) -> list[str]:
    settings = settings or load_settings()
    found = []
    for field in FOLDER_FIELDS:
        folder = getattr(settings, field)
        if folder and not folder.is_dir():
            found.append(f"{env_name(field)}: no such folder {folder} (a relative path is read from {Path.cwd()})")
    if settings.mirror_dir and settings.mirror_dir.is_dir() and not _mirror_is_read(settings):
        found.append(
            f"AIMETRICS_DATA_DIR={settings.mirror_dir}: no source finds a file in it; a mirror is laid out like "
            "shared/data (ai_index_2025/, epoch_ai_models/, gpu_prices/, ...)"
        )
    return found


def _mirror_is_read(settings: Settings) -> bool:
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
