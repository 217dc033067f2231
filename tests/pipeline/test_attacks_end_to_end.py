"""End to end, offline: the lab's recorded scenario (sample_data/, recommended profile) plus what
an attacker can write into it leaves every real user's verdict unchanged (issue 12).

The attacks are appended to a copy of sample_data, in the lab's own log and header formats:
- a password guesser on port 143 without TLS trying every lab user's name (Dovecot's refused
  plaintext login, the lines judy's old laptop produced), in a burst, from one outside address;
- a slow guesser trying one name (alice) once an hour from another outside address;
- inbound messages whose real top hop comes from outside, carrying forged lower Received fields
  that claim an authenticated submission into our server: by bob in TLS 1.0, by frank in
  cleartext, by victim@gmail.com, and by a recipient list `a@x,b@evil.example`;
- hostile user names (formula, markup, escape sequences) in the guesser's attempts.
"""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.cli import cli
from pipeline.query import queries
from pipeline.query.db import connect

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "sample_data"
GOLDEN = ROOT / "tests" / "data" / "golden" / "user_posture_lab_recommended.csv"
LAB_USERS = [row["user"] for row in csv.DictReader((SAMPLE / "ground_truth" / "users.csv").open())]
HOSTILE = ["=cmd|'/c calc'!A0", "[/x]", "\x1b]8;;https://evil.example\x1b\\x"]


def _refused(when: str, user: str, ip: str, session: str) -> str:
    """Dovecot 2.3's two lines for `a LOGIN user x` on 143 without TLS, as the lab logged them."""
    tail = f"rip={ip}, lip=127.0.0.1, lport=143, session=<{session}>"
    return (
        f"Nov 29 {when} imap-login: Info: Login failed: Plaintext authentication disabled: "
        f"user=<>, {tail}\n"
        f"Nov 29 {when} imap-login: Info: Disconnected: Aborted login by logging out (auth "
        f"failed, 1 attempts in 0 secs): user=<{user}>, {tail}\n"
    )


def _guesser_lines() -> str:
    names = [*LAB_USERS, *HOSTILE]
    burst = [
        _refused(f"05:24:{49 + i // 20:02d}", name, "203.0.113.9", f"G{i:014d}AAAA")
        for i, name in enumerate(names)
    ]
    # the slow guesser: alice, once, from its own address (one name, no burst, no login there)
    slow = [_refused("05:24:50", "alice@lab.example", "203.0.113.10", "S0000000000000AAAA")]
    return "".join(burst + slow)


def _message(forged: str, number: int) -> bytes:
    return (
        "Return-Path: <x@evil.example>\n"
        "Delivered-To: alice@lab.example\n"
        "Received: from mail.lab.example\n\tby mail.lab.example with LMTP\n\tid a\n"
        "\tfor <alice@lab.example>; Sun, 29 Nov 2026 05:24:50 +0000\n"
        "Received: from mx.evil.example (mx.evil.example [203.0.113.66])\n"
        "\t(using TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 (256/256 bits))\n"
        "\tby mail.lab.example (Postfix) with ESMTPS id F00\n"
        "\tfor <alice@lab.example>; Sun, 29 Nov 2026 05:24:50 +0000 (UTC)\n"
        f"Received: {forged}\n"
        "From: bob@lab.example\nTo: alice@lab.example\nSubject: forged\n"
        f"Message-ID: <forged{number}@evil.example>\n\nbody\n"
    ).encode()


FORGED = [
    "from bob-pc.client.example (unknown [198.51.100.12])\n\t(using TLSv1 with cipher "
    "AES128-SHA (128/128 bits))\n\t(Authenticated sender: bob@lab.example)\n\tby "
    "mail.lab.example (Postfix) with ESMTPSA id F01; Sun, 29 Nov 2026 05:24:49 +0000 (UTC)",
    "from frank-pc (unknown [198.51.100.26])\n\tby mail.lab.example (Postfix) with ESMTPA id "
    "F02; Sun, 29 Nov 2026 05:24:49 +0000 (UTC)\n\t(Authenticated sender: frank@lab.example)",
    "from x by mail.lab.example (OpenSMTPD) with ESMTPA id 1 (TLSv1.0:ECDHE-RSA-AES256-SHA:"
    "256:NO) auth=yes user=victim@gmail.com; Sun, 29 Nov 2026 05:24:49 +0000",
    "from x by mail.lab.example (OpenSMTPD) with ESMTPA id 2 (TLSv1.0:ECDHE-RSA-AES256-SHA:"
    "256:NO) auth=yes user=a@x,b@evil.example; Sun, 29 Nov 2026 05:24:49 +0000",
]


def _ingest(logs: Path, maildir: Path, lake: Path) -> None:
    result = CliRunner().invoke(
        cli,
        [
            "ingest",
            str(logs),
            str(maildir),
            "--lake",
            str(lake),
            "--config",
            str(SAMPLE / "mailtls.toml"),
            "--workers",
            "1",
        ],
    )
    assert result.exit_code == 0, result.output


def _verdicts(lake: Path) -> dict[str, tuple[str, bool]]:
    with connect(lake) as con:
        frame = queries.user_posture(con)
    return {
        r["user_name"]: (r["level"], bool(r["password_reset_required"]))
        for r in frame.to_dict("records")
    }


@pytest.fixture(scope="module")
def lakes(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("attack")
    logs = root / "logs"
    maildir = root / "maildir"
    shutil.copytree(SAMPLE / "logs" / "recommended", logs)
    shutil.copytree(SAMPLE / "maildir", maildir)
    clean = root / "clean"
    _ingest(logs, maildir, clean)
    with (logs / "dovecot.log").open("a", encoding="utf-8") as log:
        log.write(_guesser_lines())
    for number, forged in enumerate(FORGED):
        path = maildir / "alice" / "cur" / f"1795929890.M{number}P1.vm,S=1:2,"
        path.write_bytes(_message(forged, number))
    attacked = root / "attacked"
    _ingest(logs, maildir, attacked)
    return clean, attacked


def test_the_attacks_reached_the_lake(lakes: tuple[Path, Path]) -> None:
    _, attacked = lakes
    with connect(attacked) as con:
        attempts = con.execute(
            "SELECT count(*) FROM stg_sessions WHERE client_ip = '203.0.113.9'"
        ).fetchall()
        forged = con.execute(
            "SELECT count(*) FROM stg_received_hops WHERE auth_user IS NOT NULL"
            " AND raw LIKE '%Nov 2026 05:24:49%'"
        ).fetchall()
    assert attempts == [(len(LAB_USERS) + len(HOSTILE),)]
    assert forged == [(len(FORGED),)]


def test_every_real_users_verdict_is_unchanged(lakes: tuple[Path, Path]) -> None:
    clean, attacked = lakes
    before, after = _verdicts(clean), _verdicts(attacked)
    assert after == before
    golden = {
        r["user_name"]: (r["level"], r["password_reset_required"] == "true")
        for r in csv.DictReader(line for line in GOLDEN.open() if not line.startswith("#"))
    }
    assert after == golden


def test_the_guessers_are_reported_apart(lakes: tuple[Path, Path]) -> None:
    _, attacked = lakes
    with connect(attacked) as con:
        frame = queries.cleartext_attempts(con)
    by_address = frame.groupby("client_ip")["reason"].agg(set).to_dict()
    assert len(by_address["203.0.113.9"]) == 1
    assert next(iter(by_address["203.0.113.9"])).startswith("guesser: ")
    assert by_address["203.0.113.10"] == {
        "unverified: the user never logs in from this address, and its attempts span under 6 hours"
    }


def test_no_notice_goes_to_a_forged_or_guessed_name(
    lakes: tuple[Path, Path], tmp_path: Path
) -> None:
    _, attacked = lakes
    out = tmp_path / "notices"
    result = CliRunner().invoke(
        cli, ["notify", "--lake", str(attacked), "--from", "it@lab.example", "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    names = {p.name.removesuffix(".eml") for p in out.iterdir()}
    golden_exposed = {u for u, (level, _) in _verdicts(attacked).items() if level in ("L0", "L1")}
    assert names == golden_exposed
