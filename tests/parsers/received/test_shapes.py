"""The shape memo gives exactly the hop of the full parse: over the corpus, a generated Maildir,
a memo so small that it evicts all the time, and fields whose cut-out words are hostile."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from benchmarks import generate_mail
from parsers.received.clauses import unfold
from parsers.received.parse import SHAPES, parse_received, parse_received_uncached
from parsers.received.shapes import ShapeMemo, mask
from pipeline.mailbox import iter_messages
from tests.parsers.received.corpus import header_values, message_fields

POSTFIX = (
    "from mail-wr1-f69.google.com (mail-wr1-f69.google.com [209.85.221.69])\n"
    "\t(using TLSv1.3 with cipher TLS_AES_128_GCM_SHA256 (128/128 bits))\n"
    "\t(No client certificate requested)\n"
    "\tby mx1.example.org (Postfix) with ESMTPS id 4TqZ1b2c3d\n"
    "\tfor <ann@example.org>; Mon,  4 Mar 2024 00:01:15 +0000 (UTC)"
)


def corpus() -> list[str]:
    return [value for _, _, value in message_fields()] + header_values()


def generated(tmp_path: Path) -> list[str]:
    generate_mail.generate(tmp_path / "Maildir", 400, seed=7)
    return [v for m in iter_messages(tmp_path / "Maildir") for v in m.received_values()]


def assert_same(memo: ShapeMemo, values: list[str]) -> None:
    for value in values:
        text = unfold(value)
        assert memo.parse(text, text) == parse_received_uncached(value), value


def test_the_corpus_and_a_generated_maildir_parse_alike_through_the_memo(tmp_path: Path) -> None:
    values = corpus() + generated(tmp_path)
    for size in (4096, 8):  # roomy, and so small that nearly every key is evicted
        memo = ShapeMemo(SHAPES.stage, size=size)
        assert_same(memo, values + values)
        assert memo.hits > (len(values) // 4 if size > 8 else 0)  # used, not bypassed
        assert len(memo.templates) <= size and len(memo.seen_once) <= size
    assert size < memo.built  # the small one was full and evicting


def test_parse_received_goes_through_the_memo() -> None:
    first = parse_received(POSTFIX)
    second = parse_received(POSTFIX.replace("4TqZ1b2c3d", "5ABC").replace("00:01:15", "13:59:59"))
    assert (first.id, first.for_, first.from_ip) == (
        "4TqZ1b2c3d",
        "<ann@example.org>",
        "209.85.221.69",
    )
    assert (second.id, second.received_at and second.received_at.hour) == ("5ABC", 13)
    assert second.tls_version == "TLSv1.3" and second.tls_cipher == "TLS_AES_128_GCM_SHA256"


def test_the_key_cuts_the_varying_words() -> None:
    masked = mask(unfold(POSTFIX))
    assert masked is not None
    assert masked.helo == "mail-wr1-f69.google.com"
    assert masked.note == "mail-wr1-f69.google.com [209.85.221.69]"
    assert (masked.id_word, masked.for_word) == ("4TqZ1b2c3d", "ann@example.org")
    assert masked.date == " Mon,  4 Mar 2024 00:01:15 +0000 "
    assert "209.85" not in masked.key and "ann@" not in masked.key and "2024" not in masked.key


@pytest.mark.parametrize(
    "swap",
    [
        ("4TqZ1b2c3d", "for"),  # a keyword: it would open a clause
        ("4TqZ1b2c3d", "tls"),
        ("4TqZ1b2c3d", "a(b"),  # would open a comment
        ("4TqZ1b2c3d", "[x"),  # an unclosed bracket
        ("ann@example.org", "a b"),
        ("ann@example.org", "x;y"),
        ("00:01:15 +0000", "00:01:15 +0000 (x"),
        ("209.85.221.69]", "127.0.0.1] from userid 5"),  # loopback, and a local mark
        ("(UTC)", "(auth=yes user=bob)"),
        ("4TqZ1b2c3d", "auth=yes user=eve"),  # read by a words dialect
        ("mail-wr1-f69.google.com (", "helo=x ("),
        ("mail-wr1-f69.google.com [", "x\\) ["),
    ],
)
def test_hostile_cut_out_words_give_the_full_parse(swap: tuple[str, str]) -> None:
    memo = ShapeMemo(SHAPES.stage, size=64)
    for value in (POSTFIX, POSTFIX, POSTFIX.replace(*swap), POSTFIX):
        text = unfold(value)
        assert memo.parse(text, text) == parse_received_uncached(value), value


PIECES = [*'aZ09.-_@:=/[]<>()";\\ \x00\u00e9', "for", "tls", "id", "auth=yes ", "TLSv1.2"]
WORD = st.lists(st.sampled_from(PIECES), max_size=8).map("".join)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(range(12)), WORD), max_size=4))
def test_any_words_in_the_varying_places_give_the_full_parse(
    swaps: list[tuple[int, str]],
) -> None:
    places = [
        "mail-wr1-f69.google.com (",
        "mail-wr1-f69.google.com [",
        "209.85.221.69",
        "4TqZ1b2c3d",
        "ann@example.org",
        "Mon,",
        "00:01:15",
        "+0000",
        "(UTC)",
        "ESMTPS",
        "mx1.example.org",
        "(No client certificate requested)",
    ]
    value = POSTFIX
    for place, word in swaps:
        value = value.replace(places[place], word, 1)
    memo = ShapeMemo(SHAPES.stage, size=4)
    for each in (POSTFIX, POSTFIX, value, value):
        text = unfold(each)
        assert memo.parse(text, text) == parse_received_uncached(each), each
