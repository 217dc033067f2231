"""The hand-written lake most pipeline tests read; every expected value in the tests below is
read from these rows, not from running the code."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.pipeline.lakes import at, hop, session, write_ingested, write_rejects, write_table

IMAPS = {"service": "imap", "server_port": 993, "tls_mode": "implicit"}
IMAP = {"service": "imap", "server_port": 143}
CLEAR = {"tls_mode": "none", "security": "cleartext"}
TLS13 = {"tls_version": "TLSv1.3", "tls_version_source": "logged", "security": "modern_tls"}

SESSIONS = [
    # carol: careful on 993; a password guesser fails three times on 143 from another IP
    session(
        user_name="carol@example.org",
        event_at=at("2025-03-10 08:00"),
        client_ip="198.51.100.10",
        **IMAPS,
        **TLS13,
    ),
    session(
        user_name="carol@example.org",
        event_at=at("2025-03-11 02:00"),
        client_ip="203.0.113.66",
        auth_result="failed",
        auth_failures=3,
        **IMAP,
        **CLEAR,
    ),
    # carol again, after the window's end: must not count, not even for last_cleartext_at
    session(
        user_name="carol@example.org",
        event_at=at("2025-04-02 09:00"),
        client_ip="198.51.100.10",
        service="pop3",
        server_port=110,
        **CLEAR,
    ),
    # dave: POP3 in cleartext
    session(
        user_name="dave@example.org",
        event_at=at("2025-03-12 07:30"),
        client_ip="192.0.2.20",
        service="pop3",
        server_port=110,
        **CLEAR,
    ),
    # erin: TLS 1.0 on IMAPS
    session(
        user_name="erin@example.org",
        event_at=at("2025-03-13 10:00"),
        client_ip="192.0.2.21",
        tls_version="TLSv1.0",
        tls_version_source="logged",
        security="legacy_tls",
        **IMAPS,
    ),
    # frank: STARTTLS 1.2 on submission, logged by Postfix
    session(
        user_name="frank@example.org",
        event_at=at("2025-03-17 09:00"),
        client_ip="192.0.2.30",
        source="postfix",
        service="submission",
        listener="postfix/submission",
        server_port=587,
        tls_mode="starttls",
        tls_version="TLSv1.2",
        tls_version_source="logged",
        security="modern_tls",
    ),
    # gina: Dovecot logged TLS without a version or port
    session(
        user_name="gina@example.org",
        event_at=at("2025-03-18 11:00"),
        client_ip="192.0.2.40",
        service="imap",
        tls_mode="unknown",
        security="tls_unknown",
    ),
    # hank: one unknown session and one L3 session
    session(
        user_name="hank@example.org",
        event_at=at("2025-03-18 12:00"),
        client_ip="192.0.2.41",
        service="imap",
        tls_mode="unknown",
        security="tls_unknown",
    ),
    session(
        user_name="hank@example.org",
        event_at=at("2025-03-19 12:00"),
        client_ip="192.0.2.41",
        **IMAPS,
        **TLS13,
    ),
    # ivan: only seen through webmail on localhost (Dovecot `secured`)
    session(
        user_name="ivan@example.org",
        event_at=at("2025-03-19 13:00"),
        client_ip="127.0.0.1",
        is_trusted_hop=True,
        **IMAP,
        **CLEAR,
    ),
    # judy: the server refused her cleartext password on 143, from the address she also logs
    # in from on 993 (so the attempt is her own client's: marts/25_cleartext_attempts.sql)
    session(
        user_name="judy@example.org",
        event_at=at("2025-03-14 06:00"),
        client_ip="192.0.2.50",
        auth_result="refused_cleartext",
        **IMAP,
        **CLEAR,
    ),
    session(
        user_name="judy@example.org",
        event_at=at("2025-03-14 08:00"),
        client_ip="192.0.2.50",
        **IMAPS,
        **TLS13,
    ),
    # kim: two spellings of one user
    session(
        user_name="Kim@Example.org",
        event_at=at("2025-03-15 08:00"),
        client_ip="192.0.2.60",
        **IMAPS,
        **TLS13,
    ),
    session(
        user_name="kim@example.org",
        event_at=at("2025-03-16 08:00"),
        client_ip="192.0.2.61",
        source="postfix",
        service="submission",
        server_port=587,
        tls_mode="starttls",
        tls_version="TLSv1.2",
        tls_version_source="inferred",
        security="modern_tls",
    ),
    # mallory: only port-25 smtp, which never counts
    session(
        user_name="mallory@example.org",
        event_at=at("2025-03-20 01:00"),
        client_ip="203.0.113.9",
        source="postfix",
        service="smtp",
        server_port=25,
        **CLEAR,
    ),
    # leo: cleartext in February (before the window), L3 in the window
    session(
        user_name="leo@example.org",
        event_at=at("2025-02-10 10:00"),
        client_ip="192.0.2.70",
        **IMAP,
        **CLEAR,
    ),
    session(
        user_name="leo@example.org",
        event_at=at("2025-03-20 10:00"),
        client_ip="192.0.2.70",
        **IMAPS,
        **TLS13,
    ),
    # olivia: only before the window
    session(
        user_name="olivia@example.org",
        event_at=at("2025-02-05 10:00"),
        client_ip="192.0.2.80",
        **IMAPS,
        **TLS13,
    ),
]

HOPS = [
    # nina: submitted without TLS, one message stored in two mailboxes (two copies, one hop)
    hop(
        message_key="m1",
        auth_user="nina@example.org",
        received_at=at("2025-03-21 09:00"),
        from_ip="192.0.2.90",
        with_protocol="ESMTPA",
        tls=False,
        security="cleartext",
    ),
    hop(
        message_key="m2",
        auth_user="nina@example.org",
        received_at=at("2025-03-21 09:00"),
        from_ip="192.0.2.90",
        with_protocol="ESMTPA",
        tls=False,
        security="cleartext",
    ),
    # frank's logged submission seen again in a header 20 seconds later: not a second login
    hop(
        message_key="m3",
        auth_user="Frank@example.org",
        received_at=at("2025-03-17 09:00:20"),
        from_ip="192.0.2.30",
        with_protocol="ESMTPSA",
        tls=True,
        tls_version="TLSv1.2",
        security="modern_tls",
    ),
    # someone else's server: not evidence about our users
    hop(
        message_key="m4",
        auth_user="olga@example.net",
        received_at=at("2025-03-21 10:00"),
        from_ip="192.0.2.91",
        by_host="smtp.example.net",
        is_own_server=False,
        with_protocol="ESMTPA",
        tls=False,
        security="cleartext",
    ),
    # pat: webmail submitting on localhost
    hop(
        message_key="m5",
        auth_user="pat@example.org",
        received_at=at("2025-03-22 10:00"),
        from_ip="127.0.0.1",
        is_local=True,
        with_protocol="ESMTPA",
        tls=False,
        security="cleartext",
    ),
]


@pytest.fixture(scope="session")
def lake(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("lake")
    write_table(root, "sessions", SESSIONS, "event_at")
    write_table(root, "received_hops", HOPS, "received_at")
    write_rejects(
        root,
        "2025-03-12",
        [
            {
                "source_file": "mail.log",
                "source_line": 7,
                "kind": "dovecot",
                "reason": "no user",
                "raw": "x",
            },
            {
                "source_file": "mail.log",
                "source_line": 9,
                "kind": "dovecot",
                "reason": "no user",
                "raw": "y",
            },
            {
                "source_file": "mail.log.1",
                "source_line": 3,
                "kind": "postfix",
                "reason": "bad ip",
                "raw": "z",
            },
        ],
    )
    write_ingested(
        root,
        [
            {
                "path": "mail.log",
                "size": 10,
                "mtime": at("2025-03-31 00:00"),
                "fingerprint": "f",
                "lines": 1000,
                "rows": 17,
                "rejects": 3,
                "ingested_at": at("2025-04-03 00:00"),
            }
        ],
    )
    return root


@pytest.fixture
def empty_lake(tmp_path: Path) -> Path:
    root = tmp_path / "empty-lake"
    root.mkdir()
    return root
