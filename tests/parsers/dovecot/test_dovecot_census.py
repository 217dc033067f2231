"""Every line of the Dovecot corpus through the full line parser: counts pinned per file, a few
fields per Dovecot version read by hand, and no password left in any event or reject."""

from __future__ import annotations

from collections import Counter
from functools import cache
from pathlib import Path

import pytest

from parsers.envelope import EnvelopeParser
from parsers.logline import LogLineParser, family_and_daemon
from parsers.records import LogEvent, Reject

DATA = Path(__file__).resolve().parents[2] / "data" / "logs"
LAB = "generated/lab-postfix3.7.11-dovecot2.3.19.1__mail-{}.log"

# file → (recognised, out of scope, rejected). Comment lines ("#", fail2ban annotations) and
# blank lines are not log data. In the lab files only Dovecot's lines are counted; the Postfix
# lines there belong to the Postfix census.
CENSUS = {
    "dovecot/crowdsec-hub__dovecot-logs.log": (15, 0, 0),
    "dovecot/crowdsec-hub__dovecot-slow-bf.log": (4, 0, 0),
    "dovecot/crowdsec-hub__dovecot-spam.log": (12, 0, 0),
    "dovecot/crowdsec-hub__dovecot-time-based-bf.log": (4, 0, 0),
    # out of scope, 7: 4 tai64n lines (an envelope this parser does not read yet), 1 PAM
    # pam_unix line under the "auth" tag, 1 log_path "auth: Info: ldap(…): invalid credentials"
    # line (program "auth", not "dovecot"), and the GHSA-33wh probe "Disconnected: a: a: … test
    # no match" (no element list: not a login).
    "dovecot/fail2ban__dovecot.log": (60, 7, 0),
    # out of scope, 9: 6 Dovecot 1.x log_path lines whose "host" reads as "Info:"/"Warn:", the
    # 1.2.rc3 start-up line and two Fatal start-up errors.
    "dovecot/wazuh-ruleset__dovecot-ini-lines.log": (6, 9, 0),
    # out of scope, 7: master start-up and six Warning lines around a reload.
    LAB.format("traditional"): (17, 7, 0),
    LAB.format("rfc3339"): (17, 7, 0),
}


def _is_dovecot(line: str) -> bool:
    envelope = EnvelopeParser(year=2024).parse(line)
    return envelope is not None and family_and_daemon(envelope.program)[0] == "dovecot"


@cache
def census(name: str) -> tuple[list[LogEvent], list[Reject], int]:
    parser = LogLineParser(year=2024)
    events: list[LogEvent] = []
    rejects: list[Reject] = []
    skipped = 0
    only_dovecot = name.startswith("generated/")
    text = (DATA / name).read_text(encoding="utf-8")
    for number, line in enumerate(text.splitlines(), 1):
        if not line or line.startswith("#") or (only_dovecot and not _is_dovecot(line)):
            continue
        record = parser.parse(line, number)
        if isinstance(record, LogEvent):
            events.append(record)
        elif isinstance(record, Reject):
            rejects.append(record)
        else:
            skipped += 1
    return events, rejects, skipped


@pytest.mark.parametrize("name", sorted(CENSUS))
def test_census(name: str) -> None:
    events, rejects, skipped = census(name)
    kinds = Counter(e.kind for e in events)
    print(f"{name}: recognised {len(events)}, out of scope {skipped}, rejected {len(rejects)}")
    print("  " + ", ".join(f"{k} {n}" for k, n in sorted(kinds.items())))
    for reject in rejects:
        print(f"  reject line {reject.line_no}: {reject.reason}: {reject.raw}")
    assert (len(events), skipped, len(rejects)) == CENSUS[name]


def event_at(name: str, line_no: int) -> LogEvent:
    events, _, _ = census(name)
    found = [e for e in events if e.line_no == line_no]
    assert found, f"{name}:{line_no} was not recognised"
    return found[0]


def test_dovecot_22_fields() -> None:
    # "Jun 13 16:30:54 platypus dovecot: imap-login: Disconnected (auth failed, 2 attempts): …"
    event = event_at("dovecot/fail2ban__dovecot.log", 19)
    assert event.kind == "dovecot.login.failed"
    assert event.host == "platypus"
    assert event.fields["user_name"] == "username.bob"
    assert event.fields["client_ip"] == "49.176.98.87"
    assert event.fields["server_ip"] == "113.212.99.194"
    assert event.fields["tls_flag"] == "TLS"
    assert event.fields["auth_attempts"] == "2"
    assert event.fields["session_id"] is None


def test_dovecot_23_fields() -> None:
    # crowdsec dovecot-logs line 9: "pop3-login: Info: Login: user=<test@yourdomain.net>, …"
    login = event_at("dovecot/crowdsec-hub__dovecot-logs.log", 9)
    assert login.kind == "dovecot.login.ok"
    assert (login.fields["service"], login.fields["user_name"]) == ("pop3", "test@yourdomain.net")
    assert (login.fields["mpid"], login.fields["tls_flag"]) == ("18", "TLS")
    assert login.fields["session_id"] == "PeYcgjjOGOisEQAB"
    # lab line 59, 2.3.19.1: a login attempt from 127.0.0.1 to itself is "secured", not TLS
    secured = event_at(LAB.format("traditional"), 59)
    assert secured.fields["tls_flag"] == "secured"
    assert secured.fields["client_ip"] == secured.fields["server_ip"] == "127.0.0.1"
    # lab line 72: submission-login over cleartext, AUTH LOGIN, two failed attempts
    submission = event_at(LAB.format("rfc3339"), 72)
    assert submission.fields["service"] == "submission"
    assert submission.fields["auth_method"] == "LOGIN"
    assert submission.fields["tls_flag"] == "none"
    assert submission.fields["auth_attempts"] == "2"
    # lab line 80: auth process, passwd-file without a remote IP
    auth = event_at(LAB.format("traditional"), 80)
    assert auth.kind == "dovecot.auth.unknown_user"
    assert (auth.fields["driver"], auth.fields["user_name"]) == ("passwd-file", "alice@example.org")


def test_dovecot_24_fields() -> None:
    # "Jun 12 19:07:29 hostname dovecot[241]: imap-login: Login aborted: Connection closed
    #  (auth failed, 3 attempts in 16 secs) (auth_failed): user=<test>, …"
    event = event_at("dovecot/fail2ban__dovecot.log", 27)
    assert event.pid == 241
    assert event.fields["disconnect_text"] == "Login aborted: Connection closed"
    assert event.fields["code"] == "auth_failed"
    assert event.fields["auth_attempts"] == "3"
    assert event.fields["session_id"] == "9ZHq02g3J8S60fan"
    # "… Login aborted: Connection closed: SSL_accept() failed: …no shared cipher
    #  (disconnected during TLS handshake) (tls_handshake_not_finished): user=<>, …"
    handshake = event_at("dovecot/fail2ban__dovecot.log", 182)
    assert handshake.fields["failure"] == "tls_failed"
    assert handshake.fields["user_name"] is None
    assert handshake.fields["tls_error"] == (
        "SSL_accept() failed: error:0A0000C1:SSL routines::no shared cipher"
    )


# Passwords the corpus shows (auth_verbose_passwords), read from the files by hand.
PASSWORDS = ("Password123$", "XxxxXXxx123", "21bd12", "f638ff")


def test_no_password_survives() -> None:
    seen_in_corpus = 0
    for path in sorted(DATA.rglob("*.log")):
        text = path.read_text(encoding="utf-8", errors="surrogateescape")
        seen_in_corpus += sum(text.count(p) for p in PASSWORDS)
        parser = LogLineParser(year=2024)
        for number, line in enumerate(text.splitlines(), 1):
            record = parser.parse(line, number)
            if isinstance(record, LogEvent):
                kept = " ".join(v for v in record.fields.values() if v)
            elif isinstance(record, Reject):
                kept = record.raw
            else:
                continue
            assert not any(p in kept for p in PASSWORDS), f"{path.name}:{number}"
    assert seen_in_corpus >= 5  # the check above had passwords to find
