"""Where sources are read from, configured by environment variables (read on every call, never cached)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class SourceSettings:
    mirror_dir: Path | None
    """AIMETRICS_DATA_DIR: a local folder laid out like ../shared/data. When set, every source reads it."""
    inbox_dir: Path
    """AIMETRICS_INBOX_DIR: where file-drop sources (AI Index downloads, funding exports) are placed."""
    cache_dir: Path
    """AIMETRICS_CACHE_DIR: where fetched URLs are kept."""
    http_timeout_s: float
    http_retries: int


def _path(value: str) -> Path:
    path = Path(value).expanduser()
    return path if path.is_absolute() else (Path.cwd() / path).resolve()


def source_settings() -> SourceSettings:
    mirror = os.environ.get("AIMETRICS_DATA_DIR", "").strip()
    return SourceSettings(
        mirror_dir=_path(mirror) if mirror else None,
        inbox_dir=_path(os.environ.get("AIMETRICS_INBOX_DIR", str(PROJECT_ROOT / "data" / "inbox"))),
        cache_dir=_path(os.environ.get("AIMETRICS_CACHE_DIR", str(PROJECT_ROOT / "data" / "cache"))),
        http_timeout_s=float(os.environ.get("AIMETRICS_HTTP_TIMEOUT_S", "30")),
        http_retries=int(os.environ.get("AIMETRICS_HTTP_RETRIES", "4")),
    )
