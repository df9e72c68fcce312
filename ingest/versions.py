"""Sources kept as dated versions in a mirror folder: one delivery per file named `<YYYY-MM-DD>_...`, its
edition the day in its name (the day the published list changed). A name without a date, or dated after the
latest day an observation may carry, is refused with the reason and never read."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from ingest.delivery import Delivery
from ingest.settings import Settings
from ingest.values import latest_observation_day


def version_problem(day: str) -> str | None:
    try:
        parsed = date.fromisoformat(day)
    except ValueError:
        return f"{day!r} is not a date (YYYY-MM-DD)"
    if parsed > latest_observation_day():
        return f"dated {parsed}, after the latest day an observation may carry ({latest_observation_day()})"
    return None


def dated_versions(source: str, settings: Settings, pattern: str, dated_by_folder: bool = False) -> list[Delivery]:
    """Every file of the mirror matching `pattern` (a glob), as a delivery of the version its name dates (or
    its folder's name, with `dated_by_folder`: `<YYYY-MM-DD>_<commit>/models.csv`)."""
    if not settings.mirror_dir:
        return []
    found = []
    for path in sorted(settings.mirror_dir.glob(pattern)):
        day = (path.parent.name if dated_by_folder else path.name)[:10]
        delivery = Delivery.from_file(
            source, day, path.relative_to(settings.mirror_dir).as_posix(), path, root=settings.mirror_dir
        )
        problem = version_problem(day)
        if problem and not delivery.refused:
            delivery = replace(delivery, refused=f"{path.name}: a version's name starts with its date ({problem})")
        found.append(delivery)
    return found
