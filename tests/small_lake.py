"""A small hand-written lake for the dashboard and notebook tests.

Every user's expected level is written next to the rows that earn it (DESIGN.md "Per-user
view"), so a test reads its expectation here, never from the code under test.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Final

from tests.pipeline.lakes import at, session, write_ingested, write_rejects, write_table

DAY_1: Final = "2025-03-03"
DAY_2: Final = "2025-03-04"

# user → (level, password_reset_required), worked out by hand from the rows below
EXPECTED_USERS: Final = {
    "alice@example.org": ("L0", True),  # cleartext IMAP on 143, later a modern login: worst wins
    # refused cleartext, the same name from the same address a day apart: the user's own client,
    # so the password still crossed the wire (a one-off from a stranger's address would not count)
    "frank@example.org": ("L0", True),
    "bob@example.org": ("L1", False),  # POP3 on 995 with TLS 1.0
    "carol@example.org": ("L2", False),  # submission on 587, STARTTLS, TLS 1.2
    "dave@example.org": ("L3", False),  # IMAP on 993, implicit TLS 1.3
    "erin@example.org": ("unknown", False),  # TLS used, version not logged
    "gina@example.org": ("unknown", False),  # webmail on localhost: a trusted hop
}
# not users: a password guesser's failed logins, and port-25 MTA-to-MTA mail
NOT_USERS: Final = ("root",)

REJECT_KINDS: Final = {"dovecot.login": 2, "postfix.smtpd": 1}

# P0 is done (moved once); P1 is the first phase without an actual date, and late by DAY_2
PLAN_TOML: Final = """
baseline = 2025-01-06
[[phase]]
id = "P0"
name = "Instrument and baseline"
planned = 2025-01-20
actual = 2025-01-27
criteria = [{ metric = "days_with_data", min = 14, days = 14 }]
[[phase.history]]
changed_on = 2025-01-15
from = 2025-01-20
to = 2025-01-27
reason = "Dovecot log format lacked the local port"
by = "postmaster"
[[phase]]
id = "P1"
name = "Offer implicit-TLS endpoints"
planned = 2025-02-10
criteria = [{ text = "outside-in scan confirms 465, 993 and 995" }]
[[phase]]
id = "P5"
name = "Cleartext cut"
planned = 2025-05-05
criteria = [{ metric = "cleartext_logins", max = 0, days = 14 }]
"""


def _session(
    day: str, hhmm: str, user: str | None, service: str, port: int, **tls: Any
) -> dict[str, Any]:
    fields = {
        "event_at": at(f"{day} {hhmm}"),
        "source": "postfix" if service in ("submission", "smtp") else "dovecot",
        "service": service,
        "listener": str(port),
        "server_port": port,
        "client_ip": "192.0.2.10",
        "user_name": user,
        "session_key": f"{day}-{hhmm}-{user}",
    }
    return session(**{**fields, **tls})


def _cleartext(**extra: Any) -> dict[str, Any]:
    return {"tls_mode": "none", "security": "cleartext", **extra}


def _tls(mode: str, version: str | None, security: str) -> dict[str, Any]:
    return {"tls_mode": mode, "tls_version": version, "security": security}


def session_rows() -> list[dict[str, Any]]:
    modern_implicit = _tls("implicit", "TLSv1.3", "modern_tls")
    return [
        _session(DAY_1, "08:00", "alice@example.org", "imap", 143, **_cleartext()),
        _session(DAY_2, "08:00", "alice@example.org", "imap", 993, **modern_implicit),
        _session(
            DAY_1,
            "09:00",
            "frank@example.org",
            "imap",
            143,
            **_cleartext(auth_result="refused_cleartext"),
        ),
        _session(
            DAY_2,
            "09:00",
            "frank@example.org",
            "imap",
            143,
            **_cleartext(auth_result="refused_cleartext"),
        ),
        _session(
            DAY_1,
            "10:00",
            "bob@example.org",
            "pop3",
            995,
            **_tls("implicit", "TLSv1.0", "legacy_tls"),
        ),
        _session(
            DAY_2,
            "10:00",
            "carol@example.org",
            "submission",
            587,
            **_tls("starttls", "TLSv1.2", "modern_tls"),
        ),
        _session(DAY_2, "11:00", "dave@example.org", "imap", 993, **modern_implicit),
        _session(
            DAY_2, "12:00", "erin@example.org", "imap", 993, **_tls("unknown", None, "tls_unknown")
        ),
        _session(
            DAY_2,
            "13:00",
            "gina@example.org",
            "imap",
            143,
            **_cleartext(is_trusted_hop=True, client_ip="127.0.0.1"),
        ),
        _session(
            DAY_2,
            "14:00",
            "root",
            "imap",
            143,
            **_cleartext(auth_result="failed", auth_failures=5, client_ip="203.0.113.66"),
        ),
        _session(
            DAY_2,
            "15:00",
            None,
            "smtp",
            25,
            **_tls(
                "starttls",
                "TLSv1.2",
                "modern_tls",
            ),
            auth_result="none",
        ),
    ]


def write_small_lake(lake: Path) -> Path:
    """Write sessions, rejects and ``_ingested.parquet`` under ``lake``; return ``lake``."""
    write_table(lake, "sessions", session_rows(), "event_at")
    write_rejects(
        lake,
        DAY_1,
        [
            {
                "source_file": "/var/log/mail.log",
                "source_line": 40 + n,
                "kind": kind,
                "reason": "no dialect matched",
                "raw": f"{kind} garbled line {n}",
            }
            for kind, count in REJECT_KINDS.items()
            for n in range(count)
        ],
    )
    end = at(f"{DAY_2} 23:59")
    write_ingested(
        lake,
        [
            {
                "path": "/var/log/mail.log",
                "size": 4096,
                "mtime": end,
                "fingerprint": "f1",
                "lines": 13,
                "rows": 10,
                "rejects": 3,
                "ingested_at": end,
            }
        ],
    )
    return lake


def write_plan(path: Path) -> Path:
    path.write_text(PLAN_TOML, encoding="utf-8")
    return path
