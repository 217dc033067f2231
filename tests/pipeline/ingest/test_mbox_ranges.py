"""A plain mbox read in ranges cut at :func:`next_message_start` gives the messages (offsets
and header blocks) of one whole reading, wherever the cut is asked for."""

from __future__ import annotations

import io
from pathlib import Path
from unittest import mock

from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.ingest.mailbox import iter_mbox, iter_mbox_range, next_message_start, readers

# lines that start, end or fake messages: escaped and unescaped body "From ", CRLF blanks,
# a line end without a blank line before a "From ", a long line read in pieces
LINES = [
    b"From a@example.org Mon Jan  1 00:00:00 2024\n",
    b"From b@example.org\r\n",
    b"\n",
    b"\r\n",
    b"Received: from x by y; Mon, 1 Jan 2024 00:00:00 +0000\n",
    b"Subject: s\n",
    b"body\n",
    b">From escaped\n",
    b"From unescaped in a body\n",
    b"x" * 40,
    b"\r",
]


def _whole(data: bytes) -> list[tuple[int, bytes]]:
    return [(m.offset, m.header) for m in iter_mbox(io.BytesIO(data), "box")]


def _in_two(data: bytes, cut: int) -> list[tuple[int, bytes]]:
    stream = io.BytesIO(data)
    stream.seek(cut)
    head = iter_mbox(io.BytesIO(data), "box", 0, cut)
    return [(m.offset, m.header) for m in [*head, *iter_mbox(stream, "box", cut, None)]]


def test_the_cut_is_the_next_from_line_after_an_empty_line() -> None:
    data = (
        b"From a\nSubject: 1\n\nbody\nFrom not-after-an-empty-line\n"
        b"\nFrom b\nSubject: 2\n\n\r\nFrom c\nSubject: 3\n"
    )
    second, third = data.index(b"From b"), data.index(b"From c")
    assert next_message_start(io.BytesIO(data), 1) == second
    assert next_message_start(io.BytesIO(data), second) == second
    assert next_message_start(io.BytesIO(data), second + 1) == third
    assert next_message_start(io.BytesIO(data), third + 1) is None


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(LINES), max_size=40), st.integers(0, 2000), st.booleans())
def test_two_ranges_read_what_one_reading_reads(
    lines: list[bytes], target: int, small: bool
) -> None:
    data = b"".join(lines)
    # small pieces: long lines come in several reads, and the search window slides
    with mock.patch.object(readers, "LINE_LIMIT", 16 if small else readers.LINE_LIMIT):
        cut = next_message_start(io.BytesIO(data), target)
        if cut is None:
            return
        assert cut >= target and data[cut:].startswith(b"From ")
        assert _in_two(data, cut) == _whole(data)


def test_a_range_of_a_file_reads_from_its_start_to_its_end(tmp_path: Path) -> None:
    data = b"From a\nSubject: 1\n\nFrom b\nSubject: 2\n\nFrom c\nSubject: 3\n"
    path = tmp_path / "box"
    path.write_bytes(data)
    second, third = data.index(b"From b"), data.index(b"From c")
    assert [m.offset for m in iter_mbox_range(path, second, third)] == [second]
    assert [m.header for m in iter_mbox_range(path, second, None)] == [
        b"Subject: 2\n",
        b"Subject: 3\n",
    ]
