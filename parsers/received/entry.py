"""``parse_received``: the fast path (:mod:`parsers.received.fast`) when it knows the field's
shape, else the full two-stage parser (:func:`parsers.received.parse.parse_received_full`)."""

from __future__ import annotations

from parsers.received.clauses import unfold
from parsers.received.fast import fast_parse
from parsers.received.hop import ReceivedHop
from parsers.received.parse import RAW_LIMIT, _clean, _failed, parse_unfolded


def parse_received(value: str) -> ReceivedHop:
    """One Received field value (with or without ``Received:``, folded or not) → a hop. Never raises."""
    text = unfold(_clean(value))
    raw = text[:RAW_LIMIT]
    try:
        return fast_parse(text) or parse_unfolded(text, raw)
    except Exception as exc:  # a bug must cost one hop, not the ingest run
        return _failed(raw, f"internal error: {type(exc).__name__}")
