"""OpenSMTPD: the corpus and lab lines recognised (counts pinned), the credentials that
OpenSMTPD writes into its log decoded to a user name, and nothing of the password kept."""

from __future__ import annotations

import base64
from collections import Counter

import pytest

from parsers.logline import LogLineParser, family_and_daemon
from parsers.opensmtpd.credentials import auth_command, redacted_command
from parsers.records import LogEvent, Reject
from parsers.redact import may_hold_password, redact
from tests.parsers.census import DATA, census

LAB = "opensmtpd/lab-opensmtpd6.8.0p2__smtpd.log"
# a lab line as logged: uma's client sent AUTH PLAIN on the listener without AUTH (port 25)
REFUSED = (
    "Dec  7 01:05:29 mail smtpd[31181]: ac1196750a3c5fc9 smtp failed-command "
    'command="AUTH PLAIN AHVtYUBsYWIuZXhhbXBsZQBmYWtlLXVtYS1sYWItcHc=" '
    'result="503 5.5.1 Invalid command: Command not supported"'
)
PASSWORD = "fake-uma-lab-pw"
SECRET_B64 = "AHVtYUBsYWIuZXhhbXBsZQBmYWtlLXVtYS1sYWItcHc="


def test_the_lab_line_holds_the_password() -> None:
    # the premise of every test below: the log really carries it
    assert base64.b64decode(SECRET_B64).split(b"\0")[2].decode() == PASSWORD
    assert SECRET_B64 in REFUSED


@pytest.mark.parametrize(
    ("name", "recognised", "other", "rejected"),
    [
        # 7 5.x lines, every one an OpenSMTPD session line
        ("opensmtpd/wazuh-ruleset__opensmtpd-ini-lines.log", 7, 0, 0),
        # 197 lines: 144 session lines (32 connected, 32 disconnected, 24 tls, 24 authentication,
        # 7 failed-command, 25 message); out of scope: 1 start-up line, 25 envelope lines and
        # 27 mda delivery lines (grep -c)
        (LAB, 144, 53, 0),
    ],
)
def test_census(name: str, recognised: int, other: int, rejected: int) -> None:
    counts, rejects = census(DATA / name, "opensmtpd", 2026)
    assert not rejects, rejects
    assert (counts["recognised"], counts["other"], counts["rejected"]) == (
        recognised,
        other,
        rejected,
    )


def test_lab_kinds_match_grep() -> None:
    counts, _ = census(DATA / LAB, "opensmtpd", 2026)
    text = (DATA / LAB).read_text()
    assert counts["opensmtpd.smtp.connected"] == text.count(" smtp connected ") == 32
    assert counts["opensmtpd.smtp.disconnected"] == text.count(" smtp disconnected ")
    assert counts["opensmtpd.smtp.tls"] == text.count(" smtp tls ciphers=")
    assert counts["opensmtpd.smtp.authentication"] == text.count(" smtp authentication ")
    assert counts["opensmtpd.smtp.failed_command"] == text.count(" smtp failed-command ")


def test_program_smtpd_is_opensmtpd_but_postfix_smtpd_stays_postfix() -> None:
    assert family_and_daemon("smtpd") == ("opensmtpd", "")
    assert family_and_daemon("postfix/smtpd") == ("postfix", "smtpd")
    assert family_and_daemon("mx1/smtpd") == ("postfix", "smtpd")


def test_refused_auth_plain_gives_the_user_and_drops_the_password() -> None:
    event = LogLineParser(year=2026).parse(REFUSED, 1)
    assert isinstance(event, LogEvent)
    assert event.kind == "opensmtpd.smtp.failed_command"
    assert event.fields["user_name"] == "uma@lab.example"
    assert event.fields["auth_method"] == "PLAIN"
    assert event.fields["credentials"] == "password"
    assert event.fields["command"] == "AUTH PLAIN <redacted>"
    kept = repr(event)
    assert SECRET_B64 not in kept and PASSWORD not in kept and "AHVtYU" not in kept


def test_every_lab_event_is_free_of_passwords() -> None:
    parser = LogLineParser(year=2026)
    lines = (DATA / LAB).read_text().splitlines()
    secrets = {
        token
        for line in lines
        if 'command="AUTH PLAIN ' in line and "(...)" not in line
        for token in [line.split('command="AUTH PLAIN ', 1)[1].split('"', 1)[0]]
    }
    assert secrets == {SECRET_B64}  # uma's refused AUTH PLAIN lines
    users = Counter()
    for number, line in enumerate(lines, 1):
        record = parser.parse(line, number)
        text = repr(record)
        assert "lab-pw" not in text
        assert not any(s in text or s.rstrip("=") in text for s in secrets)
        if isinstance(record, LogEvent) and record.fields.get("credentials"):
            users[record.fields["user_name"]] += 1
    assert users == {"uma@lab.example": (DATA / LAB).read_text().count(SECRET_B64)}


def test_a_reject_keeps_no_password() -> None:
    # an AUTH line the pattern refuses (the reply is cut): it becomes a Reject, redacted
    line = REFUSED[: REFUSED.index(' result="')] + ' result="503 5.5.1'
    record = LogLineParser(year=2026).parse(line, 7)
    assert isinstance(record, Reject)
    assert SECRET_B64 not in record.raw and "AUTH PLAIN <redacted>" in record.raw


@pytest.mark.parametrize(
    ("line", "kept"),
    [
        (REFUSED, 'command="AUTH PLAIN <redacted>" result="503'),
        (
            'smtpd[1]: smtp-in: Failed command on session 1f55bdcdf16e28a4: "AUTH PLAIN '
            + SECRET_B64.rstrip("=")
            + '" => 503 5.5.1 Invalid command',
            '"AUTH PLAIN <redacted>" =>',
        ),
        (
            f'smtpd[1]: 1 smtp failed-command command="{SECRET_B64}" result="500 5.5.1 Invalid command: Command unrecognized"',
            'command="<redacted>"',
        ),
        (
            'smtpd[1]: 1 smtp failed-command command="auth login dXNlckBleGFtcGxlLm9yZw==" result="503 x"',
            "auth login <redacted>",
        ),
    ],
)
def test_redact_removes_auth_responses(line: str, kept: str) -> None:
    assert may_hold_password(line)
    out = redact(line)
    assert kept in out
    assert SECRET_B64.rstrip("=") not in out and "dXNlckBleGFtcGxl" not in out


def test_redact_leaves_opensmtpd_own_redaction_and_other_commands() -> None:
    for line in (
        'smtpd[1]: 1 smtp failed-command command="AUTH PLAIN (...)" result="535 Authentication failed"',
        'smtpd[1]: 1 smtp failed-command command="AUTH PLAIN =" result="503 x"',
        'smtpd[1]: 1 smtp failed-command command="MAIL FROM:<a@b.example>" result="550 x"',
    ):
        assert redact(line) == line


@pytest.mark.parametrize(
    ("command", "mechanism", "user", "password"),
    [
        ("AUTH PLAIN " + SECRET_B64, "PLAIN", "uma@lab.example", True),
        ("AUTH PLAIN " + SECRET_B64[:20], "PLAIN", None, False),  # cut inside the user name
        ("AUTH PLAIN " + SECRET_B64[:26], "PLAIN", "uma@lab.example", True),  # cut in the password
        ("AUTH LOGIN dXNlckBleGFtcGxlLm9yZw==", "LOGIN", "user@example.org", False),
        ("AUTH PLAIN (...)", "PLAIN", None, False),
        ("AUTH PLAIN", "PLAIN", None, False),
        (SECRET_B64, None, "uma@lab.example", True),  # the response on a line of its own
        ("HELO", None, None, False),
    ],
)
def test_auth_command(
    command: str, mechanism: str | None, user: str | None, password: bool
) -> None:
    found = auth_command(command)
    if command == "HELO":
        assert found is None
        assert redacted_command(command) == command
        return
    assert found is not None
    assert (found.mechanism, found.user_name, found.carries_password) == (mechanism, user, password)
    assert PASSWORD not in repr(found)
    assert SECRET_B64[8:] not in redacted_command(command)


def test_a_base64_word_without_nul_is_no_credential() -> None:
    assert auth_command("QUIT") is None
    assert auth_command("aGVsbG8gd29ybGQ=") is None  # "hello world"


def test_unread_inbound_lines_are_counted_by_shape_but_envelopes_and_mta_are_not() -> None:
    from parsers.shapes import UnknownShapes

    shapes = UnknownShapes()
    parser = LogLineParser(year=2026, shapes=shapes)
    lines = [
        'Dec  7 01:05:20 mail smtpd[31181]: ac1196625e8d5d9b smtp client-cert-check result="failure"',
        "Dec  7 01:04:01 mail smtpd[23928]: 89e526b8d51fa02e smtp envelope evpid=e60bb14a3457d0f2 from=<a@lab.example> to=<b@lab.example>",
        "Dec  7 01:05:21 mail smtpd[31181]: ac11966a0e1d5b1c mta connected",
        *(DATA / LAB).read_text().splitlines(),
    ]
    for number, line in enumerate(lines, 1):
        parser.parse(line, number)
    counted = shapes.counts().get("opensmtpd", {})
    assert sum(counted.values()) == 1 and "client-cert-check" in next(iter(counted))
