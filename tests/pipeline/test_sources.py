"""Input files: expansion, rotated-set order, every compression, cut streams, odd lines."""

from __future__ import annotations

import bz2
import gzip
import io
import lzma
from pathlib import Path

import pytest
import zstandard
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.sources import MAX_LINE, ReadStats, expand, open_stream, read_lines, rotation_of

TEXT = b"Nov 29 04:13:44 vm postfix/smtpd[10673]: connect from unknown[127.0.0.2]\n" * 3


def test_rotated_sets_are_read_oldest_first(tmp_path: Path) -> None:
    names = ["mail.log", "mail.log.1", "mail.log.2.gz", "mail.log.10.gz", "mail.log.3.gz"]
    for name in names:
        (tmp_path / name).write_bytes(b"x")
    files, skipped = expand([str(tmp_path)])
    assert not skipped
    assert [f.path.name for f in files] == [
        "mail.log.10.gz",
        "mail.log.3.gz",
        "mail.log.2.gz",
        "mail.log.1",
        "mail.log",
    ]
    assert {f.set_key for f in files} == {str(tmp_path / "mail.log")}


def test_dated_rotation_sorts_by_date_before_the_live_file() -> None:
    live = rotation_of(Path("/l/mail.log"))
    older = rotation_of(Path("/l/mail.log-20240101.gz"))
    newer = rotation_of(Path("/l/mail.log-20240108"))
    assert older[0] == newer[0] == live[0] == "/l/mail.log"
    assert older[1] < newer[1] < live[1]


def test_globs_and_missing_paths(tmp_path: Path) -> None:
    (tmp_path / "a.log").write_bytes(b"x")
    (tmp_path / "b.txt").write_bytes(b"x")
    files, skipped = expand([str(tmp_path / "*.log"), str(tmp_path / "nope")])
    assert [f.path.name for f in files] == ["a.log"]
    assert [s.reason for s in skipped] == ["no such file or directory"]


@pytest.mark.parametrize(
    ("name", "compress"),
    [
        ("plain.log", lambda b: b),
        ("a.log.gz", gzip.compress),
        ("a.log.bz2", bz2.compress),
        ("a.log.xz", lzma.compress),
        ("a.log.zst", lambda b: zstandard.ZstdCompressor().compress(b)),
    ],
)
def test_every_compression_reads_the_same_lines(tmp_path: Path, name: str, compress) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / name
    path.write_bytes(compress(TEXT))
    stats = ReadStats()
    with open_stream(path) as stream:
        lines = list(read_lines(stream, stats))
    assert [n for n, _ in lines] == [1, 2, 3]
    assert stats.end_offset == len(TEXT) and stats.error is None


def test_concatenated_gzip_members_are_all_read(tmp_path: Path) -> None:
    path = tmp_path / "a.gz"
    path.write_bytes(gzip.compress(TEXT) + gzip.compress(TEXT))
    stats = ReadStats()
    with open_stream(path) as stream:
        assert len(list(read_lines(stream, stats))) == 6


def test_a_cut_gzip_keeps_the_lines_before_the_cut(tmp_path: Path) -> None:
    body = b"".join(b"line %06d padding padding padding\n" % i for i in range(20000))
    whole = gzip.compress(body)
    path = tmp_path / "cut.gz"
    path.write_bytes(whole[: len(whole) // 2])
    stats = ReadStats()
    with open_stream(path) as stream:
        lines = list(read_lines(stream, stats))
    assert stats.error is not None and stats.error.startswith("truncated or corrupt stream")
    assert 0 < len(lines) < 20000
    assert lines[0][1] == "line 000000 padding padding padding"


def test_long_lines_are_skipped_and_counted_and_reading_goes_on() -> None:
    data = b"first\n" + b"x" * (MAX_LINE * 3) + b"\nlast\n"
    stats = ReadStats()
    lines = list(read_lines(io.BytesIO(data), stats))
    assert lines == [(1, "first"), (3, "last")]
    assert stats.long_lines == [2]
    assert stats.end_offset == len(data)


def test_invalid_utf8_is_kept_with_escapes_and_counted() -> None:
    stats = ReadStats()
    lines = list(read_lines(io.BytesIO(b"caf\xe9\nok\n"), stats))
    assert lines[0][1] == "caf\udce9" and stats.invalid_utf8 == 1


def test_a_partial_last_line_is_left_for_later_when_asked() -> None:
    stats = ReadStats()
    lines = list(read_lines(io.BytesIO(b"one\ntw"), stats, keep_partial_last=False))
    assert lines == [(1, "one")] and stats.end_offset == 4


def test_reading_from_an_offset_numbers_lines_on() -> None:
    stats = ReadStats()
    lines = list(read_lines(io.BytesIO(b"one\ntwo\n"), stats, start_offset=4, first_line=2))
    assert lines == [(2, "two")] and stats.end_offset == 8


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=4096))
def test_reading_any_bytes_never_raises(data: bytes) -> None:
    stats = ReadStats()
    lines = list(read_lines(io.BytesIO(data), stats))
    assert stats.end_offset == len(data)
    assert len(lines) == stats.lines
