"""What a source declares: one `Source` per raw table, written once beside its parser (`DECLARATION` in its module,
or `DECLARATIONS` for a module of several). A field named wrongly is a TypeError at import, so a check can never be
silently off; ingest/sources/__init__.py concatenates the declarations into the registry."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

from ingest.delivery import Delivery, Parsed
from ingest.settings import Settings


@dataclass(frozen=True)
class Source:
    name: str
    raw_table: str
    parser_version: str
    schema: type
    locate: Callable[[Settings], list[Delivery]]
    parse: Callable[[Delivery], Parsed]
    description: str
    arrives_as: str
    """`url` (fetched unless a mirror is set), `files` (read from the inbox or mirror) or `package`."""
    subject: str
    """What the source is about (`gpu_prices`, `epoch`, ...): its raw asset's group is `ingest_<subject>`, and the
    jobs select by group."""
    parse_batches: Callable[[Sequence[Delivery]], Iterator[Parsed]] | None = None
    """Streams deliveries with one header in batches tagged `_delivery` (flat memory); raises NeedsCarefulParse
    for files only `parse` reads exactly."""
    editions_are_days: bool = False
    """The edition is the day the prices were observed (a feed polled daily): an unchanged file on a new day
    is a new observation."""
    freshness_days: int | None = None
    """A feed that publishes on a cadence: its newest observation (`observed_column`) should be at most this old."""
    feeds_named_by: str | None = None
    """The raw column that tells several feeds of one table apart (each judged fresh on its own), if any."""
    observed_column: str = "observed_on"
    """The raw column that dates an observation (a day or a moment)."""
    cells_named_by: tuple[str, ...] = ()
    """A long table, one row per published cell: the columns that name a cell's figure and header. The delivery
    contract keeps each header's cells (a renamed header is a rejected version, not emptied mart rows)."""
    vintages_replace: bool = False
    """Each edition is a vintage of one data set that replaces the earlier in the marts (Epoch AI's): a new vintage
    is held to the delivery contract against the newest loaded one (warehouse/contract.py), not only a
    re-delivery of the same edition."""


def first_line(doc: str | None) -> str:
    """A module's docstring's first line: the source's description in the UI."""
    return (doc or "").strip().splitlines()[0]
