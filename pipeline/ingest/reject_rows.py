"""The ``rejects`` rows ingest writes, through the table's one constructor
(:func:`pipeline.lake.rows.rejects_row`): of a parser Reject, of an over-long line, and of text the
line source found damaged. Raw text is redacted before it is cut (a password may sit past the cut,
or be cut in half)."""

from __future__ import annotations

from parsers.records import RAW_LIMIT, Reject
from parsers.redact import redact_cut
from pipeline.lake.rows import Row, rejects_row


def reject_row(source_file: str, record: Reject) -> Row:
    """A line a dialect claimed but could not read (its raw text cut and redacted by the parser)."""
    return rejects_row(
        source_file=source_file,
        source_line=record.line_no,
        kind=record.kind,
        reason=record.reason,
        raw=record.raw,
        event_at=record.event_at,  # the line's own time: names its date= partition
    )


def too_long(source_file: str, line_no: int, raw: bytes) -> Row:
    return fault(
        source_file, line_no, "line", "line longer than 1 MiB; cut", raw.decode("utf-8", "replace")
    )


def fault(source_file: str, line_no: int, kind: str, reason: str, raw: str) -> Row:
    """A fault of the file rather than of a dated line (too long, damaged): the ingest day."""
    return rejects_row(
        source_file=source_file,
        source_line=line_no,
        kind=kind,
        reason=reason,
        raw=redact_cut(raw)[:RAW_LIMIT],
        event_at=None,
    )
