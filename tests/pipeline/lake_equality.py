"""Two lakes compared table by table, row by row (the oracle check of the vectorised parser)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb

# what differs between two runs by construction, not by parsing
VOLATILE = {"_ingested": ("ingested_at", "run_id"), "sessions": (), "rejects": ()}


def table_rows(lake: Path, table: str) -> list[tuple[Any, ...]]:
    if table == "_ingested":
        files = sorted((lake / "_ingested").rglob("*.parquet"))
    else:
        files = sorted((lake / table).rglob("*.parquet"))
    if not files:
        return []
    con = duckdb.connect()
    rel = con.read_parquet([str(f) for f in files], hive_partitioning=False, union_by_name=True)
    columns = [c for c in rel.columns if c not in VOLATILE.get(table, ())]
    rows = rel.select(", ".join(f'"{c}"' for c in columns)).fetchall()
    return sorted(rows, key=repr)


def differences(left: Path, right: Path, tables: tuple[str, ...]) -> list[str]:
    """What differs, one line per table: an empty list when the lakes are equal."""
    found = []
    for table in tables:
        a, b = table_rows(left, table), table_rows(right, table)
        if a != b:
            only_a = [r for r in a if r not in b][:3]
            only_b = [r for r in b if r not in a][:3]
            found.append(f"{table}: {len(a)} vs {len(b)} rows; only left {only_a}; only right {only_b}")
    return found
