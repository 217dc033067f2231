"""The open sessions a run leaves for the next (``_pending.parquet``): one row per session,
its rotated set and family as columns, its state as JSON (each family keeps its own fields).

A lake written before this file existed has ``_pending.json`` instead; it is read once and
replaced by the next commit.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any, Final

import pyarrow as pa
import pyarrow.parquet as pq

from pipeline.lake.writer import COMPRESSION, durable_replace, temporary_for

PENDING_FILE: Final = "_pending.parquet"
LEGACY_PENDING_FILE: Final = "_pending.json"
STAGED_GLOB: Final = "_pending.r*.parquet"  # a run's, before its commit (journal.commit)
_TIMES: Final = ("started_at", "last_at")
SCHEMA: Final = pa.schema(
    [("rotation_set", pa.string()), ("state", pa.string())],
    metadata={b"mailtls.content": b"open sessions, one per row; state: JSON"},
)

Pending = dict[str, list[dict[str, Any]]]  # rotated set → open-session states


def staged_for(lake: Path, run_id: str) -> Path:
    return lake / f"_pending.{run_id}.parquet"


def read_pending(lake: Path) -> Pending:
    """Open sessions per rotated set, left by the last run for the next to finish."""
    pending: Pending = {}
    path = lake / PENDING_FILE
    if path.is_file():
        table = pq.read_table(path)
        sets = table.column("rotation_set").to_pylist()
        states = table.column("state").to_pylist()
        for name, text in zip(sets, states, strict=True):
            pending.setdefault(name, []).append(_decoded(json.loads(text)))
    elif (lake / LEGACY_PENDING_FILE).is_file():
        data = json.loads((lake / LEGACY_PENDING_FILE).read_text(encoding="utf-8"))
        pending = {name: [_decoded(state) for state in states] for name, states in data.items()}
    return pending


def write_pending(path: Path, pending: Pending) -> None:
    """``pending`` to ``path`` through a temporary, on disk when this returns."""
    sets = [name for name, states in pending.items() for _ in states]
    states = [json.dumps(_encoded(state)) for states in pending.values() for state in states]
    table = pa.table({"rotation_set": sets, "state": states}, schema=SCHEMA)
    temporary = temporary_for(path)
    pq.write_table(table, temporary, compression=COMPRESSION)
    durable_replace(temporary, path)


def _encoded(state: dict[str, Any]) -> dict[str, Any]:
    return {k: v.isoformat() if isinstance(v, datetime) else v for k, v in state.items()}


def _decoded(state: dict[str, Any]) -> dict[str, Any]:
    for key in _TIMES:
        if state.get(key):
            state[key] = datetime.fromisoformat(state[key])
    return state
