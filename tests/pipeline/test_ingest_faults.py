"""`mailtls ingest` over damaged and unusual files (issue 13): each input is the lab's real
``dovecot.log`` with one fault put in, and what must come out is counted in the text itself
(Login lines) or by the system's own tools (``zcat`` and friends), never by the code under test.
"""

from __future__ import annotations

import bz2
import gzip
import io
import lzma
import shutil
import subprocess
from pathlib import Path

import pyarrow.parquet as pq
import pytest
import zstandard
from click.testing import CliRunner

from pipeline.cli import cli
from pipeline.config import SiteConfig
from pipeline.ingest.run import ingest

SAMPLE = Path(__file__).resolve().parents[2] / "sample_data" / "logs" / "recommended"
CONFIG = SiteConfig(year=2026, timezone="UTC")
DOVECOT = (SAMPLE / "dovecot.log").read_bytes()
DOVECOT_1 = (SAMPLE / "dovecot.log.1").read_bytes()


def _logins(text: bytes) -> int:
    """Dovecot sessions, counted in the text: one successful ``-login:`` line each."""
    return sum(
        1
        for line in text.splitlines()
        if b"-login: " in line and b"rip=" in line and b"Login failed" not in line
    )


def _rows(lake: Path, table: str) -> list[dict]:
    return [
        r for f in sorted((lake / table).rglob("*.parquet")) for r in pq.read_table(f).to_pylist()
    ]


def _ingested(lake: Path) -> list[dict]:
    return pq.read_table(lake / "_ingested.parquet").to_pylist()  # type: ignore[no-any-return]


def _run(tmp_path: Path, *paths: Path) -> tuple[int, str]:
    result = CliRunner().invoke(
        cli, ["ingest", *map(str, paths), "--lake", str(tmp_path / "lake"), "--workers", "1"]
    )
    return result.exit_code, result.output


def _write(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


# 1. two logs that begin with the same line are two logs


@pytest.mark.parametrize(
    "first_line", [b"\n", b"Nov 29 05:00:00 master: Info: Dovecot v2.3 starting up\n"]
)
def test_a_second_log_with_the_same_first_line_is_read_whole(
    tmp_path: Path, first_line: bytes
) -> None:
    one = _write(tmp_path / "a" / "imap.log", first_line + DOVECOT)
    other = _write(tmp_path / "b" / "imap.log", first_line + DOVECOT_1)
    ingest([str(one)], tmp_path / "lake", CONFIG)
    ingest([str(other)], tmp_path / "lake", CONFIG)
    from_other = [r for r in _rows(tmp_path / "lake", "sessions") if r["source_file"] == str(other)]
    assert len(from_other) == _logins(DOVECOT_1)
    assert {r["lines"] for r in _ingested(tmp_path / "lake") if r["path"] == str(other)} == {
        DOVECOT_1.count(b"\n") + 1
    }


def test_a_file_replaced_by_other_content_at_the_same_path_is_read_whole(tmp_path: Path) -> None:
    path = _write(tmp_path / "in" / "imap.log", DOVECOT_1)
    ingest([str(path)], tmp_path / "lake", CONFIG)
    first_line = DOVECOT_1.split(b"\n", 1)[0] + b"\n"
    _write(path, first_line + DOVECOT)  # same first line, other and longer content
    ingest([str(path)], tmp_path / "lake", CONFIG)
    assert len(_rows(tmp_path / "lake", "sessions")) == _logins(DOVECOT_1) + _logins(
        first_line + DOVECOT
    )


# 6. bytes that are not UTF-8


def test_a_latin1_user_name_is_kept_and_said_and_the_run_completes(tmp_path: Path) -> None:
    data = DOVECOT.replace(b"user=<grace@", b"user=<gr\xe2ce@")
    assert data != DOVECOT
    path = _write(tmp_path / "in" / "dovecot.log", data)
    code, output = _run(tmp_path, path)
    assert code == 0, output
    assert "not UTF-8, read as Latin-1" in output
    users = {r["user_name"] for r in _rows(tmp_path / "lake", "sessions")}
    assert "gr\u00e2ce@lab.example" in users
    assert len(_rows(tmp_path / "lake", "sessions")) == _logins(data)
    code, output = _run(tmp_path, path)  # and a re-run is not stuck either
    assert code == 0, output


# 2. NUL bytes


@pytest.mark.parametrize(
    "fault",
    [
        pytest.param(lambda d: b"\x00" * 70_000 + d, id="a NUL run at the head (copytruncate)"),
        pytest.param(lambda d: d[:200] + b"\x00" + d[200:], id="one NUL in the first KiB"),
        pytest.param(
            lambda d: _at_line(d, _a_login_line(d, 150), b"\x00" * 8192),
            id="a NUL block glued to a login mid-file",
        ),
    ],
)
def test_a_log_with_nul_bytes_is_read_around_them(tmp_path: Path, fault) -> None:
    data = fault(DOVECOT)
    path = _write(tmp_path / "in" / "dovecot.log", data)
    code, output = _run(tmp_path, path)
    assert code == 0, output
    assert "binary" not in output
    sessions = _rows(tmp_path / "lake", "sessions")
    damaged = [r for r in _rows(tmp_path / "lake", "rejects") if "NUL" in r["reason"]]
    # a NUL inside a line cuts that one line (rejected, named); no other line is lost
    cut_logins = sum(_logins(r["raw"].encode()) for r in damaged)
    assert len(sessions) + cut_logins == _logins(DOVECOT)


def test_a_line_cut_by_nul_bytes_is_rejected_without_its_password(tmp_path: Path) -> None:
    # Dovecot with auth_verbose_passwords (the form parsers/redact.py names), cut by a NUL run
    line = (
        b"Nov 29 05:24:35 mail dovecot: auth: passwd-file(erin,127.0.0.5,<Xy>): "
        b"Password mismatch (given password: s3cret-Horse)"
    )
    data = DOVECOT + line + b"\x00" * 4096 + b" (cont)\n"
    path = _write(tmp_path / "in" / "dovecot.log", data)
    code, output = _run(tmp_path, path)
    assert code == 0, output
    rejects = _rows(tmp_path / "lake", "rejects")
    assert any("NUL" in r["reason"] for r in rejects)
    assert not any("s3cret-Horse" in (r["raw"] or "") for r in rejects)


def _a_login_line(data: bytes, after: int) -> int:
    """The number of the first Login line after line ``after``."""
    lines = data.split(b"\n")
    return next(n for n in range(after, len(lines)) if _logins(lines[n - 1]))


def _at_line(data: bytes, number: int, insert: bytes) -> bytes:
    """``insert`` put before line ``number`` (from 1), glued to it."""
    cut = 0
    for _ in range(number - 1):
        cut = data.index(b"\n", cut) + 1
    return data[:cut] + insert + data[cut:]


# 3. truncated compression


def _zstd(data: bytes) -> bytes:
    return zstandard.ZstdCompressor().compress(data)


@pytest.mark.parametrize(
    ("suffix", "compress", "tool"),
    [
        (".gz", gzip.compress, "zcat"),
        (".xz", lzma.compress, "xzcat"),
        (".bz2", bz2.compress, "bzcat"),
        (".zst", _zstd, "zstdcat"),
    ],
)
@pytest.mark.parametrize("share", [0.6, 0.95])
def test_a_cut_compressed_log_keeps_every_line_before_the_cut(
    tmp_path: Path, suffix: str, compress, tool: str, share: float
) -> None:
    if shutil.which(tool) is None:
        pytest.skip(f"{tool} not installed")
    # big enough that the cut is past the stdlib reader's 1 MiB buffer too
    whole = compress(DOVECOT * 60)
    path = _write(tmp_path / "in" / f"dovecot.log.3{suffix}", whole[: int(len(whole) * share)])
    recovered = subprocess.run([tool], input=path.read_bytes(), capture_output=True).stdout
    complete_lines = recovered.count(b"\n")
    code, output = _run(tmp_path, path)
    assert code == 3, output
    said = [line for line in output.splitlines() if str(path) in line and "after line" in line]
    assert len(said) == 1, output
    [row] = _ingested(tmp_path / "lake")
    assert f"after line {row['lines']};" in said[0]
    # every line the tool recovers (bzcat drops its last output buffer: we may keep more)
    assert complete_lines <= row["lines"] < (DOVECOT * 60).count(b"\n")
    assert row["stopped"]  # not recorded as read: the next run says so again, adds nothing
    sessions = len(_rows(tmp_path / "lake", "sessions"))
    code, output = _run(tmp_path, path)
    assert code == 3 and "after line" in output
    assert len(_rows(tmp_path / "lake", "sessions")) == sessions


def test_concatenated_gzip_members_are_all_read(tmp_path: Path) -> None:
    half = DOVECOT.index(b"\n", len(DOVECOT) // 2) + 1
    data = gzip.compress(DOVECOT[:half]) + gzip.compress(DOVECOT[half:]) + b"\x00" * 512
    path = _write(tmp_path / "in" / "dovecot.log.2.gz", data)
    code, output = _run(tmp_path, path)
    assert code == 0, output
    assert len(_rows(tmp_path / "lake", "sessions")) == _logins(DOVECOT)


# 4. a file still being written


def test_a_last_line_without_its_newline_waits_for_the_next_run(tmp_path: Path) -> None:
    login = DOVECOT.index(b"Login: user=<", 20_000)
    cut = login + 30  # inside a Login line
    path = _write(tmp_path / "in" / "dovecot.log", DOVECOT[:cut])
    code, output = _run(tmp_path, path)
    assert code == 0, output
    assert "left for the next run" in output
    with path.open("ab") as handle:
        handle.write(DOVECOT[cut:])
    code, output = _run(tmp_path, path)
    assert code == 0, output
    assert len(_rows(tmp_path / "lake", "sessions")) == _logins(DOVECOT)
    assert _rows(tmp_path / "lake", "rejects") == []
    [row] = _ingested(tmp_path / "lake")
    assert row["lines"] == DOVECOT.count(b"\n")


# 5. a byte order mark


def test_a_byte_order_mark_loses_no_line(tmp_path: Path) -> None:
    assert _logins(DOVECOT.split(b"\n", 1)[0])  # the first line is a login
    path = _write(tmp_path / "in" / "dovecot.log", b"\xef\xbb\xbf" + DOVECOT)
    code, output = _run(tmp_path, path)
    assert code == 0, output
    assert len(_rows(tmp_path / "lake", "sessions")) == _logins(DOVECOT)
    assert _rows(tmp_path / "lake", "rejects") == []


# 12. many unchanged files


def test_reingest_of_unchanged_files_opens_none_of_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    logs = tmp_path / "logs"
    lines = DOVECOT.splitlines(keepends=True)
    for n, line in enumerate(lines[:40]):
        _write(logs / f"host{n}.log", line)
    _write(logs / "old.log.2.gz", gzip.compress(DOVECOT_1))
    lake = tmp_path / "lake"
    ingest([str(logs)], lake, CONFIG)
    opened: list[str] = []
    real_open = io.open

    def watching_open(file, *args, **kwargs):
        if str(file).startswith(str(logs)):
            opened.append(str(file))
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr(io, "open", watching_open)
    monkeypatch.setattr("builtins.open", watching_open)
    summary = ingest([str(logs)], lake, CONFIG)
    assert opened == []
    assert summary.unchanged == 41


# kept from before: CRLF line ends, a line too long to parse


def test_crlf_line_ends_and_an_over_long_line_lose_nothing_else(tmp_path: Path) -> None:
    long_line = b"Nov 29 05:24:35 imap-login: Info: " + b"x" * (5 << 20) + b"\r\n"
    data = _at_line(DOVECOT.replace(b"\n", b"\r\n"), 100, long_line)
    path = _write(tmp_path / "in" / "dovecot.log", data)
    code, output = _run(tmp_path, path)
    assert code == 0, output
    assert len(_rows(tmp_path / "lake", "sessions")) == _logins(DOVECOT)
    [reject] = _rows(tmp_path / "lake", "rejects")
    assert reject["source_line"] == 100 and "longer than 1 MiB" in reject["reason"]


# 5. a rotated set read newest first, in separate runs


def _postfix_rows(lake: Path) -> list[tuple]:
    keep = ("user_name", "tls_version", "tls_mode", "auth_result", "security", "event_at")
    rows = [r for r in _rows(lake, "sessions") if r["source"] == "postfix"]
    return sorted((tuple(str(r[k]) for k in keep) for r in rows), key=repr)


def test_a_set_read_newest_first_in_two_runs_gives_the_rows_of_one_run(tmp_path: Path) -> None:
    logs = tmp_path / "logs"
    logs.mkdir()
    files = [Path(shutil.copy2(p, logs)) for p in sorted(SAMPLE.glob("postfix.log*"))]
    live = [f for f in files if f.name == "postfix.log"]
    older = [f for f in files if f.name != "postfix.log"]
    ingest([str(f) for f in files], tmp_path / "whole", CONFIG)
    ingest([str(f) for f in live], tmp_path / "lake", CONFIG)
    ingest([str(f) for f in older], tmp_path / "lake", CONFIG)
    assert _postfix_rows(tmp_path / "lake") == _postfix_rows(tmp_path / "whole")


def test_the_live_file_alone_after_a_rotation_leaves_no_session_waiting(tmp_path: Path) -> None:
    """The hourly `mailtls ingest mail.log`: the rotated file beside it was read under its old
    name, so nothing waits for it."""
    logs = tmp_path / "logs"
    logs.mkdir()
    shutil.copy2(SAMPLE / "postfix.log.1", logs / "postfix.log")
    ingest([str(logs / "postfix.log")], tmp_path / "lake", CONFIG)
    (logs / "postfix.log").rename(logs / "postfix.log.1")
    shutil.copy2(SAMPLE / "postfix.log", logs / "postfix.log")
    ingest([str(logs / "postfix.log")], tmp_path / "lake", CONFIG)
    whole = tmp_path / "whole"
    ingest([str(SAMPLE / "postfix.log.1"), str(SAMPLE / "postfix.log")], whole, CONFIG)
    assert _postfix_rows(tmp_path / "lake") == _postfix_rows(whole)
