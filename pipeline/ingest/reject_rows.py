"""The ``rejects`` rows a span parser writes: of an over-long line, and of a parser Reject."""

from __future__ import annotations

from typing import Any

from parsers.records import RAW_LIMIT, Reject
from parsers.redact import redact_cut

Row = dict[str, Any]


def too_long(source_file: str, line_no: int, raw: bytes) -> Row:
    return {
        "source_file": source_file,
        "source_line": line_no,
        "kind": "line",
        "reason": "line longer than 1 MiB; cut",
        # redacted before the cut: the password may sit past 2 KiB (or be cut in half)
        "raw": redact_cut(raw.decode("utf-8", "replace"))[:RAW_LIMIT],
        "event_at": None,  # not read: its envelope is not split
    }


def reject_row(source_file: str, record: Reject) -> Row:
    return {
        "source_file": source_file,
        "source_line": record.line_no,
        "kind": record.kind,
        "reason": record.reason,
        "raw": record.raw[:2048],
        "event_at": record.event_at,  # the line's own time: names its date= partition
    }
