"""One generated test per TLS-detail dialect (its example headers yield their fields; its
not-examples do not fire it), the keyword-only examples, and every corpus field parses."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from parsers.received import parse_received
from parsers.received.detail import DetailDialect
from parsers.received.examples_keyword import KEYWORD_EXAMPLES
from parsers.received.registry import DIALECTS
from parsers.received.selfcheck import check_dialect, check_example
from tests.parsers.received.corpus import header_values, message_fields


@pytest.mark.parametrize("dialect", DIALECTS, ids=[d.key for d in DIALECTS])
def test_dialect_examples(dialect: DetailDialect) -> None:
    problems = check_dialect(dialect)
    assert not problems, "\n".join(f"{p.what}: {p.line}" for p in problems)


@pytest.mark.parametrize("index", range(len(KEYWORD_EXAMPLES)))
def test_keyword_examples(index: int) -> None:
    problems = check_example("keyword", KEYWORD_EXAMPLES[index], must_fire=False)
    assert not problems, "\n".join(f"{p.what}: {p.line}" for p in problems)


def test_dialect_keys_are_unique() -> None:
    keys = [d.key for d in DIALECTS]
    assert len(keys) == len(set(keys))


def test_every_corpus_field_parses_with_a_raw_value() -> None:
    values = [value for _, _, value in message_fields()] + header_values()
    hops = [parse_received(value) for value in values]
    assert all(hop.raw for hop in hops)
    assert all(
        hop.security in ("cleartext", "legacy_tls", "modern_tls", "tls_unknown", "unknown")
        for hop in hops
    )


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (
            "from a by b with ESMTP id 1; Mon, 7 Sep 2020 15:43:40 +0000 (UTC)",
            datetime(2020, 9, 7, 15, 43, 40, tzinfo=UTC),
        ),
        (
            "FROM a BY b ; Fri Feb 07 10:18:12 2003 -0800",
            datetime(2003, 2, 7, 18, 18, 12, tzinfo=UTC),
        ),
        (
            "from a by b with SMTP; 8 Mar 2017 05:57:05 -0000",
            datetime(2017, 3, 8, 5, 57, 5, tzinfo=UTC),
        ),
        (
            "from a by b (x; y) with LMTP id 1 ;\n Mon, 3 Apr 2017 20:36:45 +0000",
            datetime(2017, 4, 3, 20, 36, 45, tzinfo=UTC),
        ),
        (
            "from a by b with HTTP id 1; Thu, 02 Apr 2020 07:53:55.516 +0000 (UTC)",
            datetime(2020, 4, 2, 7, 53, 55, tzinfo=UTC),
        ),
        (
            "from a by b with SMTP; Mon, 9 Feb 2009 12: 31: 43 -0500 (EST)",
            datetime(2009, 2, 9, 17, 31, 43, tzinfo=UTC),
        ),
        ("from a by b with SMTP id 1", None),
    ],
)
def test_received_at(value: str, expected: datetime | None) -> None:
    assert parse_received(value).received_at == expected


def test_semicolon_inside_a_comment_is_not_the_date() -> None:
    hop = parse_received(
        "from root (helo=localhost) by broadcast.iac.iafrica.com with local-bsmtp (Exim 4.30; FreeBSD)"
        " id 1GN22d-0000xp-2K for example@vandinter.org; Tue, 12 Sep 2006 08:46:43 +0200"
    )
    assert (hop.id, hop.for_, hop.with_raw, hop.is_local) == (
        "1GN22d-0000xp-2K",
        "example@vandinter.org",
        "local-bsmtp",
        True,
    )
    assert hop.received_at == datetime(2006, 9, 12, 6, 46, 43, tzinfo=UTC)


def test_comment_mentioning_with_does_not_open_a_clause() -> None:
    hop = parse_received(
        "from a (b [192.0.2.1]) (using TLSv1.2 with cipher AES256-SHA (256/256 bits)) by c (Postfix) with ESMTPS id 1"
    )
    assert (hop.with_raw, hop.tls_evidence, hop.tls_version) == (
        "ESMTPS",
        "keyword+comment",
        "TLSv1.2",
    )


def test_name_folding_and_eight_bit_bytes() -> None:
    hop = parse_received(
        "Received: from mail.esempio-università.it (x [192.0.2.9])\r\n\tby Sörensen.example.com (Postfix)\r\n with UTF8SMTPSA id 1; Thu, 8 Oct 2015 07:45:14 +0200"
    )
    assert (hop.from_helo, hop.by_host, hop.tls, hop.authenticated) == (
        "mail.esempio-università.it",
        "Sörensen.example.com",
        True,
        True,
    )
