"""One generated test per dialect: its examples yield their fields, its not-examples don't match,
no example matches two dialects, and no pattern backtracks catastrophically."""

from __future__ import annotations

import time

import pytest

from parsers.dialect import Dialect
from parsers.envelope import EnvelopeParser
from parsers.registry import all_dialects
from parsers.selfcheck import check_dialect

DIALECTS = all_dialects()


@pytest.mark.parametrize("dialect", DIALECTS, ids=[d.key for d in DIALECTS])
def test_dialect_examples(dialect: Dialect) -> None:
    problems = check_dialect(dialect)
    assert not problems, "\n".join(f"{p.what}: {p.line}" for p in problems)


@pytest.mark.parametrize("dialect", DIALECTS, ids=[d.key for d in DIALECTS])
def test_no_example_matches_another_dialect(dialect: Dialect) -> None:
    others = [d for d in DIALECTS if d is not dialect and d.family == dialect.family]
    for example in dialect.examples:
        # the patterns are anchored on the message, so test them on the message, not the line
        envelope = EnvelopeParser().parse(example.line)
        assert envelope is not None, f"no envelope: {example.line!r}"
        message = envelope.message
        clashes = [d.key for d in others if d.contains in message and d.pattern.search(message)]
        assert not clashes, f"{example.line!r} also matches {clashes}"


HOSTILE = [
    "a" * 65536,
    "[" * 65536,
    "<" * 65536,
    ("x@" * 32768),
    "user=<" + "a" * 65530,
    ", " * 32768,
    ":" * 65536,
    "1." * 32768,
]


@pytest.mark.parametrize("dialect", DIALECTS, ids=[d.key for d in DIALECTS])
def test_hostile_line_finishes(dialect: Dialect) -> None:
    # A generous bound that only catastrophic backtracking breaks; not a speed test.
    for junk in HOSTILE:
        for message in (junk, dialect.contains + junk, junk + dialect.contains + junk):
            started = time.perf_counter()
            dialect.pattern.search(message)
            assert time.perf_counter() - started < 1.0, f"{dialect.key} on {message[:40]!r}…"
