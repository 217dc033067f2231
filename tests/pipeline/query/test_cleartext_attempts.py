"""Refused cleartext attempts: which set a user's level and reset flag (the user's own client)
and which are only reported (marts/25_cleartext_attempts.sql), built from the attacks of issue 12:
a stranger on port 143 sending `a LOGIN alice@example.org wrong` must not put alice on the reset
list. Every expected value is read from the rows below."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb
import pytest
from click.testing import CliRunner

from pipeline.cli import cli
from pipeline.config import EvidenceRule, load_config
from pipeline.errors import ConfigError
from pipeline.query import queries
from pipeline.query.db import connect
from tests.pipeline.lakes import at, session, write_table

IMAPS = {
    "service": "imap",
    "server_port": 993,
    "tls_mode": "implicit",
    "tls_version": "TLSv1.3",
    "security": "modern_tls",
}
REFUSED = {
    "service": "imap",
    "server_port": 143,
    "tls_mode": "none",
    "security": "cleartext",
    "auth_result": "refused_cleartext",
}
FAILED = {**REFUSED, "auth_result": "failed", "auth_failures": 1}
MARCH = {"since": date(2025, 3, 1), "until": date(2025, 3, 31)}


def _at(when: str | datetime, user: str, ip: str, **fields: Any) -> dict[str, Any]:
    moment = at(when) if isinstance(when, str) else when
    return session(event_at=moment, user_name=user, client_ip=ip, **fields)


def _burst(user: str, ip: str, start: str, count: int) -> list[dict[str, Any]]:
    first = at(start)
    return [_at(first + timedelta(seconds=20 * i), user, ip, **REFUSED) for i in range(count)]


ROWS = [
    # the real users, each careful on 993 from their own address
    *(
        _at("2025-03-10 08:00", f"{name}@example.org", ip, **IMAPS)
        for name, ip in (
            ("alice", "198.51.100.1"),
            ("bob", "198.51.100.2"),
            ("carol", "198.51.100.3"),
            ("dave", "198.51.100.4"),
            ("frank", "198.51.100.6"),
            ("hank", "198.51.100.8"),
        )
    ),
    # a guesser tries three names from one address: none of them counts
    _at("2025-03-11 02:00", "alice@example.org", "203.0.113.9", **REFUSED),
    _at("2025-03-11 02:01", "bob@example.org", "203.0.113.9", **REFUSED),
    _at("2025-03-11 02:02", "carol@example.org", "203.0.113.9", **REFUSED),
    # a stranger's one-off for dave, the attack as is
    _at("2025-03-12 03:00", "dave@example.org", "203.0.113.50", **REFUSED),
    # erin's old phone: the same name from the same address, eight hours apart (never logs in)
    _at("2025-03-12 08:00", "erin@example.org", "198.51.100.5", **REFUSED),
    _at("2025-03-12 16:00", "erin@example.org", "198.51.100.5", **REFUSED),
    # frank's laptop: refused from the address he also logs in from
    _at("2025-03-13 09:00", "frank@example.org", "198.51.100.6", **REFUSED),
    # one name, but the address failed a password for another name: a guesser
    _at("2025-03-14 01:00", "gina@example.org", "203.0.113.77", **REFUSED),
    _at("2025-03-14 01:05", "root", "203.0.113.77", **FAILED),
    _at("2025-03-14 20:00", "gina@example.org", "203.0.113.77", **REFUSED),
    # one name, twelve times in four minutes and again hours later: a burst is a guesser's
    *_burst("hank@example.org", "203.0.113.88", "2025-03-15 04:00", 12),
    _at("2025-03-15 18:00", "hank@example.org", "203.0.113.88", **REFUSED),
]
# user → (level, reset) under the default rule
EXPECTED = {
    "alice@example.org": ("L3", False),
    "bob@example.org": ("L3", False),
    "carol@example.org": ("L3", False),
    "dave@example.org": ("L3", False),
    "erin@example.org": ("L0", True),
    "frank@example.org": ("L0", True),
    "hank@example.org": ("L3", False),
}


@pytest.fixture(scope="module")
def lake(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("attempts") / "lake"
    write_table(root, "sessions", ROWS, "event_at")
    return root


@pytest.fixture(scope="module")
def con(lake: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    with connect(lake) as connection:
        yield connection


def _verdicts(con: duckdb.DuckDBPyConnection) -> dict[str, tuple[str, bool]]:
    frame = queries.user_posture(con, **MARCH)
    return {
        r["user_name"]: (r["level"], bool(r["password_reset_required"]))
        for r in frame.to_dict("records")
    }


def test_guessers_cannot_fill_the_reset_list(con: duckdb.DuckDBPyConnection) -> None:
    # on the old code every refused attempt made its name L0 with a reset: alice, bob, carol,
    # dave and hank were listed, and gina (never logged in) too
    assert _verdicts(con) == EXPECTED


def test_guessed_at_names_that_never_log_in_are_not_users(con: duckdb.DuckDBPyConnection) -> None:
    assert "gina@example.org" not in _verdicts(con)


def test_each_attempt_is_reported_with_its_reason(con: duckdb.DuckDBPyConnection) -> None:
    frame = queries.cleartext_attempts(con, counted=None, **MARCH)
    reasons = {(r["user_name"], r["client_ip"]): r["reason"] for r in frame.to_dict("records")}
    assert reasons == {
        ("alice@example.org", "203.0.113.9"): "guesser: 3 user names tried from this address",
        ("bob@example.org", "203.0.113.9"): "guesser: 3 user names tried from this address",
        ("carol@example.org", "203.0.113.9"): "guesser: 3 user names tried from this address",
        ("dave@example.org", "203.0.113.50"): "unverified: the user never logs in from this "
        "address, and its attempts span under 6 hours",
        ("erin@example.org", "198.51.100.5"): "counted: the same name from this address over "
        "8.0 hours",
        ("frank@example.org", "198.51.100.6"): "counted: the user also logs in from this address",
        ("gina@example.org", "203.0.113.77"): "guesser: failed passwords for other users from "
        "this address",
        ("hank@example.org", "203.0.113.88"): "guesser: 12 attempts within 10 minutes from "
        "this address",
    }
    unverified = queries.cleartext_attempts(con, **MARCH)
    assert set(unverified["user_name"]) == {
        "alice@example.org",
        "bob@example.org",
        "carol@example.org",
        "dave@example.org",
        "gina@example.org",
        "hank@example.org",
    }
    assert list(queries.ATTEMPT_COLUMNS) == [c for c in queries.ATTEMPT_COLUMNS if c in frame]


def test_unverified_attempts_are_counted_on_the_users_row(con: duckdb.DuckDBPyConnection) -> None:
    rows = queries.user_posture(con, **MARCH).set_index("user_name")
    assert rows.loc["alice@example.org", "unverified_cleartext_count"] == 1
    assert rows.loc["hank@example.org", "unverified_cleartext_count"] == 13
    assert rows.loc["frank@example.org", "unverified_cleartext_count"] == 0


@pytest.mark.parametrize(
    ("rule", "reset"),
    [
        # looser: every attempt counts (the old behaviour), guessers' too
        ("any", {"alice", "bob", "carol", "dave", "erin", "frank", "gina", "hank"}),
        # stricter: only an address the user logs in from
        ("login_address", {"frank"}),
        # strictest: refused attempts never set a level
        ("none", set()),
    ],
)
def test_the_site_chooses_a_stricter_or_looser_rule(lake: Path, rule: str, reset: set[str]) -> None:
    with connect(lake, evidence=EvidenceRule(refused_cleartext=rule)) as con:
        frame = queries.user_posture(con, **MARCH)
    flagged = {u.split("@")[0] for u in frame.loc[frame["password_reset_required"], "user_name"]}
    assert flagged == reset


def test_thresholds_come_from_the_rule(lake: Path) -> None:
    # a site whose users' phones retry in bursts: 20 attempts within 10 minutes are allowed
    loose = EvidenceRule(burst_attempts=20, repeat_hours=12)
    with connect(lake, evidence=loose) as con:
        verdicts = _verdicts(con)
    assert verdicts["hank@example.org"] == ("L0", True)  # 13 attempts over 14 hours
    assert "erin@example.org" not in verdicts  # 8 hours < 12: unverified, and she never logs in


def test_evidence_table_in_mailtls_toml(tmp_path: Path) -> None:
    path = tmp_path / "mailtls.toml"
    path.write_text('[evidence]\nrefused_cleartext = "login_address"\nrepeat_hours = 24\n')
    assert load_config(path).evidence == EvidenceRule("login_address", repeat_hours=24)
    assert load_config(None).evidence == EvidenceRule()  # the safe default
    for bad in ('refused_cleartext = "all"', "repeat_hours = 0", 'guesser_names = "3"', "x = 1"):
        path.write_text(f"[evidence]\n{bad}\n")
        with pytest.raises(ConfigError, match="evidence"):
            load_config(path)


def test_users_unverified_and_config_on_the_command_line(lake: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    window = ["--since", "2025-03-01", "--until", "2025-03-31"]
    shown = runner.invoke(cli, ["users", "--lake", str(lake), "--unverified", *window])
    assert shown.exit_code == 0, shown.output
    assert "guesser: 3 user names tried from this address" in shown.output
    config = tmp_path / "mailtls.toml"
    config.write_text('[evidence]\nrefused_cleartext = "any"\n')
    listed = runner.invoke(
        cli, ["users", "--lake", str(lake), "--config", str(config), "--level", "L0", *window]
    )
    assert listed.exit_code == 0, listed.output
    assert "alice@example.org" in listed.output
    report = runner.invoke(cli, ["report", "--lake", str(lake), "--names", *window])
    assert "Unverified cleartext attempts" in report.output
    assert "dave@example.org" in report.output
