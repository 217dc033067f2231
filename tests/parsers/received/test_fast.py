"""The Received fast path against the full parser, its oracle: over every field of the corpus,
the sample Maildir and a generated mailbox, and over hypothesis variants of the common shapes,
the fast path returns the full parser's hop or nothing (then the full parser runs); the lake of
sample_data/maildir is the same with and without it; the header block reader that decodes only
the fields mailtls reads gives those fields as the whole reader does."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from benchmarks import generate_mail
from parsers.received import entry, fast, parse_received
from parsers.received.clauses import unfold
from parsers.received.parse import _clean, parse_received_full
from pipeline.config import SiteConfig
from pipeline.ingest.mail import ingest_mail
from pipeline.ingest.mailbox import iter_messages
from pipeline.ingest.mailbox.headers import READ_FIELDS, header_fields
from tests.parsers.received.corpus import header_values, message_fields
from tests.pipeline.lake_content import lake_content

ROOT = Path(__file__).resolve().parents[3]
MAILDIR = ROOT / "sample_data" / "maildir"

# One real-looking field per shape the fast path is for (generate_mail.py's and the corpus's)
SHAPES = {
    "postfix using TLS": "from mail.partner25.example (mail.partner25.example [146.75.173.48])\n"
    "\t(using TLSv1.2 with cipher ECDHE-RSA-AES256-GCM-SHA384 (256/256 bits)\n"
    "\t key-exchange X25519 server-signature RSA-PSS (2048 bits) server-digest SHA256)\n"
    "\t(No client certificate requested)\n\tby mx1.example.org (Postfix) with ESMTPS id "
    "28F2BE7433\n\tfor <nils.meyer@example.org>; Mon,  4 Mar 2024 00:00:49 +0000 (UTC)",
    "postfix submission": "from [192.168.1.152] (dyn-205-89-102-67.isp.example [205.89.102.67])"
    " (using TLSv1.3 with cipher TLS_AES_128_GCM_SHA256 (128/128 bits)) (Authenticated sender: "
    "sven.meyer@example.com) by mail1.example.org (Postfix) with ESMTPSA id CC8AABAF91 for "
    "<sven.meyer@example.net>; Mon,  4 Mar 2024 08:28:06 +0000 (UTC)",
    "postfix loopback": "from localhost (localhost [127.0.0.1]) by mx1.example.org (Postfix) "
    "with ESMTP id A11800AC50 for <jan.lindqvist@example.org>; Mon,  4 Mar 2024 15:26:06 +0000",
    "dovecot lmtp": "from mx1.example.org (mx1.example.org [192.0.2.25]) by mail2.example.org "
    "with LMTP id hfaR2K+gyLv3J9ijw7f0sg (envelope-from <ines.jensen@example.org>) for "
    "<ines.rossi@example.net>; Mon,  4 Mar 2024 00:00:15 +0000 (UTC)",
    "exim tls clause": "from [142.169.106.102] (helo=[192.168.1.63]) by mail.partner12.example "
    "with esmtpsa  (TLS1.3) tls TLS_AES_256_GCM_SHA384 (Exim 4.96) (envelope-from "
    "<someone@partner12.example>) id 1r3766-000848-17 for anna.meyer@example.net; Tue,  5 Mar "
    "2024 00:49:56 +0000",
    "exim X=": "from mail.example.com ([192.0.2.7] helo=mail.example.com) by mx.example.net "
    "with esmtps (TLS1.2:ECDHE_RSA_AES_256_GCM_SHA384:256) (Exim 4.92) (envelope-from "
    "<a@example.com>) id 1hGjbd-0004Yv-QK for b@example.net; Mon, 15 Apr 2019 10:12:31 +0200",
    "sendmail version=": "from ws79.oldcorp.example (ws.oldcorp.example [10.1.28.64]) by "
    "mx3.oldcorp.example (8.14.4/8.14.4) with ESMTP id 00000CEE23EBB2 (version=TLSv1/SSLv3 "
    "cipher=DHE-RSA-AES256-SHA bits=256 verify=NOT) for <eva.moreau@example.net>; Tue,  5 Mar "
    "2024 00:51:11 +0000",
    "exchange": "from AM7PR07MB3025.eurprd03.prod.outlook.com (2603:10a6:6e2:f6::32) by "
    "AM5PR01MB1111.eurprd05.prod.outlook.com (2603:10a6:ff2:98::3a) with Microsoft SMTP Server "
    "(version=TLS1_3, cipher=TLS_AES_256_GCM_SHA384) id 15.20.7921.21; Mon,  4 Mar 2024 "
    "07:55:16 +0000",
    "gmail": "from mail-sor-f100.google.com (mail-sor-f100.google.com. [209.85.220.100])\n"
    "        by mx.google.com with SMTPS id e8b0e737sm8226399.29\n        for "
    "<greta.moreau@example.net>\n        (Google Transport Security);\n        Tue,  5 Mar 2024"
    " 00:52:45 -0800 (PST)",
    "gmail submission": "from PC ([141.6.153.213])        by smtp.gmail.com with ESMTPSA id "
    "24245667sm2599875.69        for <rosa.garcia@example.org>        (version=TLS1_3 "
    "cipher=TLS_AES_256_GCM_SHA384 bits=256/256);        Mon,  4 Mar 2024 23:31:24 -0800 (PST)",
    "opensmtpd": "from mail.example.com (mail.example.com [192.0.2.9]) by mx.example.net "
    "(OpenSMTPD) with ESMTPS id 5b1b4c3e (TLSv1.3:TLS_AES_256_GCM_SHA384:256:NO) for "
    "<c@example.net>; Tue, 5 Mar 2024 01:02:03 +0100 (CET)",
}


def _fast(value: str) -> object:
    return fast.fast_parse(unfold(_clean(value)))


def _check(value: str) -> bool:
    """The fast path equals the full parser or falls back; True when it answered."""
    derived = _fast(value)
    assert derived is None or derived == parse_received_full(value), value
    assert parse_received(value) == parse_received_full(value), value
    return derived is not None


def _generated(tmp: Path) -> Iterator[str]:
    generate_mail.main(["--messages", "300", "-o", str(tmp / "Maildir")])
    for path in sorted((tmp / "Maildir").rglob("*")):
        if path.is_file():
            for message in iter_messages(path):
                yield from message.received_values()


@pytest.mark.parametrize("name", sorted(SHAPES))
def test_each_common_shape_takes_the_fast_path_and_equals_the_full_parser(name: str) -> None:
    assert _check(SHAPES[name])
    assert _check(SHAPES[name])  # the second time from the memo


def test_every_corpus_field_equals_or_falls_back() -> None:
    values = [v for _, _, v in message_fields()] + header_values()
    answered = sum(_check(v) for v in values)
    assert len(values) > 500 and answered > 50


def test_every_sample_maildir_field_equals_or_falls_back() -> None:
    values = [
        v
        for path in sorted(MAILDIR.rglob("*"))
        if path.is_file()
        for m in iter_messages(path)
        for v in m.received_values()
    ]
    answered = sum(_check(v) for v in values)
    assert values and answered > 0


def test_every_generated_field_equals_and_most_take_the_fast_path(tmp_path: Path) -> None:
    values = list(_generated(tmp_path))
    answered = sum(_check(v) for v in values)
    assert answered > 0.9 * len(values)


_TRICKY = st.sampled_from(
    [
        " ", "(", ")", "[", "]", "<", ">", '"', ";", "\\", ":", "=", "@", "\t", "\n ", "\x00",
        " by ", " id ", " for ", " tls ", " with ", " from ", " via ", "localhost", "[127.0.0.1]",
        "::1", "127.0.0.1", "auth=yes", "encrypted", " as user ", "helo=x", "HELO x", "fpqz",
        "(envelope-from <x@y>)", "TLS_AES_256_GCM_SHA384", "(using TLSv1.2 with cipher X)",
        "[local]", "invoked by uid 0", "version=TLSv1.3", "Authenticated sender: u", "unknown",
        "(2001:db8::1)", "[IPv6:::ffff:10.0.0.1]", "0", "a", "Z", ".", "-",
    ]
)  # fmt: skip


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.sampled_from(sorted(SHAPES)),
    st.lists(
        st.tuples(st.integers(0, 400), st.integers(0, 12), st.lists(_TRICKY, max_size=3)),
        min_size=1,
        max_size=3,
    ),
)
def test_variants_of_the_common_shapes_equal_or_fall_back(
    name: str, edits: list[tuple[int, int, list[str]]]
) -> None:
    """Any span of a common field replaced by text the scanner, the from-part reader or a
    dialect treats specially: the fast path still never disagrees with the full parser."""
    value = SHAPES[name]
    for at, length, pieces in edits:
        at %= len(value) + 1
        value = value[:at] + "".join(pieces) + value[at + length :]
    _check(value)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(sorted(SHAPES)), min_size=1, max_size=4), st.data())
def test_variable_parts_drawn_at_random_equal_or_fall_back(
    names: list[str], data: st.DataObject
) -> None:
    """The parts the memo masks (from word and comment, by host, id, for, date) drawn anew."""
    word = st.one_of(
        st.from_regex(r"[A-Za-z0-9.:\[\]-]{1,20}", fullmatch=True),
        st.sampled_from(MEANINGFUL_WORDS),
    )
    for name in names:
        parts = fast._parts(unfold(SHAPES[name]))
        assert parts is not None
        value = unfold(SHAPES[name])
        for key in ("word", "comment", "by", "id", "for", "date"):
            old = parts[key]
            if old:
                value = value.replace(old, data.draw(word, label=key), 1)
        _check(value)


MEANINGFUL_WORDS = (
    "auth=yes", "encrypted", "localhost", "localhost.localdomain", "127.0.0.1", "[127.0.0.1]",
    "::1", "by", "id", "for", "tls", "fpqzid", "unknown", "[local]", "helo=x", "<>",
)  # fmt: skip


@pytest.mark.parametrize("word", MEANINGFUL_WORDS)
@pytest.mark.parametrize("part", ["word", "comment", "by", "id", "for"])
def test_a_masked_part_that_means_something_to_the_full_parser(part: str, word: str) -> None:
    """A dialect literal, a keyword, a loopback or local name where the memo puts a placeholder:
    the hop is the full parser's (the words dialects read the id and for words too)."""
    for name in ("postfix using TLS", "dovecot lmtp", "exim tls clause"):
        value = unfold(SHAPES[name])
        parts = fast._parts(value)
        assert parts is not None and parts[part] is not None
        _check(value.replace(parts[part], word, 1))


def test_the_lake_of_sample_data_maildir_is_the_same_without_the_fast_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    paths = sorted(p for p in MAILDIR.rglob("*") if p.is_file())
    config = SiteConfig(own_hosts=("example.org",))
    ingest_mail(paths, tmp_path / "fast", "r1", config, [])
    monkeypatch.setattr(entry, "fast_parse", lambda text: None)
    ingest_mail(paths, tmp_path / "full", "r1", config, [])
    assert lake_content(tmp_path / "fast") == lake_content(tmp_path / "full")


_HEADER_LINE = st.sampled_from(
    [
        b"Received: from a (b [192.0.2.1])", b"\tby c with ESMTP id X", b" ; Mon, 4 Mar 2024",
        b"From: A <a@example.org>", b"From a@b Mon Mar  4 00:00:00 2024", b"Date: Mon, 4 Mar",
        b"Message-ID: <x@y>", b"Subject: caf\xc3\xa9 \xe9", b"X-Other: 1", b"broken line",
        b"  continued", b"received:x", b"DATE:\t2024", b": no name", b"Received : spaced",
        b"MESSAGE-ID:<z@w>", b"from: lower", b"\r", b"",
    ]
)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.lists(_HEADER_LINE, max_size=12), st.sampled_from([b"\n", b"\r\n", b"\r"]))
def test_reading_only_the_needed_fields_gives_them_as_the_whole_reader(
    lines: list[bytes], end: bytes
) -> None:
    block = end.join(lines)
    whole = [(name, value) for name, value in header_fields(block) if name in READ_FIELDS]
    assert header_fields(block, READ_FIELDS) == whole


def _message_files() -> list[Path]:
    data = ROOT / "tests" / "data"
    return sorted(p for p in (data / "received").iterdir()) + sorted(
        p for p in MAILDIR.rglob("*") if p.is_file()
    )


def test_a_maildir_file_read_in_one_read_is_the_message_read_by_stream(tmp_path: Path) -> None:
    """Plain files in one read; compressed, empty, header-only and over-long headers too."""
    import gzip

    from pipeline.ingest.mailbox.readers import LINE_LIMIT, plain_message_file, read_message
    from pipeline.ingest.mailbox.streams import open_binary

    made = {
        "empty": b"",
        "header only": b"Received: from a by b; Mon, 4 Mar 2024 00:00:00 +0000\n",
        "blank first": b"\nReceived: x\n\nbody",
        "crlf": b"Received: x\r\nFrom: a@b\r\n\r\nbody\r\n",
        "long header": b"Received: " + b"a" * (LINE_LIMIT + 10) + b"\n\nbody",
        "long line then end": b"X: " + b"b" * (LINE_LIMIT - 5) + b"\nReceived: y\n\nbody",
    }
    paths = _message_files()
    for name, content in made.items():
        plain, packed = tmp_path / name, tmp_path / f"{name}.gz"
        plain.write_bytes(content)
        packed.write_bytes(gzip.compress(content))
        paths += [plain, packed]
    read_at_once = 0
    for path in paths:
        message = plain_message_file(path)
        with open_binary(path) as stream:
            assert message is None or message == read_message(stream, str(path)), path
        read_at_once += message is not None
    assert read_at_once > len(paths) / 2
