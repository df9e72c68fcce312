"""Row validity: a parsed frame split by its source's pandera model into the rows that pass and quarantine rows
that say which check each failed. The loader applies it to every delivery before anything is written."""

from __future__ import annotations

import json

import pandera.errors
import polars as pl

from ingest.delivery import Parsed, RejectedDelivery, quarantine_frame


def split_by_schema(parsed: Parsed, schema: type, carry: tuple[str, ...] = ()) -> Parsed:
    """Move rows that fail the pandera model into quarantine with the failed check as the reason.

    A failure that is not about particular rows (a missing column, a wrong type) rejects the delivery.
    Columns in `carry` are not validated; they stay with their rows (and go with them into quarantine).
    """
    try:
        schema.validate(parsed.rows.drop(carry), lazy=True)
        return parsed
    except pandera.errors.SchemaErrors as errors:
        cases = errors.failure_cases
        row_cases = cases.filter(pl.col("index").is_not_null())
        if row_cases.height < cases.height:
            problems = cases.filter(pl.col("index").is_null()).to_dicts()[:3]
            raise RejectedDelivery(f"schema check failed: {problems}") from None
        reasons: dict[int, list[str]] = {}
        for case in row_cases.iter_rows(named=True):
            reasons.setdefault(int(case["index"]), []).append(
                f"{case['column']} failed {case['check']}: {case['failure_case']}"
            )
    rows = parsed.rows.with_row_index("_i")
    bad = rows.filter(pl.col("_i").is_in(list(reasons)))
    extra = quarantine_frame(
        [
            (
                None,
                "; ".join(reasons[record["_i"]]),
                json.dumps({k: v for k, v in record.items() if k != "_i" and k not in carry}, default=str),
            )
            for record in bad.iter_rows(named=True)
        ]
    ).with_columns(bad.select(carry).get_columns())
    good = rows.filter(~pl.col("_i").is_in(list(reasons))).drop("_i")
    return Parsed(rows=good, quarantine=pl.concat([parsed.quarantine, extra]))


def empty_frame(schema: type) -> pl.DataFrame:
    return pl.DataFrame(schema={name: column.dtype.type for name, column in schema.to_schema().columns.items()})
