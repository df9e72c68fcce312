"""Land every delivery of one source. A delivery walks through the rooms once, in this order: located (the source's
`locate`), set aside if refused or unchanged, parsed and validated in groups (ingest: the source's parser, pandera),
written (warehouse/write.py: one transaction per group, held to the delivery contract) and recorded
(warehouse/ledger.py: its outcome; the source's retractions and what its table holds)."""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import polars as pl

from ingest.delivery import Delivery, Parsed, RejectedDelivery
from ingest.read.records import stream_group
from ingest.read.streamed import NeedsCarefulParse
from ingest.settings import Settings, load_settings
from ingest.sources import Source
from ingest.validate import empty_frame, split_by_schema
from warehouse import ledger
from warehouse.db import connect_write, is_write_conflict
from warehouse.ledger import DeliveryKey, LoadOutcome
from warehouse.preview import table_preview_markdown
from warehouse.schema import PROVENANCE_SCHEMA, checked_identifier, ensure_raw_table
from warehouse.write import DELIVERY_INDEX, tagged, write_deliveries

log = logging.getLogger(__name__)


@dataclass
class DeliveryReport:
    source_file: str
    edition: str
    sha256: str
    outcome: LoadOutcome


@dataclass
class LandingReport:
    source: str
    raw_table: str
    deliveries: list[DeliveryReport] = field(default_factory=list)
    table_rows: int = 0
    deliveries_in_table: int = 0
    """Deliveries of the source whose rows are in the table (status `loaded`)."""
    fingerprint: str = ""
    """A checksum of those deliveries (file, edition, checksum, parser): it changes exactly when the rows do."""
    retracted: list[str] = field(default_factory=list)
    """Files loaded before that the mirror no longer has (retracted upstream): their rows stay, on record."""
    newest_by_feed: dict = field(default_factory=dict)
    """The newest observation day of each feed in the table (a source with freshness_days)."""
    rows_by_edition: dict[str, int] = field(default_factory=dict)
    """Rows in the table per edition of the deliveries landed (asked for with `count_editions`: a partition's own count)."""
    preview: str = ""
    """The table's first rows as markdown, read in the landing's own connection."""

    def count(self, status: str) -> int:
        return sum(1 for d in self.deliveries if d.outcome.status == status)

    @property
    def rows_accepted(self) -> int:
        return sum(d.outcome.rows_accepted for d in self.deliveries)

    @property
    def rows_quarantined(self) -> int:
        return sum(d.outcome.rows_quarantined for d in self.deliveries)


def _key(delivery: Delivery) -> DeliveryKey:
    return DeliveryKey(delivery.source, delivery.edition, delivery.source_file, delivery.sha256, delivery.retrieved_at)


CONFLICT_ATTEMPTS = 6


def land_source(
    source: Source,
    db_path: Path | None = None,
    settings: Settings | None = None,
    deliveries: list[Delivery] | None = None,
    count_editions: bool = False,
    present: set[str] | None = None,
) -> LandingReport:
    """Land the given deliveries (default: all that the source locates) into raw.<source.raw_table>. `present`:
    every delivery the source holds now, when only some are given (the tracker's days): loaded ones missing from
    it are noted as retractions, fetched from a URL or not.

    In a DuckLake, steps landing other sources at once share the ledger and quarantine tables, and a commit that
    meets another's change to them is refused whole: the landing is done again (what it committed before the
    conflict is found loaded and kept), after a growing, jittered wait."""
    for attempt in range(1, CONFLICT_ATTEMPTS + 1):
        try:
            return _land_source(source, db_path, settings, deliveries, count_editions, present)
        except duckdb.Error as error:
            if not is_write_conflict(error) or attempt == CONFLICT_ATTEMPTS:
                raise
            wait = random.uniform(0.5, 1.0) * 2**attempt
            log.info("%s: another writer committed first (%s); landing again in %.1f s", source.name,
                     str(error).splitlines()[0][:120], wait)  # fmt: skip
            time.sleep(wait)
    raise AssertionError("unreachable")


def _land_source(
    source: Source,
    db_path: Path | None,
    settings: Settings | None,
    deliveries: list[Delivery] | None,
    count_editions: bool,
    present: set[str] | None,
) -> LandingReport:
    settings = settings or load_settings()
    table = checked_identifier(source.raw_table)
    found = source.locate(settings) if deliveries is None else deliveries
    if not found:
        log.info(
            "%s: no deliveries found (%s)",
            source.name,  # the raw asset says so on the run's console
            "mirror " + str(settings.mirror_dir) if settings.mirror_dir else "inbox " + str(settings.inbox_dir),
        )
    with connect_write(db_path) as conn:
        conn.execute("begin transaction")
        ensure_raw_table(conn, table, _provenanced_schema(source.schema))
        conn.execute("commit")
        outcomes, pending = _set_aside(conn, source, table, found)
        for group in _groups(source, pending):
            outcomes.update(_land_group(conn, source, table, group))
        report = LandingReport(
            source=source.name,
            raw_table=table,
            deliveries=[
                DeliveryReport(delivery.source_file, delivery.edition, delivery.sha256, outcomes[position])
                for position, delivery in enumerate(found)
            ],
        )
        if present is not None:
            report.retracted = ledger.record_retractions(conn, source.name, present, urls_too=True)
        elif deliveries is None and settings.mirror_dir:
            report.retracted = ledger.record_retractions(conn, source.name, {d.source_file for d in found})
        held = ledger.what_the_table_holds(
            conn,
            source.name,
            table,
            editions=sorted({d.edition for d in found}) if count_editions else None,
            observed_column=source.observed_column if source.freshness_days else None,
            feeds_named_by=source.feeds_named_by,
        )
        report.table_rows, report.deliveries_in_table, report.fingerprint = held.rows, held.deliveries, held.fingerprint
        report.rows_by_edition, report.newest_by_feed = held.rows_by_edition, held.newest_by_feed
        report.preview = table_preview_markdown(conn, f"raw.{table}")
    return report


def _set_aside(conn, source: Source, table: str, found: list[Delivery]) -> tuple[dict[int, LoadOutcome], list]:
    """Deliveries that are not parsed: refused (a link out of its folder) or unchanged since loaded, recorded; the
    others, with their positions, to be landed."""
    outcomes: dict[int, LoadOutcome] = {}
    pending = []
    for position, delivery in enumerate(found):
        if delivery.refused:
            log.warning("%s: refused %s", source.name, delivery.refused)
            outcomes[position] = ledger.record_rejection(
                conn, table, _key(delivery), source.parser_version, delivery.refused
            )
        elif ledger.already_loaded(conn, _key(delivery), source.parser_version, source.editions_are_days):
            outcomes[position] = LoadOutcome("skipped", reason="already loaded (same checksum and parser version)")
        else:
            pending.append((position, delivery))
    return outcomes, pending


GROUP_BYTES = 64 << 20
"""Deliveries loaded together (one transaction, one validation pass per batch): at most this many bytes of files.
(Measured on 10M SkyPilot rows: 256 MB groups peak at 1.6 GB of memory, 64 MB groups at 1.1 GB, 11% slower.)"""


def _groups(source: Source, pending: list[tuple[int, Delivery]]) -> Iterator[list[tuple[int, Delivery]]]:
    """Runs of pending deliveries loaded together, up to GROUP_BYTES; for a streaming source, with one header."""
    group, shared, size = [], None, 0
    for item in pending:
        this = stream_group(item[1].path) if source.parse_batches is not None else ()
        length = item[1].path.stat().st_size
        if group and (this is None or this != shared or size + length > GROUP_BYTES):
            yield group
            group, size = [], 0
        group.append(item)
        shared, size = this, size + length
        if this is None:
            yield group
            group, size = [], 0
    if group:
        yield group


def _land_group(conn, source: Source, table: str, group: list[tuple[int, Delivery]]) -> dict[int, LoadOutcome]:
    """Load a group in one transaction, streamed where the source can. If a file needs the careful reader or is
    rejected, nothing of the group is kept and each delivery is loaded on its own (its own outcome and reason):
    streamed, and again the careful way when the streaming reader refuses it."""
    streams = source.parse_batches is not None
    if len(group) > 1:
        try:
            return _load_together(conn, source, table, group, stream=streams)
        except (NeedsCarefulParse, RejectedDelivery) as reason:
            log.info("%s: loading %d deliveries one by one (%s)", source.name, len(group), reason)
        except THE_MACHINES:
            raise
        except Exception as error:  # noqa: BLE001 - which file the parser choked on is found one by one
            log.info("%s: loading %d deliveries one by one (%s)", source.name, len(group), error)
    results = {}
    for item in group:
        try:
            try:
                results |= _load_together(conn, source, table, [item], stream=streams)
            except NeedsCarefulParse as reason:
                log.info("%s: %s; parsing it record by record", source.name, reason)
                results |= _load_together(conn, source, table, [item], stream=False)
        except RejectedDelivery as error:
            log.warning("%s: rejected %s: %s", source.name, item[1].source_file, error)
            results[item[0]] = ledger.record_rejection(conn, table, _key(item[1]), source.parser_version, str(error))
        except THE_MACHINES:
            raise
        except Exception as error:  # noqa: BLE001 - a parser met what it did not expect: this file, not the run
            reason = (
                f"{item[1].source_file}: the parser met what it does not expect ({type(error).__name__}: "
                f"{str(error)[:300]}); the source's other files still load"
            )
            log.warning("%s: rejected %s", source.name, reason)
            results[item[0]] = ledger.record_rejection(conn, table, _key(item[1]), source.parser_version, reason)
    return results


THE_MACHINES = (duckdb.Error, OSError, MemoryError)
"""Errors of the warehouse or the machine (a lock, a full disk, memory): the step fails and says so; they say
nothing about the file, which is not rejected for them."""


def _load_together(
    conn, source: Source, table: str, group: list[tuple[int, Delivery]], stream: bool
) -> dict[int, LoadOutcome]:
    deliveries = [delivery for _, delivery in group]
    batches = source.parse_batches(deliveries) if stream else _parsed_carefully(source, deliveries)
    outcomes = write_deliveries(
        conn,
        table,
        [_key(d) for d in deliveries],
        source.parser_version,
        _validated(batches, source.schema),
        across_editions=source.vintages_replace,
        cells_named_by=source.cells_named_by,
    )
    return {position: outcome for (position, _), outcome in zip(group, outcomes)}


def _parsed_carefully(source: Source, deliveries: list[Delivery]) -> Iterator[Parsed]:
    """The deliveries parsed one by one, tagged with `_delivery`, validated as one frame (per delivery where the
    model has a uniqueness rule)."""
    parts = [
        Parsed(*tagged(parsed.rows, parsed.quarantine, index))
        for index, parsed in enumerate(source.parse(delivery) for delivery in deliveries)
    ]
    if source.schema.to_schema().unique:
        yield from parts
    else:
        yield Parsed(
            rows=pl.concat([p.rows for p in parts], how="vertical_relaxed"),
            quarantine=pl.concat([p.quarantine for p in parts], how="vertical_relaxed"),
        )


def _validated(batches: Iterable[Parsed], schema: type) -> Iterator[tuple[pl.DataFrame, pl.DataFrame]]:
    for parsed in batches:
        checked = split_by_schema(parsed, schema, carry=(DELIVERY_INDEX,))
        yield checked.rows, checked.quarantine


def _provenanced_schema(schema: type) -> pl.Schema:
    return (
        empty_frame(schema)
        .with_columns(pl.lit(None, dtype).alias(name) for name, dtype in PROVENANCE_SCHEMA.items())
        .schema
    )
