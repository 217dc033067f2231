"""A lake's content as sorted rows per table, without what differs between equal runs: the
part files' names (run ids) and how rows are spread over them."""

from __future__ import annotations

from pathlib import Path

import pyarrow.parquet as pq

CONTENT_TABLES = ("sessions", "rejects", "messages", "received_hops")


def lake_content(lake: Path) -> dict[str, list[tuple[tuple[str, object], ...]]]:
    content: dict[str, list[tuple[tuple[str, object], ...]]] = {}
    for table in CONTENT_TABLES:
        rows = [
            tuple(sorted(row.items()))
            for part in (lake / table).rglob("*.parquet")
            for row in pq.read_table(part).to_pylist()
        ]
        content[table] = sorted(rows, key=repr)
    return content
