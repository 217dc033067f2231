"""The benchmark's generators: deterministic for a seed, and every line they write is one the
parsers recognise (the envelope always; each in-scope kind once its dialect has landed)."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from pathlib import Path

import pytest

from benchmarks import generate_logs, generate_mail
from parsers.envelope import EnvelopeParser
from parsers.logline import LogLineParser
from parsers.records import LogEvent
from parsers.registry import all_dialects

LINES = 20_000


def log_lines(lines: int = LINES, seed: int = 3, fmt: str = "rfc3164") -> list[str]:
    text = "".join(generate_logs.generate(lines, seed=seed, fmt=fmt))
    return text.splitlines()


@pytest.fixture(scope="module")
def traditional() -> list[str]:
    return log_lines()


def test_log_is_deterministic_for_a_seed() -> None:
    assert log_lines(3000, seed=5) == log_lines(3000, seed=5)
    assert log_lines(3000, seed=5) != log_lines(3000, seed=6)


def test_log_has_exactly_the_lines_asked_for(traditional: list[str]) -> None:
    assert len(traditional) == LINES
    assert len(log_lines(1, seed=9)) == 1


@pytest.mark.parametrize("fmt", ["rfc3164", "rfc3339"])
def test_every_line_has_an_envelope_and_time_never_goes_back(fmt: str) -> None:
    parser = EnvelopeParser(year=2024)
    previous = None
    for line in log_lines(5000, fmt=fmt):
        envelope = parser.parse(line)
        assert envelope is not None, line
        assert envelope.host in {"mx1", "mail1", "mail2"}, line
        assert envelope.program == "dovecot" or envelope.program.startswith("postfix/"), line
        assert previous is None or envelope.event_at >= previous, line
        previous = envelope.event_at


def test_smtpd_sessions_are_whole_on_one_pid(traditional: list[str]) -> None:
    """Per (host, smtpd tag): the first line is the connect, and a pid serves one session."""
    by_process: dict[tuple[str, str], list[str]] = defaultdict(list)
    for line in traditional:
        m = re.match(r"\w{3} +\d+ [\d:]{8} (\S+) (\S+): (.*)", line)
        assert m is not None, line
        host, tag, message = m.groups()
        if "/smtpd[" in tag:
            by_process[host, tag].append(message)
    assert len(by_process) > 500
    for messages in by_process.values():
        assert messages[0].startswith("connect from "), messages
        assert sum(m.startswith("connect from ") for m in messages) == 1, messages
        assert sum(m.startswith("disconnect from ") for m in messages) <= 1, messages


def test_dovecot_logins_and_logouts_share_a_session_id(traditional: list[str]) -> None:
    logins = {
        m[2]
        for line in traditional
        if (m := re.search(r"-login: Login: user=<([^>]+)>.*session=<([^>]+)>", line))
    }
    logouts = Counter(
        m[1] for line in traditional if (m := re.search(r"\)<\d+><([^>]+)>: Disconnected", line))
    )
    assert len(logins) > 1000
    assert all(count == 1 for count in logouts.values())
    assert set(logouts) <= logins  # the tail may still be logged in when the file ends
    assert len(logouts) > 0.9 * len(logins)


def test_users_keep_their_habits(traditional: list[str]) -> None:
    """A user has one or two devices: at most two ways (address, port, flag, TLS version) to log in."""
    ways: dict[str, set[str]] = defaultdict(set)
    for line in traditional:
        m = re.search(r"-login: Login: user=<([^>]+)>, method=\w+, rip=(.*), session=", line)
        if m and "lport=" in line:  # mail1 logs the port and TLS version
            ways[m[1]].add(re.sub(r"mpid=\d+", "", m[2]))
    assert len(ways) > 100
    assert max(len(w) for w in ways.values()) <= 2
    assert sum(len(w) == 2 for w in ways.values()) > 10  # phones next to desktops exist


# What each line of the generator is, read from its templates: (substring, program part, kind).
EXPECTED_KINDS = (
    ("disconnect from ", "/smtpd[", "postfix.smtpd.disconnect"),
    ("]: connect from ", "/smtpd[", "postfix.smtpd.connect"),
    ("TLS connection established from ", "/smtpd[", "postfix.smtpd.tls_established"),
    ("TLS connection established to ", "/smtp[", "postfix.smtp.tls_established"),
    (": client=", "/smtpd[", "postfix.smtpd.client"),
    (" authentication failed: ", "/smtpd[", "postfix.smtpd.sasl_failed"),
    ("lost connection after ", "/smtpd[", "postfix.smtpd.lost_connection"),
    ("SSL_accept error from ", "/smtpd[", "postfix.smtpd.tls_error"),
    ("-login: Login: ", "dovecot:", "dovecot.login.ok"),
    ("-login: Disconnected", "dovecot:", "dovecot.login.failed"),
    ("-login: Aborted login", "dovecot:", "dovecot.login.failed"),
    ("): unknown user", "dovecot:", "dovecot.auth.unknown_user"),
    ("): Password mismatch", "dovecot:", "dovecot.auth.failed"),
    ("warning: TLS library problem: ", "/smtpd[", "postfix.smtpd.tls_library_problem"),
)
KINDS = sorted({k for _, _, k in EXPECTED_KINDS})
NOISE = (
    "postfix/qmgr[",
    "postfix/cleanup[",
    "postfix/postscreen[",
    "postfix/anvil[",
    "postfix/pickup[",
    "postfix/local[",
    "postfix/lmtp[",
    "dovecot: lmtp(",
)


def expected_kind(line: str) -> str | None:
    for needle, program, kind in EXPECTED_KINDS:
        if needle in line and program in line:
            return kind
    return None


@pytest.mark.parametrize("kind", KINDS)
def test_in_scope_lines_are_recognised(kind: str, traditional: list[str]) -> None:
    if kind not in {d.key for d in all_dialects()}:
        pytest.skip(f"dialect {kind} not in parsers.registry yet")
    parser = LogLineParser(year=2024)
    lines = [(n, line) for n, line in enumerate(traditional, 1) if expected_kind(line) == kind]
    assert lines, f"the generator wrote no {kind} line"
    wrong = []
    for n, line in lines:
        got = parser.parse(line, n)
        if not (isinstance(got, LogEvent) and got.kind == kind):
            wrong.append(f"{got!r}: {line}")
    assert not wrong, f"{len(wrong)} of {len(lines)} lines: " + "\n".join(wrong[:5])


def test_noise_is_out_of_scope_not_rejected(traditional: list[str]) -> None:
    parser = LogLineParser(year=2024)
    noise = [line for line in traditional if any(n in line for n in NOISE)]
    assert len(noise) > LINES // 3  # most of a real server's log is queue and delivery chatter
    wrong = [line for n, line in enumerate(noise) if parser.parse(line, n) is not None]
    assert not wrong, wrong[:5]


def mailbox_files(root: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted((root / "cur").iterdir())}


def test_mail_is_deterministic_and_chains_have_two_to_six_hops(tmp_path: Path) -> None:
    fields = generate_mail.generate(tmp_path / "a", 300, seed=4)
    generate_mail.generate(tmp_path / "b", 300, seed=4)
    generate_mail.generate(tmp_path / "c", 300, seed=5)
    a, b, c = (mailbox_files(tmp_path / x) for x in "abc")
    assert a == b
    assert a != c
    hops = [data.split(b"\n\n", 1)[0].count(b"\nReceived: ") for data in a.values()]
    assert sum(hops) == fields
    assert min(hops) == 2
    assert max(hops) == 6
    # a local user's submission: Postfix with ESMTPSA (or ESMTPA in the clear) and the user named
    assert any(
        b"(Authenticated sender: " in d and b"(Postfix) with ESMTPSA id" in d for d in a.values()
    )


def test_mbox_holds_every_message(tmp_path: Path) -> None:
    generate_mail.generate(tmp_path / "box.mbox", 50, seed=1, mbox=True)
    text = (tmp_path / "box.mbox").read_bytes()
    assert text.count(b"\nFrom ") + text.startswith(b"From ") == 50
