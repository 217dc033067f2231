"""Coverage in plain words: when most of a source's logins lack the TLS version (or mode) a
level needs, the setting that would log it (issue 16). The numbers come from the
``coverage_gaps`` macro (marts/85_coverage_gaps.sql); this module only words them."""

from __future__ import annotations

from typing import Final

import pandas as pd

# "most logins": above this share, a gap is named (below it, the per-user coverage says enough)
MOST: Final = 0.5

# (source, what is missing) → the setting that would give it; the sources' own words
SETTINGS: Final = {
    ("dovecot", "version"): (
        "Dovecot logs no TLS version: add %k to login_log_format_elements (Dovecot 2.3; "
        "2.4: tls=<%{ssl_security}>)"
    ),
    ("dovecot", "mode"): (
        "Dovecot logs no local port, so STARTTLS and implicit TLS look alike: add lport=%a to "
        "login_log_format_elements (2.4: lport=%{local_port})"
    ),
    ("postfix", "version"): (
        "Postfix logs no TLS line for these logins: set smtpd_tls_loglevel = 1 (main.cf, or "
        "-o smtpd_tls_loglevel=1 on the submission services in master.cf); or set "
        "smtpd_tls_received_header = yes and ingest the mail, whose Received fields carry it"
    ),
    ("postfix", "mode"): (
        "Postfix's listener is not known: give each smtpd service its own syslog_name "
        "(-o syslog_name=postfix/submission in master.cf) or map it under [postfix.listeners] "
        "in mailtls.toml"
    ),
}
COLUMNS: Final = ("source", "missing", "share", "login_count", "setting")


def advice(gaps: pd.DataFrame, most: float = MOST) -> pd.DataFrame:
    """One row per source and missing fact (``version``, ``mode``) missing from more than
    ``most`` of the source's logins, with the share (0..1) and the setting that would give it."""
    rows = []
    for gap in gaps.to_dict("records"):
        logins = int(gap["login_count"])
        for missing, count in (
            ("version", int(gap["version_missing_count"])),
            ("mode", int(gap["mode_missing_count"])),
        ):
            share = count / logins if logins else 0.0
            if share > most:
                source = str(gap["source"])
                setting = SETTINGS.get(
                    (source, missing), f"{source} logs no TLS {missing}: see its logging settings"
                )
                rows.append(
                    {
                        "source": source,
                        "missing": missing,
                        "share": share,
                        "login_count": logins,
                        "setting": setting,
                    }
                )
    return pd.DataFrame(rows, columns=list(COLUMNS))
