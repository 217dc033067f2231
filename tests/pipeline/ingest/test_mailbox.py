"""Mail readers on small fixtures built here: mbox (with ``>From `` escaping), Maildir, .eml,
compressed forms, a truncated .gz; and the message → lake rows function against schema.py."""

from __future__ import annotations

import bz2
import gzip
import lzma
from datetime import UTC, datetime
from ipaddress import ip_network
from pathlib import Path

import pyarrow as pa
import pytest
import zstandard

from pipeline.ingest.mailbox import (
    MailMessage,
    OwnServers,
    TruncatedInput,
    iter_messages,
    looks_like_message,
    message_rows,
    submission_hop_index,
)
from pipeline.lake.schema import MESSAGES, RECEIVED_HOPS

SUBMITTED = (
    b"Received: from mx.example.org (mx.example.org [192.0.2.10])\n"
    b"\tby store.example.org with LMTP id 9f; Tue, 02 Jan 2024 10:00:02 +0000\n"
    b"Received: from laptop (dsl.example.net [198.51.100.7])\n"
    b"\t(using TLSv1 with cipher AES128-SHA (128/128 bits))\n"
    b"\t(Authenticated sender: alice)\n"
    b"\tby mx.example.org (Postfix) with ESMTPSA id 4A1;\n\tTue, 02 Jan 2024 10:00:01 +0000\n"
    b"Message-ID: <one@example.org>\nFrom: Alice <alice@example.org>\nDate: Tue, 02 Jan 2024 11:00:00 +0100\n"
    b"Subject: first\n\nbody line\n"
    b">From the escaped body line, which is not a new message\n\n"
)
NO_RECEIVED = b"Message-ID: <two@example.org>\nFrom: bob@example.org\nSubject: second\n\nhello\n\n"
INBOUND = (
    b"Received: from mail.partner.example (mail.partner.example [203.0.113.5])\n"
    b"\tby mx.example.org (Postfix) with ESMTPS id 7B2; Wed, 03 Jan 2024 09:00:00 +0000\n"
    b"Received: from evil (x [203.0.113.66]) by mx.example.org with ESMTPSA id forged;"
    b" Wed, 03 Jan 2024 08:00:00 +0000\n"
    b"Message-ID: <three@example.org>\n\nbody\n"
)
MBOX = (
    b"From alice@example.org Tue Jan  2 10:00:02 2024\n"
    + SUBMITTED
    + b"From bob@example.org Tue Jan  2 10:05:00 2024\n"
    + NO_RECEIVED
    + b"From carol@partner.example Wed Jan  3 09:00:00 2024\n"
    + INBOUND
)
OWN = OwnServers.of(["example.org"], [ip_network("192.0.2.0/24")])  # mx hands mail to store


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def test_mbox_splits_on_from_lines_only_and_keeps_offsets(tmp_path: Path) -> None:
    messages = list(iter_messages(_write(tmp_path / "box", MBOX)))
    assert [m.message_id() for m in messages] == [
        "<one@example.org>",
        "<two@example.org>",
        "<three@example.org>",
    ]
    second = MBOX.index(b"From bob@example.org")
    assert [m.offset for m in messages] == [0, second, MBOX.index(b"From carol@")]
    assert [len(m.received_values()) for m in messages] == [2, 0, 2]
    assert b">From" not in b"".join(m.header for m in messages)


@pytest.mark.parametrize(
    ("suffix", "compress"),
    [
        (".gz", gzip.compress),
        (".bz2", bz2.compress),
        (".xz", lzma.compress),
        (".zst", lambda data: zstandard.ZstdCompressor().compress(data)),
    ],
)
def test_compressed_mbox_reads_like_the_plain_one(
    tmp_path: Path, suffix: str, compress: object
) -> None:
    path = _write(tmp_path / f"box{suffix}", compress(MBOX))  # type: ignore[operator]
    assert [m.offset for m in iter_messages(path)] == [
        m.offset for m in iter_messages(_write(tmp_path / "plain", MBOX))
    ]


def test_truncated_gzip_yields_the_complete_messages_then_raises(tmp_path: Path) -> None:
    data = gzip.compress(MBOX)
    path = _write(tmp_path / "box.gz", data[: len(data) - 40])
    seen: list[MailMessage] = []
    with pytest.raises(TruncatedInput):
        for message in iter_messages(path):
            seen.append(message)
    assert [m.message_id() for m in seen][:1] == ["<one@example.org>"]


def test_truncated_zstd_raises(tmp_path: Path) -> None:
    data = zstandard.ZstdCompressor().compress(MBOX)
    with pytest.raises(TruncatedInput):
        list(iter_messages(_write(tmp_path / "box.zst", data[:-5])))


def test_maildir_tree_reads_cur_and_new_but_not_tmp(tmp_path: Path) -> None:
    for folder in ("INBOX/cur", "INBOX/new", "INBOX/tmp", "INBOX/.Sent/cur"):
        (tmp_path / folder).mkdir(parents=True)
    _write(tmp_path / "INBOX/cur/1.host:2,S", SUBMITTED)
    _write(tmp_path / "INBOX/new/2.host", gzip.compress(NO_RECEIVED))
    _write(tmp_path / "INBOX/tmp/3.host", INBOUND)
    _write(tmp_path / "INBOX/.Sent/cur/4.host:2,S", INBOUND)
    messages = list(iter_messages(tmp_path))
    assert sorted(m.message_id() or "" for m in messages) == [
        "<one@example.org>",
        "<three@example.org>",
        "<two@example.org>",
    ]
    assert all(m.offset == 0 for m in messages)


def test_eml_with_crlf_and_8bit_header(tmp_path: Path) -> None:
    data = SUBMITTED.replace(b"\n", b"\r\n").replace(b"from laptop", b"from caf\xe9")
    (message,) = iter_messages(_write(tmp_path / "one.eml", data))
    assert message.header_from() == "alice@example.org"
    assert message.date() == datetime(2024, 1, 2, 10, 0, tzinfo=UTC)
    # unfolded: the line break goes, the folding white space stays; Latin-1 byte kept as é
    assert message.received_values()[1].startswith(
        "from café (dsl.example.net [198.51.100.7])\t(using"
    )


def test_rows_match_the_schema_and_pick_the_submission_hop(tmp_path: Path) -> None:
    first, second, third = iter_messages(_write(tmp_path / "box", MBOX))
    message, hops = message_rows(first, OWN)
    assert list(message) == MESSAGES.names and all(list(h) == RECEIVED_HOPS.names for h in hops)
    pa.Table.from_pylist([message], schema=MESSAGES)
    pa.Table.from_pylist(hops, schema=RECEIVED_HOPS)
    assert (message["hop_count"], message["message_id"], message["offset"]) == (
        2,
        "<one@example.org>",
        0,
    )
    index = submission_hop_index(hops)
    assert index == 1
    assert (hops[1]["auth_user"], hops[1]["tls_version"], hops[1]["security"]) == (
        "alice",
        "TLSv1.0",
        "legacy_tls",
    )
    assert [h["is_own_server"] for h in hops] == [True, True]
    assert message_rows(second, OWN)[1] == [] and message_rows(second, OWN)[0]["hop_count"] == 0
    # the forged "ESMTPSA by mx.example.org" directly below our real top hop, which took the
    # message from mail.partner.example: written by the partner (or anyone), never evidence
    _, inbound = message_rows(third, OWN)
    assert [h["is_from_own"] for h in inbound] == [False, False]
    assert submission_hop_index(inbound) is None


def test_a_claimed_own_hop_below_a_foreign_hop_is_not_the_submission_hop() -> None:
    hops = [
        {"is_own_server": True, "is_from_own": True, "authenticated": False},
        {"is_own_server": False, "is_from_own": True, "authenticated": False},
        {"is_own_server": True, "is_from_own": False, "authenticated": True},
    ]
    assert submission_hop_index(hops) is None


def test_local_content_filter_hops_stay_in_the_chain_of_custody() -> None:
    own = OwnServers.of(["example.org"])
    values = [  # amavis on localhost between two passes through Postfix
        "from localhost (localhost [127.0.0.1]) by mx.example.org (Postfix) with ESMTP id 2;"
        " Tue, 02 Jan 2024 10:00:03 +0000",
        "from mx.example.org ([127.0.0.1]) by localhost (amavisd-new, port 10024) with ESMTP"
        " id 1; Tue, 02 Jan 2024 10:00:02 +0000",
        "from laptop (dsl.example.net [198.51.100.7]) (Authenticated sender: alice)"
        " by mx.example.org (Postfix) with ESMTPSA id 4A1; Tue, 02 Jan 2024 10:00:01 +0000",
    ]
    message = MailMessage("box", 0, "".join(f"Received: {v}\n" for v in values).encode() + b"\n")
    _, hops = message_rows(message, own)
    assert submission_hop_index(hops) == 2
    assert hops[2]["auth_user"] == "alice"


def test_a_helo_cannot_make_a_stranger_one_of_ours() -> None:
    # a client's HELO is its own text: "x (invoked by uid 0)" or "[127.0.0.1]" or our name
    # must not make the address our server logged an internal one
    forged = (
        "from x by mx.example.org (OpenSMTPD) with ESMTPA id 1 auth=yes user=victim@gmail.com;"
        " Tue, 02 Jan 2024 09:00:00 +0000"
    )
    for helo in ("x (invoked by uid 0)", "[127.0.0.1]", "localhost", "mx.example.org"):
        top = (
            f"from {helo} (evil.example [203.0.113.66]) by mx.example.org (Postfix) with ESMTP"
            " id 2; Tue, 02 Jan 2024 10:00:00 +0000"
        )
        message = MailMessage("box", 0, f"Received: {top}\nReceived: {forged}\n\n".encode())
        _, hops = message_rows(message, OWN)
        assert hops[1]["auth_user"] == "victim@gmail.com"  # parsed, kept, never believed
        assert hops[0]["is_from_own"] is False, helo
        assert submission_hop_index(hops) is None, helo


def test_own_servers_match_names_and_domains() -> None:
    own = OwnServers.of(["Example.org.", "relay.partner.example"])
    assert (
        own.match("mx.example.org")
        and own.match("EXAMPLE.ORG.")
        and own.match("relay.partner.example")
    )
    assert (
        not own.match("badexample.org") and not own.match("partner.example") and not own.match(None)
    )


def test_message_key_is_stable_per_file_and_offset(tmp_path: Path) -> None:
    path = _write(tmp_path / "box", MBOX)
    keys = [message_rows(m, OWN)[0]["message_key"] for m in iter_messages(path)]
    again = [message_rows(m, OWN)[0]["message_key"] for m in iter_messages(path)]
    assert keys == again and len(set(keys)) == 3


@pytest.mark.slow
def test_maildir_of_ten_thousand_messages_counts_exactly(tmp_path: Path) -> None:
    cur = tmp_path / "Maildir" / "cur"
    cur.mkdir(parents=True)
    expected_hops = 0
    for number in range(10_000):
        hop_count = number % 4  # 0 … 3 Received fields
        expected_hops += hop_count
        received = b"".join(
            b"Received: from h%d (h [192.0.2.%d]) by mx.example.org with ESMTPS id %d;"
            b" Tue, 02 Jan 2024 10:00:00 +0000\n" % (hop, hop + 1, number)
            for hop in range(hop_count)
        )
        _write(
            cur / f"{number}.host:2,S",
            received + b"Message-ID: <%d@example.org>\n\nbody\n" % number,
        )
    messages = hops = 0
    for message in iter_messages(tmp_path):
        row, hop_rows = message_rows(message, OWN)
        messages += 1
        hops += len(hop_rows)
        assert row["hop_count"] == len(hop_rows)
    assert (messages, hops) == (10_000, expected_hops)


@pytest.mark.parametrize(
    ("head", "is_message"),
    [
        (b"Return-Path: <a@example.org>\nReceived: from x\n", True),
        (b"From a@example.org Mon Jan  1 00:00:00 2024\nReceived: from x\n", True),
        (b"X-Spam-Flag: NO\nX-Other: 1\n\tfolded\nMessage-ID: <1@x>\n", True),
        (b"dovecot: pop3-login: Login: user=<samt>, method=PLAIN, rip=127.0.0.1\n", False),
        (b"dovecot: POP3(samt): Disconnected: Logged out\ndovecot: imap-login: x\n", False),
        (b"postfix/smtpd[1]: connect from a[192.0.2.1]\n", False),
        (b"X-Only: 1\n\nbody\n", False),
    ],
)
def test_mail_or_log_on_real_header_names(head: bytes, is_message: bool) -> None:
    # issue 16 defect 8: a "word:" first line is not a header block; a mail field name is
    assert looks_like_message(head) is is_message
