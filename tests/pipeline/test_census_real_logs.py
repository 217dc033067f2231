"""The real-world census (issue 16): every real log in tests/data is ingested on its own, and
what became of it is pinned per file. A change that reads more (or less) of any of them moves a
number here, on purpose and visibly.

Columns: lines, recognised (events), sessions (written, plus still open at the file's end),
rejects, lines not recognised (watched daemons only, see parsers/EVENTS.md), their distinct
shapes, and whether the run reported the file as skipped (exit 3). Files with no record are
skipped when their family's login daemons wrote lines no dialect reads (journal export format,
envelope-less or message-only test data) and noted as "<Family> log, no client logins" when not
(wild/postfix-outbound-only.log, wazuh's postscreen lines).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.pipeline.census_ingest import Census, census, real_logs

CENSUS = [
    ("dovecot/crowdsec-hub__dovecot-logs.log", (15, 15, 7, 0, 0, 0, False)),
    ("dovecot/crowdsec-hub__dovecot-slow-bf.log", (4, 4, 4, 0, 0, 0, False)),
    ("dovecot/crowdsec-hub__dovecot-spam.log", (12, 12, 6, 0, 0, 0, False)),
    ("dovecot/crowdsec-hub__dovecot-time-based-bf.log", (4, 4, 4, 0, 0, 0, False)),
    ("dovecot/fail2ban__dovecot.log", (182, 60, 44, 0, 1, 1, False)),
    ("dovecot/wazuh-ruleset__dovecot-ini-lines.log", (15, 6, 3, 0, 0, 0, False)),
    ("envelope/crowdsec-hub__docker-logs.log", (3, 0, 0, 0, 0, 0, True)),
    ("envelope/lnav__logfile_journald.json.log", (2, 0, 0, 0, 0, 0, True)),
    ("generated/journalctl-252__export-textonly.log", (112, 0, 0, 0, 4, 1, True)),
    ("generated/journalctl-252__json.log", (9, 6, 3, 0, 0, 0, False)),
    ("generated/journalctl-252__short--all.log", (9, 6, 3, 0, 0, 0, False)),
    ("generated/journalctl-252__short-full.log", (9, 6, 3, 0, 0, 0, False)),
    ("generated/journalctl-252__short-iso-precise.log", (9, 6, 3, 0, 0, 0, False)),
    ("generated/journalctl-252__short-iso.log", (9, 6, 3, 0, 0, 0, False)),
    ("generated/journalctl-252__short-precise.log", (9, 6, 3, 0, 0, 0, False)),
    ("generated/journalctl-252__short-unix.log", (9, 6, 3, 0, 0, 0, False)),
    ("generated/journalctl-252__short.log", (9, 6, 3, 0, 0, 0, False)),
    ("generated/lab-postfix3.7.11-dovecot2.3.19.1__mail-rfc3339.log", (80, 68, 26, 0, 3, 1, False)),
    ("generated/lab-postfix3.7.11-dovecot2.3.19.1__mail-rfc5424.log", (80, 68, 26, 0, 0, 0, False)),
    (
        "generated/lab-postfix3.7.11-dovecot2.3.19.1__mail-traditional.log",
        (80, 68, 26, 0, 3, 1, False),
    ),
    ("generated/rsyslog-8.2302__from-rfc3164-input__fileformat.log", (5, 5, 3, 0, 0, 0, False)),
    ("generated/rsyslog-8.2302__from-rfc3164-input__rfc5424.log", (5, 5, 3, 0, 0, 0, False)),
    ("generated/rsyslog-8.2302__from-rfc3164-input__traditional.log", (5, 5, 3, 0, 0, 0, False)),
    ("generated/rsyslog-8.2302__from-rfc5424-input__fileformat.log", (9, 7, 4, 0, 0, 0, False)),
    ("generated/rsyslog-8.2302__from-rfc5424-input__rfc5424.log", (9, 7, 4, 0, 0, 0, False)),
    ("generated/rsyslog-8.2302__from-rfc5424-input__traditional.log", (9, 7, 4, 0, 0, 0, False)),
    ("postfix/crowdsec-hub__postfix-helo.log", (2, 0, 0, 0, 2, 1, True)),
    ("postfix/crowdsec-hub__postfix-honeypot-users.log", (9, 9, 9, 0, 0, 0, False)),
    ("postfix/crowdsec-hub__postfix-logs.log", (7, 1, 1, 0, 6, 5, False)),
    ("postfix/crowdsec-hub__postfix-non-smtp.log", (1, 0, 0, 0, 1, 1, True)),
    ("postfix/crowdsec-hub__postfix-relay.log", (2, 0, 0, 0, 2, 1, True)),
    ("postfix/crowdsec-hub__postfix-sasl-bf.log", (3, 3, 1, 0, 0, 0, False)),
    ("postfix/crowdsec-hub__postfix-spam.log", (7, 4, 1, 0, 2, 1, False)),
    ("postfix/fail2ban__postfix.log", (203, 25, 19, 0, 33, 27, False)),
    ("postfix/hsn723-postfix_exporter__test-lines.log", (67, 5, 3, 0, 4, 4, False)),
    ("postfix/kumina-postfix_exporter__test-lines.log", (51, 5, 3, 0, 4, 4, False)),
    ("postfix/maillogsentinel__sample_sasl.log", (139, 139, 126, 0, 0, 0, False)),
    ("postfix/ossec-hids__postfix-ini-lines.log", (4, 2, 1, 0, 0, 0, False)),
    ("postfix/pixelpark-postfix-logsums__mail.log.xz", (69861, 19419, 5341, 0, 44, 16, False)),
    ("postfix/sergeymakinen-postfix_exporter__mail.log", (66, 4, 2, 0, 7, 7, False)),
    ("postfix/wazuh-ruleset__log-entries-postfix.log", (4, 1, 1, 0, 3, 3, False)),
    ("postfix/wazuh-ruleset__postfix-ini-lines.log", (2, 0, 0, 0, 0, 0, False)),
    ("postfix/whyscream-postfix-grok-patterns__test-data.tsv.log", (202, 0, 0, 0, 2, 2, True)),
    ("wild/dovecot-2.4-logged-in.log", (2, 2, 2, 0, 0, 0, False)),
    ("wild/dovecot-no-envelope.log", (2, 0, 0, 0, 1, 1, True)),
    ("wild/dovecot-refused-plaintext.log", (1, 1, 1, 0, 0, 0, False)),
    ("wild/postfix-2.x-tls-no-trust-word.log", (4, 4, 1, 0, 0, 0, False)),
    ("wild/postfix-after-bytes.log", (3, 3, 3, 0, 0, 0, False)),
    ("wild/postfix-noqueue-client-sasl.log", (1, 1, 1, 0, 0, 0, False)),
    ("wild/postfix-noqueue-client.log", (3, 3, 2, 0, 0, 0, False)),
    ("wild/postfix-outbound-only.log", (6, 0, 0, 0, 0, 0, False)),
]


@pytest.mark.parametrize(("name", "expected"), CENSUS, ids=[c[0] for c in CENSUS])
def test_census(
    name: str, expected: tuple[int, int, int, int, int, int, bool], tmp_path: Path
) -> None:
    found = census(name, tmp_path)
    print(f"{name}: {found}")
    assert found == Census(*expected)


def test_every_real_log_is_in_the_census() -> None:
    assert real_logs() == [c[0] for c in CENSUS]
