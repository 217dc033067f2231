"""Every copied corpus file is read without an exception, and what became of its lines is pinned.

Counts are for the Postfix family: ``recognised`` = a postfix.* event, ``rejected`` = a postfix.*
Reject, ``other`` = out of scope or another family's line (the Dovecot dialects pin their own
census), so adding dialects elsewhere does not move these numbers. Cross-checks done by hand with
grep: the lab file has 56 Postfix lines, of which 5 are out of scope (postfix-script, master, three
NOQUEUE rejects); pixelpark has 17,225 smtpd/smtp/tlsproxy lines of the kinds in EVENTS.md, plus 2,194 tlsproxy
CONNECT/DISCONNECT lines read as known noise.
Not in scope here: the journal export format (multi-line records, every line ``KEY=value``) and
the whyscream TSV (messages without an envelope; its lines serve as dialect examples instead).
"""

from __future__ import annotations

import pytest

from tests.parsers.census import DATA, census

CENSUS = [
    # file, recognised, other, rejected
    ("postfix/crowdsec-hub__postfix-helo.log", 0, 2, 0),
    ("postfix/crowdsec-hub__postfix-honeypot-users.log", 9, 0, 0),
    ("postfix/crowdsec-hub__postfix-logs.log", 1, 6, 0),
    ("postfix/crowdsec-hub__postfix-non-smtp.log", 0, 1, 0),
    ("postfix/crowdsec-hub__postfix-relay.log", 0, 2, 0),
    ("postfix/crowdsec-hub__postfix-sasl-bf.log", 3, 0, 0),
    ("postfix/crowdsec-hub__postfix-spam.log", 4, 3, 0),
    ("postfix/fail2ban__postfix.log", 25, 178, 0),
    ("postfix/hsn723-postfix_exporter__test-lines.log", 5, 62, 0),
    ("postfix/kumina-postfix_exporter__test-lines.log", 5, 46, 0),
    ("postfix/maillogsentinel__sample_sasl.log", 139, 0, 0),
    ("postfix/ossec-hids__postfix-ini-lines.log", 2, 2, 0),
    ("postfix/pixelpark-postfix-logsums__mail.log.xz", 19419, 50442, 0),
    ("postfix/sergeymakinen-postfix_exporter__mail.log", 4, 62, 0),
    ("postfix/wazuh-ruleset__log-entries-postfix.log", 1, 3, 0),
    ("postfix/wazuh-ruleset__postfix-ini-lines.log", 0, 2, 0),
    ("postfix/whyscream-postfix-grok-patterns__test-data.tsv.log", 0, 202, 0),
    ("generated/journalctl-252__export-textonly.log", 0, 112, 0),
    ("generated/journalctl-252__json.log", 4, 5, 0),
    ("generated/journalctl-252__short--all.log", 4, 5, 0),
    ("generated/journalctl-252__short-full.log", 4, 5, 0),
    ("generated/journalctl-252__short-iso-precise.log", 4, 5, 0),
    ("generated/journalctl-252__short-iso.log", 4, 5, 0),
    ("generated/journalctl-252__short-precise.log", 4, 5, 0),
    ("generated/journalctl-252__short-unix.log", 4, 5, 0),
    ("generated/journalctl-252__short.log", 4, 5, 0),
    ("generated/lab-postfix3.7.11-dovecot2.3.19.1__mail-rfc3339.log", 51, 29, 0),
    ("generated/lab-postfix3.7.11-dovecot2.3.19.1__mail-rfc5424.log", 51, 29, 0),
    ("generated/lab-postfix3.7.11-dovecot2.3.19.1__mail-traditional.log", 51, 29, 0),
    ("generated/rsyslog-8.2302__from-rfc3164-input__fileformat.log", 3, 2, 0),
    ("generated/rsyslog-8.2302__from-rfc3164-input__rfc5424.log", 3, 2, 0),
    ("generated/rsyslog-8.2302__from-rfc3164-input__traditional.log", 3, 2, 0),
    ("generated/rsyslog-8.2302__from-rfc5424-input__fileformat.log", 4, 5, 0),
    ("generated/rsyslog-8.2302__from-rfc5424-input__rfc5424.log", 4, 5, 0),
    ("generated/rsyslog-8.2302__from-rfc5424-input__traditional.log", 4, 5, 0),
    ("envelope/crowdsec-hub__docker-logs.log", 0, 3, 0),
    ("envelope/lnav__logfile_journald.json.log", 0, 2, 0),
]


@pytest.mark.parametrize(
    ("name", "recognised", "other", "rejected"), CENSUS, ids=[c[0] for c in CENSUS]
)
def test_census(name: str, recognised: int, other: int, rejected: int) -> None:
    counts, rejects = census(DATA / name, "postfix", 2023)
    print(
        f"{name}: recognised={counts['recognised']} other={counts['other']} rejected={counts['rejected']}"
    )
    for reject in rejects:
        print(f"  reject line {reject.line_no} ({reject.kind}): {reject.raw[:160]}")
    assert (counts["recognised"], counts["other"], counts["rejected"]) == (
        recognised,
        other,
        rejected,
    )


def test_every_copied_file_is_in_the_census() -> None:
    copied = {
        f"{folder.name}/{path.name}"
        for folder in DATA.iterdir()
        if folder.name in ("postfix", "generated", "envelope")
        for path in folder.iterdir()
    }
    assert copied == {c[0] for c in CENSUS}


def test_pixelpark_kinds() -> None:
    # expected counts from grep over the uncompressed file, by daemon and wording
    counts, _ = census(DATA / "postfix/pixelpark-postfix-logsums__mail.log.xz", "postfix", 2023)
    assert counts["postfix.smtpd.connect"] == 5341
    assert counts["postfix.smtpd.disconnect"] == 5341
    assert counts["postfix.smtp.tls_established"] == 3  # grep 'postfix/smtp\[.*TLS connection'
    assert counts["postfix.tlsproxy.tls_established"] == 1073
    assert counts["postfix.tlsproxy.handshake_failed"] == 24
    assert (
        counts["postfix.tlsproxy.connection"] == 2194
    )  # grep -c 'tlsproxy.*CONNECT \(from \)\?\['

    assert counts["postfix.smtpd.tls_error"] == 1
