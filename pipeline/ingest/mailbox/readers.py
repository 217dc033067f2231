"""Streaming readers for mbox files, Maildir trees and single messages, headers only.

An mbox message starts at a ``From `` line at the start of the file or after an empty line; a
body line that starts with ``From `` is escaped by the writer as ``>From `` (mboxo/mboxrd) and so
never splits a message. Only the header block of each message is kept in memory, and at most
``HEADER_LIMIT`` bytes of it; bodies are read through and dropped line by line. A plain mbox
can be read in byte ranges cut at message starts (:func:`next_message_start`), each range on its
own, giving the messages one reading of the whole file gives.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from pipeline.ingest.mailbox.headers import MailMessage
from pipeline.ingest.mailbox.streams import compression_of, open_binary, raise_if_damaged

HEADER_LIMIT = 1 << 20
LINE_LIMIT = 1 << 16  # a longer physical line is read in pieces
# An empty line (after a line end) followed by a "From " line: its end is a message start
_CUT = re.compile(rb"\n\r?\n(?=From )")


def iter_messages(path: str | Path) -> Iterator[MailMessage]:
    """Every message under ``path``: a Maildir tree, an mbox or a single message, compressed or not."""
    path = Path(path)
    if path.is_dir():
        yield from iter_maildir(path)
        return
    with open_binary(path) as stream:
        head = stream.peek(5)[:5] if hasattr(stream, "peek") else b""
        if head.startswith(b"From "):
            yield from iter_mbox(stream, str(path))
        else:
            yield read_message(stream, str(path))
        raise_if_damaged(stream, path)


def read_message(stream: BinaryIO, source_file: str, offset: int = 0) -> MailMessage:
    """The header block at the start of ``stream`` (an .eml file, a Maildir file)."""
    head = _header_in_one_read(stream)
    if head is not None:
        return MailMessage(source_file, offset, head)
    header = bytearray()
    while True:
        line = stream.readline(LINE_LIMIT)
        if not line or line in (b"\n", b"\r\n"):
            break
        if len(header) < HEADER_LIMIT:
            header += line
    return MailMessage(source_file, offset, bytes(header[:HEADER_LIMIT]))


def _header_in_one_read(stream: BinaryIO) -> bytes | None:
    """The header block when it ends within the first ``LINE_LIMIT`` bytes (one read instead of
    a ``readline`` per line: every line in it is shorter than a ``readline`` piece, so it is the
    same block); else None with ``stream`` back at its start, or None when it cannot seek."""
    if not stream.seekable():
        return None
    start = stream.tell()
    head = _header_in(stream.read(LINE_LIMIT))
    if head is None:
        stream.seek(start)
    return head


def _header_in(data: bytes) -> bytes | None:
    """The header block at the start of ``data`` (the first ``LINE_LIMIT`` bytes of a message,
    or all of it when shorter), or None when it does not end within them."""
    if data[:1] == b"\n" or data[:2] == b"\r\n":
        return b""
    ends = [at for at in (data.find(b"\n\n"), data.find(b"\n\r\n")) if at != -1]
    if ends:
        return data[: min(ends) + 1]
    if len(data) < LINE_LIMIT:  # the whole file, and no empty line: all of it is header
        return data
    return None


def iter_mbox(
    stream: BinaryIO, source_file: str, begin: int = 0, end: int | None = None
) -> Iterator[MailMessage]:
    """The messages of an mbox ``stream`` (positioned at ``begin``: the file's start or a
    message start), up to offset ``end`` (a message start) or the end."""
    position = begin
    start: int | None = None  # offset of the message whose header is being read
    header = bytearray()
    previous_blank, at_line_start = True, True
    while end is None or position < end:
        line = stream.readline(LINE_LIMIT)
        if not line:
            break
        here, position = position, position + len(line)
        line_start, at_line_start = at_line_start, line.endswith(b"\n")
        if line_start and previous_blank and line.startswith(b"From "):
            if start is not None:  # the previous message had no empty line after its header
                yield MailMessage(source_file, start, bytes(header))
            start, header = here, bytearray()
            previous_blank = False
            continue
        blank = line_start and line in (b"\n", b"\r\n")
        if start is not None:
            if blank:
                yield MailMessage(source_file, start, bytes(header))
                start = None
            elif len(header) < HEADER_LIMIT:
                header += line[: HEADER_LIMIT - len(header)]
        previous_blank = blank
    if start is not None:
        yield MailMessage(source_file, start, bytes(header))


def iter_mbox_range(path: str | Path, begin: int, end: int | None) -> Iterator[MailMessage]:
    """The messages of a plain (uncompressed) mbox between two message starts."""
    with open(path, "rb") as stream:
        stream.seek(begin)
        yield from iter_mbox(stream, str(path), begin, end)


def next_message_start(stream: BinaryIO, offset: int) -> int | None:
    """The first offset at or after ``offset`` where a message of a plain mbox starts, or None.

    Only ``From `` lines after an empty line that itself follows a line end are found:
    :func:`iter_mbox` starts a message at each of them, and reaches them with no header open
    and an empty line before, the state it begins a range in; so reading up to such an offset
    and from it gives the messages of one whole reading."""
    here = max(offset - 3, 0)
    while True:
        stream.seek(here)
        data = stream.read(LINE_LIMIT)
        for found in _CUT.finditer(data):
            if here + found.end() >= offset:
                return here + found.end()
        if len(data) < LINE_LIMIT:
            return None
        here += len(data) - 8  # a cut across the window's end is found in the next one


def iter_maildir(root: Path) -> Iterator[MailMessage]:
    """Every message file in the ``cur`` and ``new`` folders anywhere under ``root``, sorted."""
    for folder, dirs, files in os.walk(root):
        dirs.sort()
        if Path(folder).name not in ("cur", "new"):
            continue
        for name in sorted(files):
            if name.startswith("."):
                continue
            path = Path(folder, name)
            message = plain_message_file(path)
            if message is not None:
                yield message
                continue
            with open_binary(path) as stream:
                yield read_message(stream, str(path))
                raise_if_damaged(stream, path)


def plain_message_file(path: Path) -> MailMessage | None:
    """The message of an uncompressed file whose header ends within ``LINE_LIMIT`` bytes, in a
    single read (most Maildir files); None for any other file (read it as a stream)."""
    with open(path, "rb") as raw:
        data = raw.read(LINE_LIMIT)
    head = _header_in(data) if compression_of(data[:6]) is None else None
    return None if head is None else MailMessage(str(path), 0, head)
