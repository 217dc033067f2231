"""OpenSMTPD sessions from the lab's real log: one row per session id, the listener narrowed
from mailtls.toml, refused cleartext AUTH, stitching across a rotated file, and the password
that OpenSMTPD logged found nowhere the product writes or prints.

Expected figures come from the log text (grep), never from the code."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

from pipeline.cli import cli
from pipeline.config import SiteConfig, SmtpdListener, load_config
from pipeline.errors import ConfigError
from pipeline.ingest.run import ingest

LOG = Path(__file__).resolve().parents[1] / "data" / "logs" / "opensmtpd"
LAB = LOG / "lab-opensmtpd6.8.0p2__smtpd.log"
SECRET_B64 = "AHVtYUBsYWIuZXhhbXBsZQBmYWtlLXVtYS1sYWItcHc="
PASSWORD = "fake-uma-lab-pw"
CONFIG = SiteConfig(year=2026, timezone="UTC")
LAB_LISTENERS = (
    SmtpdListener("mx", 25, "none", False),
    SmtpdListener("submission", 587, "starttls", True),
    SmtpdListener("smtps", 465, "implicit", True),
)


def _sessions(lake: Path) -> list[dict]:
    files = sorted((lake / "sessions").rglob("*.parquet"))
    return [row for f in files for row in pq.read_table(f).to_pylist()]


def _ingest(tmp_path: Path, config: SiteConfig, *files: tuple[str, str]) -> list[dict]:
    logs = tmp_path / "logs"
    logs.mkdir(parents=True)
    for name, text in files:
        (logs / name).write_text(text)
    ingest([str(logs)], tmp_path / "lake", config)
    return _sessions(tmp_path / "lake")


def _by_session(text: str) -> dict[str, list[str]]:
    sessions: dict[str, list[str]] = {}
    for line in text.splitlines():
        m = re.search(r"smtpd\[\d+\]: ([0-9a-f]{16}) smtp ", line)
        if m:
            sessions.setdefault(m.group(1), []).append(line)
    return sessions


def test_one_row_per_session_with_what_the_log_says(tmp_path: Path) -> None:
    text = LAB.read_text()
    rows = _sessions_of(tmp_path, CONFIG, text)
    by_id = _by_session(text)
    assert len(rows) == len(by_id) == 32
    assert {r["source"] for r in rows} == {"opensmtpd"}
    for r in rows:
        lines = " ".join(by_id[r["session_key"].split("/")[1]])
        assert (r["tls_version"] is not None) == (" smtp tls ciphers=" in lines)
        assert (r["auth_result"] == "ok") == ("result=ok" in lines)
        assert (r["auth_result"] == "refused_cleartext") == ('result="503 ' in lines)
        # no listener configured: TLS sessions have no mode, cleartext ones are "none"
        assert r["tls_mode"] == ("unknown" if r["tls_version"] else "none")
    results = Counter(r["auth_result"] for r in rows)
    assert results["refused_cleartext"] == text.count(SECRET_B64) == 5
    assert results["failed"] == text.count("result=permfail") == 2
    refused = [r for r in rows if r["auth_result"] == "refused_cleartext"]
    assert {(r["user_name"], r["security"], r["service"]) for r in refused} == {
        ("uma@lab.example", "cleartext", "submission")
    }
    mx = [r for r in rows if r["service"] == "smtp"]
    assert mx and all(r["user_name"] is None and r["auth_result"] == "none" for r in mx)


def _sessions_of(tmp_path: Path, config: SiteConfig, text: str) -> list[dict]:
    return _ingest(tmp_path, config, ("opensmtpd.log", text))


def test_the_lab_listeners_cannot_tell_465_from_587(tmp_path: Path) -> None:
    config = SiteConfig(year=2026, timezone="UTC", opensmtpd_listeners=LAB_LISTENERS)
    rows = _sessions_of(tmp_path, config, LAB.read_text())
    tls = [r for r in rows if r["tls_version"]]
    assert tls and {(r["tls_mode"], r["server_port"]) for r in tls} == {("unknown", None)}
    clear = [r for r in rows if not r["tls_version"]]
    # 25 and 587 both take cleartext (587 before STARTTLS)
    assert {(r["tls_mode"], r["server_port"]) for r in clear} == {("none", None)}


def test_a_site_whose_only_auth_listener_is_smtps_gets_implicit(tmp_path: Path) -> None:
    listeners = (
        SmtpdListener("mx", 25, "starttls", False),
        SmtpdListener("smtps", 465, "implicit", True),
    )
    config = SiteConfig(year=2026, timezone="UTC", opensmtpd_listeners=listeners)
    rows = _sessions_of(tmp_path, config, LAB.read_text())
    authed = [r for r in rows if r["auth_result"] == "ok"]
    assert authed and {(r["tls_mode"], r["server_port"], r["listener"]) for r in authed} == {
        ("implicit", 465, "smtps")
    }


def test_a_local_enqueue_is_no_session(tmp_path: Path) -> None:
    text = (
        "Dec  7 01:04:02 mail smtpd[23928]: 89e526bcebe1095c smtp connected address=local host=vm\n"
        "Dec  7 01:04:02 mail smtpd[23928]: 89e526bcebe1095c smtp message msgid=f4f4311b size=1574 nrcpt=1 proto=ESMTP\n"
        "Dec  7 01:04:02 mail smtpd[23928]: 89e526bcebe1095c smtp disconnected reason=quit\n"
    )
    assert _sessions_of(tmp_path, CONFIG, text) == []


def test_a_session_cut_by_rotation_is_one_row(tmp_path: Path) -> None:
    lines = LAB.read_text().splitlines(keepends=True)
    # cut between a session's tls line and its authentication line
    cut = next(i for i, line in enumerate(lines) if " smtp authentication " in line)
    whole = _sessions_of(tmp_path / "whole", CONFIG, "".join(lines))
    split = _ingest(
        tmp_path / "split",
        CONFIG,
        ("opensmtpd.log.1", "".join(lines[:cut])),
        ("opensmtpd.log", "".join(lines[cut:])),
    )

    def key(r: dict) -> tuple:
        return (r["session_key"], r["auth_result"], r["tls_version"], r["user_name"])

    assert sorted(map(key, split)) == sorted(map(key, whole))


def test_the_logged_password_is_nowhere_the_product_writes_or_prints(tmp_path: Path) -> None:
    text = LAB.read_text()
    assert SECRET_B64 in text
    # one more line that looks like a failed command but is cut: it becomes a Reject
    cut = next(line for line in text.splitlines() if SECRET_B64 in line)
    cut = cut[: cut.index(' result="')] + ' result="503 5.5.1'
    (tmp_path / "logs").mkdir()
    (tmp_path / "logs" / "opensmtpd.log").write_text(text + cut + "\n")
    runner = CliRunner()
    lake = tmp_path / "lake"
    out = runner.invoke(cli, ["ingest", str(tmp_path / "logs"), "--lake", str(lake)])
    assert out.exit_code == 0, out.output
    explained = runner.invoke(cli, ["explain", str(tmp_path / "logs" / "opensmtpd.log")])
    assert explained.exit_code == 0
    assert "uma@lab.example" in explained.output and "AUTH PLAIN <redacted>" in explained.output
    users = runner.invoke(cli, ["users", "--lake", str(lake), "--format", "csv"])
    assert "uma@lab.example" in users.output
    rejects = [
        row for f in (lake / "rejects").rglob("*.parquet") for row in pq.read_table(f).to_pylist()
    ]
    assert len(rejects) == 1 and "AUTH PLAIN <redacted>" in rejects[0]["raw"]
    printed = out.output + explained.output + users.output
    stored = b"".join(p.read_bytes() for p in lake.rglob("*") if p.is_file())
    for secret in (SECRET_B64, SECRET_B64.rstrip("="), PASSWORD, SECRET_B64[12:32]):
        assert secret not in printed
        assert secret.encode() not in stored


@pytest.mark.parametrize(
    ("toml", "why"),
    [
        ('[opensmtpd.listeners.a]\ntls_mode = "smtps"\n', "tls_mode"),
        ('[opensmtpd.listeners.a]\ntls_mode = "none"\nauth = "yes"\n', "auth"),
        ('[opensmtpd.listeners.a]\ntls_mode = "none"\nport = 70000\n', "port"),
    ],
)
def test_bad_listener_config_is_a_one_line_error(tmp_path: Path, toml: str, why: str) -> None:
    path = tmp_path / "mailtls.toml"
    path.write_text(toml)
    with pytest.raises(ConfigError, match=why):
        load_config(path)


def test_listener_config_is_read(tmp_path: Path) -> None:
    path = tmp_path / "mailtls.toml"
    path.write_text(
        '[opensmtpd.listeners.smtps]\nport = 465\ntls_mode = "implicit"\nauth = true\n'
        '[opensmtpd.listeners.mx]\nport = 25\ntls_mode = "starttls"\n'
    )
    assert load_config(path).opensmtpd_listeners == (
        SmtpdListener("smtps", 465, "implicit", True),
        SmtpdListener("mx", 25, "starttls", False),
    )


def test_a_response_sent_after_the_refusal_is_still_cleartext(tmp_path: Path) -> None:
    # "AUTH PLAIN" without an initial response is refused (503); a client that sends its
    # response anyway has it logged as an unknown command: the password crossed in the clear
    text = (
        "Dec  7 01:06:00 mail smtpd[31181]: ac1196990a3c5fc9 smtp connected address=192.0.2.9 host=<unknown>\n"
        'Dec  7 01:06:00 mail smtpd[31181]: ac1196990a3c5fc9 smtp failed-command command="AUTH PLAIN" result="503 5.5.1 Invalid command: Command not supported"\n'
        f'Dec  7 01:06:00 mail smtpd[31181]: ac1196990a3c5fc9 smtp failed-command command="{SECRET_B64}" result="500 5.5.1 Invalid command: Command unrecognized"\n'
        "Dec  7 01:06:00 mail smtpd[31181]: ac1196990a3c5fc9 smtp disconnected reason=quit\n"
    )
    (row,) = _sessions_of(tmp_path, CONFIG, text)
    assert (row["auth_result"], row["user_name"], row["security"], row["auth_failures"]) == (
        "refused_cleartext",
        "uma@lab.example",
        "cleartext",
        0,
    )
    stored = b"".join(p.read_bytes() for p in (tmp_path / "lake").rglob("*") if p.is_file())
    assert SECRET_B64[:-2].encode() not in stored
