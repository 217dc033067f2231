"""`mailtls ingest` end to end on the lab's real logs: rotation stitching, idempotence, grown
tails, rename-and-compress rotation, and bad input that must not stop the run.

Expected counts come from the log text itself (connect lines, Login lines), never from the code."""

from __future__ import annotations

import gzip
import shutil
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

from pipeline.cli import cli
from pipeline.config import SiteConfig
from pipeline.ingest.run import ingest

SAMPLE = Path(__file__).resolve().parents[3] / "sample_data" / "logs" / "recommended"
CONFIG = SiteConfig(year=2026, timezone="UTC")


def _text(path: Path) -> str:
    data = path.read_bytes()
    return (gzip.decompress(data) if path.suffix == ".gz" else data).decode()


def _sessions(lake: Path) -> list[dict]:
    files = sorted((lake / "sessions").rglob("*.parquet"))
    return [row for f in files for row in pq.read_table(f).to_pylist()]


def _postfix_connects(*paths: Path) -> int:
    """smtpd connections, counted in the text: one `connect from` line each."""
    return sum(
        1
        for p in paths
        for line in _text(p).splitlines()
        if "/smtpd[" in line and ": connect from " in line
    )


def _copy_set(tmp: Path, stem: str) -> list[Path]:
    folder = tmp / "logs"
    folder.mkdir(exist_ok=True)
    return [Path(shutil.copy2(p, folder)) for p in sorted(SAMPLE.glob(f"{stem}*"))]


def test_a_session_cut_by_rotation_is_one_row(tmp_path: Path) -> None:
    files = _copy_set(tmp_path, "postfix.log")
    connects = _postfix_connects(*files)
    ingest([str(tmp_path / "logs")], tmp_path / "lake", CONFIG)
    rows = [r for r in _sessions(tmp_path / "lake") if r["source"] == "postfix"]
    assert len(rows) == connects
    # the lab cut postfix.log.1 inside a submission session: its TLS line is in .1 and its
    # queue line and disconnect in postfix.log, so one row carries both
    starts_in_1 = [r for r in rows if r["source_file"].endswith("postfix.log.1")]
    assert any(r["tls_version"] and r["user_name"] for r in starts_in_1)


def test_the_same_set_read_by_different_runs_stitches_too(tmp_path: Path) -> None:
    files = _copy_set(tmp_path, "postfix.log")
    older = [f for f in files if not f.name.endswith(".log")]
    live = [f for f in files if f.name.endswith(".log")]
    ingest([str(f) for f in older], tmp_path / "lake", CONFIG)
    ingest([str(f) for f in live], tmp_path / "lake", CONFIG)
    rows = [r for r in _sessions(tmp_path / "lake") if r["source"] == "postfix"]
    assert len(rows) == _postfix_connects(*files)


def test_reingest_adds_nothing(tmp_path: Path) -> None:
    _copy_set(tmp_path, "")
    ingest([str(tmp_path / "logs")], tmp_path / "lake", CONFIG)
    first = len(_sessions(tmp_path / "lake"))
    ingest([str(tmp_path / "logs")], tmp_path / "lake", CONFIG)
    assert first > 0
    assert len(_sessions(tmp_path / "lake")) == first


def test_a_grown_log_adds_only_its_new_sessions(tmp_path: Path) -> None:
    lines = _text(SAMPLE / "dovecot.log").splitlines(keepends=True)
    half = len(lines) // 2
    log = tmp_path / "dovecot.log"
    log.write_text("".join(lines[:half]))
    ingest([str(log)], tmp_path / "lake", CONFIG)
    with log.open("a") as handle:
        handle.write("".join(lines[half:]))
    ingest([str(log)], tmp_path / "lake", CONFIG)
    logins = sum(
        1 for line in lines if "-login: " in line and "rip=" in line and "Login failed" not in line
    )
    rows = _sessions(tmp_path / "lake")
    assert len(rows) == logins
    assert len({r["session_key"] for r in rows}) == logins


def test_a_rotated_then_compressed_file_is_not_read_twice(tmp_path: Path) -> None:
    lines = _text(SAMPLE / "dovecot.log").splitlines(keepends=True)
    half = len(lines) // 2
    logs = tmp_path / "logs"
    logs.mkdir()
    (logs / "dovecot.log").write_text("".join(lines[:half]))
    ingest([str(logs)], tmp_path / "lake", CONFIG)
    # logrotate: rename to .1, compress it, start a new live file
    (logs / "dovecot.log").rename(logs / "dovecot.log.1")
    (logs / "dovecot.log.1.gz").write_bytes(gzip.compress((logs / "dovecot.log.1").read_bytes()))
    (logs / "dovecot.log.1").unlink()
    (logs / "dovecot.log").write_text("".join(lines[half:]))
    ingest([str(logs)], tmp_path / "lake", CONFIG)
    logins = sum(
        1 for line in lines if "-login: " in line and "rip=" in line and "Login failed" not in line
    )
    assert len(_sessions(tmp_path / "lake")) == logins


@pytest.mark.parametrize(
    ("name", "content", "says"),
    [
        (
            "broken.log.gz",
            gzip.compress(
                b"".join(
                    b"Nov 29 05:24:35 mail postfix/smtpd[%d]: connect from a%d[192.0.2.1]\n"
                    % (i, i * 7919)
                    for i in range(20000)
                )
            )[:40000],
            "truncated",
        ),
        ("image.log", bytes(range(256)) * 64, "binary"),
        ("notes.txt", b"shopping list\neggs\nmilk\n", "not a mail log"),
    ],
)
def test_bad_input_is_named_and_the_rest_completes(
    tmp_path: Path, name: str, content: bytes, says: str
) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / name).write_bytes(content)
    shutil.copy2(SAMPLE / "dovecot.log", folder / "dovecot.log")
    result = CliRunner().invoke(
        cli, ["ingest", str(folder), "--lake", str(tmp_path / "lake"), "--workers", "1"]
    )
    assert result.exit_code == 3, result.output
    problem_lines = [
        line for line in result.output.splitlines() if line.startswith("mailtls: skipped:")
    ]
    assert len(problem_lines) == 1 and name in problem_lines[0] and says in problem_lines[0]
    logins = sum(
        1
        for line in _text(SAMPLE / "dovecot.log").splitlines()
        if "-login: " in line and "rip=" in line and "Login failed" not in line
    )
    assert len(_sessions(tmp_path / "lake")) == logins


def test_a_missing_path_is_one_line_and_exit_3(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        cli, ["ingest", str(tmp_path / "nope.log"), "--lake", str(tmp_path / "lake")]
    )
    assert result.exit_code == 3
    assert "nope.log: no such file or directory" in result.output


def test_maildir_messages_and_hops_are_counted_exactly(tmp_path: Path) -> None:
    maildir = SAMPLE.parents[1] / "maildir"
    files = [p for p in maildir.rglob("*") if p.is_file() and p.parent.name in ("cur", "new")]
    received = 0
    for path in files:
        header = path.read_bytes().split(b"\n\n", 1)[0]
        received += sum(1 for line in header.split(b"\n") if line.lower().startswith(b"received:"))
    ingest([str(maildir)], tmp_path / "lake", CONFIG)
    ingest([str(maildir)], tmp_path / "lake", CONFIG)  # and again: nothing added
    messages = [
        r
        for f in (tmp_path / "lake" / "messages").rglob("*.parquet")
        for r in pq.read_table(f).to_pylist()
    ]
    hops = [
        r
        for f in (tmp_path / "lake" / "received_hops").rglob("*.parquet")
        for r in pq.read_table(f).to_pylist()
    ]
    assert len(messages) == len(files)
    assert len(hops) == received


def test_an_overlong_line_is_redacted_before_it_is_cut(tmp_path: Path) -> None:
    # a line over 1 MiB: its first 2 KiB go to rejects.raw, and held the password
    line = (
        "Mar 14 10:00:00 mail dovecot: auth: passwd-file(alice@example.org,192.0.2.1): "
        "unknown user (given password: hunter2-secret) " + "A" * (1 << 20) + "\n"
    )
    log = tmp_path / "mail.log"
    log.write_text(line + "Mar 14 10:00:01 mail postfix/smtpd[1]: connect from a[192.0.2.1]\n")
    lake = tmp_path / "lake"
    result = CliRunner().invoke(cli, ["ingest", str(log), "--lake", str(lake), "--workers", "1"])
    assert result.exit_code in (0, 3), result.output
    raws = pq.read_table(lake / "rejects").column("raw").to_pylist()
    assert raws and all("hunter2" not in raw for raw in raws)
    assert any("<redacted>" in raw for raw in raws)


def test_a_user_name_that_is_not_utf8_is_kept_escaped(tmp_path: Path) -> None:
    # found by the fuzz pass: a byte that is not UTF-8 in a logged user name stopped the ingest
    # (Arrow refused the surrogate it was read as)
    log = tmp_path / "dovecot.log"
    log.write_bytes(
        b"Nov 29 05:24:40 imap-login: Info: Login: user=<x\xffy@lab.example>, method=PLAIN, "
        b"rip=203.0.113.5, lip=127.0.0.1, lport=993, mpid=1, TLS, session=<zzzzgmNhV9R/AAAe>\n"
    )
    lake = tmp_path / "lake"
    result = CliRunner().invoke(cli, ["ingest", str(log), "--lake", str(lake), "--workers", "1"])
    assert result.exit_code == 0, result.output
    (name,) = pq.read_table(lake / "sessions").column("user_name").to_pylist()
    assert name in ("x\\xffy@lab.example", "x\xffy@lab.example")  # escaped, or read as Latin-1
