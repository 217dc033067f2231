"""`mailtls notify`: one reviewable notice per L0/L1 user, in words of consequence (RFC 8314
§5.4), with the password-change request only where a password crossed in cleartext (§4.1)."""

from __future__ import annotations

import email
from email.message import Message
from pathlib import Path

from click.testing import CliRunner

from pipeline.cli import cli

MARCH = ["--since", "2025-03-01", "--until", "2025-03-31"]


def _notices(lake: Path, out: Path, *extra: str) -> dict[str, Message]:
    result = CliRunner().invoke(
        cli,
        ["notify", "--lake", str(lake), *MARCH, "--from", "it@example.org", "-o", str(out), *extra],
    )
    assert result.exit_code == 0, result.output
    return {p.name: email.message_from_bytes(p.read_bytes()) for p in sorted(out.glob("*.eml"))}


def test_cleartext_and_legacy_users_each_get_their_notice(lake: Path, tmp_path: Path) -> None:
    notices = _notices(lake, tmp_path / "out", "--cutover", "2025-06-01")
    # the hand-written lake: dave, judy, nina at L0; erin at L1 (see conftest.py)
    assert set(notices) == {
        "dave@example.org.eml",
        "judy@example.org.eml",
        "nina@example.org.eml",
        "erin@example.org.eml",
    }
    dave = notices["dave@example.org.eml"]
    assert dave["To"] == "dave@example.org" and dave["X-Mailtls-Level"] == "L0"
    body = dave.get_payload()
    assert "change your mail password" in body
    assert "01 June 2025" in body and "12 March 2025" in body
    erin = notices["erin@example.org.eml"].get_payload()
    assert "TLS 1.0" in erin and "change your mail password" not in erin
    assert all(len(line) <= 78 for n in notices.values() for line in n.get_payload().splitlines())


def test_level_filter(lake: Path, tmp_path: Path) -> None:
    notices = _notices(lake, tmp_path / "out", "--level", "L1")
    assert list(notices) == ["erin@example.org.eml"]
