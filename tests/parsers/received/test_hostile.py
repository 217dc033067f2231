"""Attacker-controlled input: never raises, and returns well under a second (a bound that only
catastrophic backtracking or quadratic scanning breaks; not a speed test)."""

from __future__ import annotations

import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from parsers.received import parse_received

BOUND_SECONDS = 1.0
HOSTILE = {
    "100k open parentheses": "(" * 100_000,
    "100k close parentheses": ")" * 100_000,
    "1 MB header": "from " + "a" * 1_000_000 + " by b with ESMTPS; Mon, 7 Sep 2020 15:43:40 +0000",
    "1 MB of words": "from a " + "by b with c " * 90_000,
    "NUL bytes": "from a\x00b (c [192.0.2.1]\x00) by \x00 with ESMTP\x00S;\x00 Mon, 7 Sep 2020"
    + "\x00" * 100_000,
    "10k semicolons": "from a by b with ESMTP" + ";" * 10_000,
    "nested comments": "from a " + "(using TLSv1.2 with cipher " * 20_000 + "x" + ")" * 20_000,
    "escaped parentheses": "from a (" + "\\(" * 100_000 + ") by b",
    "brackets": "from " + "[" * 100_000 + " by b",
    "angles": "for " + "<" * 100_000,
    "quotes": '"' * 100_000,
    "colons": "from a (" + "TLSv1:" * 50_000 + ") by b",
    "version= soup": "from a (" + "version=TLSv1.2 cipher=" * 20_000 + ") by b",
    "lone surrogates": "from a\udcff (b [192.0.2.1]) by c\ud800 with ESMTP; Mon, 7 Sep 2020 15:43:40 +0000",
    "only folding": "\r\n\t" * 100_000,
}


@pytest.mark.parametrize("value", HOSTILE.values(), ids=HOSTILE.keys())
def test_hostile_value_finishes_without_raising(value: str) -> None:
    started = time.perf_counter()
    hop = parse_received(value)
    assert time.perf_counter() - started < BOUND_SECONDS
    assert len(hop.raw) <= 8192
    hop.raw.encode("utf-8")  # the lake needs valid UTF-8


def test_truncated_or_unbalanced_value_is_not_parse_ok() -> None:
    assert not parse_received(HOSTILE["100k open parentheses"]).parse_ok
    assert not parse_received(HOSTILE["1 MB header"]).parse_ok


FRAGMENTS = st.sampled_from(
    [
        "from",
        "by",
        "with",
        "id",
        "for",
        "via",
        "tls",
        "(",
        ")",
        ";",
        "[",
        "]",
        "<",
        ">",
        "\\",
        '"',
        " ",
        "\r\n\t",
        "ESMTPSA",
        "using TLSv1.3 with cipher",
        "version=TLS1_2",
        "cipher=",
        ":",
        "TLS_AES_256_GCM_SHA384",
        "192.0.2.1",
        "IPv6:::1",
        "Authenticated sender:",
        "AUTH: PLAIN x",
        "TLS: TLS1.3, 128bits,",
        "\x00",
        "é",
    ]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(FRAGMENTS, st.text(max_size=20)), max_size=60).map("".join))
def test_never_raises_on_fragments(value: str) -> None:
    hop = parse_received(value)
    assert hop.security in ("cleartext", "legacy_tls", "modern_tls", "tls_unknown", "unknown")


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=400))
def test_never_raises_on_any_text(value: str) -> None:
    parse_received(value)
