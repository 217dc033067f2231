"""The lines of a log's content as bytes, whatever happened to the file: the one line source
every parse path reads (the Python parser per line, a vectorised one per batch).

What a file can hold besides lines, and what becomes of it here:

- a UTF-8 byte order mark before the first line: left out;
- runs of NUL bytes (``copytruncate`` racing the writer, an unclean shutdown): a run ends the
  text before it, which is noted as damaged when there is any (:class:`LineNotes`), and the
  line goes on after it, so a line glued to a NUL run is read whole;
- an unfinished last line of a file still being written: left for the next run, which starts
  at the last newline (``final=False``);
- a compressed stream that ends in damage: every line before it is read, the cut last line is
  noted as damaged, and :attr:`LineNotes.stopped` says where (:mod:`pipeline.ingest.decompress`);
- a line longer than ``max_line``: yielded cut to ``max_line`` bytes for the caller to reject.

Line numbers are newline counts, as ``wc -l`` and ``grep -n`` give them; a NUL run adds none.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import BinaryIO

from pipeline.ingest.decompress import damage_of

BLOCK = 1 << 20
TAIL_BYTES = 1024  # of content before the offset read to: what a resuming run checks
BOM = b"\xef\xbb\xbf"
MAX_NOTED = 10_000  # damaged fragments kept for rejects; the rest are only counted
FRAGMENT_BYTES = 2048
_NUL_RUN = re.compile(rb"\x00+")


@dataclass(slots=True)
class LineNotes:
    """What :func:`read_lines` found besides the lines, complete once it is exhausted."""

    # (ordinal of the line it belongs to among those read, from 1; reason; its bytes)
    damaged: list[tuple[int, str, bytes]] = field(default_factory=list)
    damaged_count: int = 0
    stopped: str | None = None  # why the content ended before its end (damaged compression)
    waiting: int = 0  # bytes of an unfinished last line left for the next run
    has_bom: bool = False
    tail: bytes = b""  # up to TAIL_BYTES of content ending where the lines read end

    def damage(self, ordinal: int, reason: str, fragment: bytes) -> None:
        self.damaged_count += 1
        if len(self.damaged) < MAX_NOTED:
            self.damaged.append((ordinal, reason, fragment[:FRAGMENT_BYTES]))


def tail_digest(tail: bytes) -> str:
    """The identity of content up to an offset, from its last bytes (:attr:`LineNotes.tail`)."""
    return hashlib.sha256(tail).hexdigest()[:32] + f":{len(tail)}"


def decode_line(raw: bytes) -> tuple[str, bool]:
    """(text, whether it was not UTF-8): a line that is not UTF-8 (a Latin-1 user name) is
    decoded as Latin-1, which maps every byte, so it is kept and stores as valid UTF-8."""
    try:
        return raw.decode("utf-8"), False
    except UnicodeDecodeError:
        return raw.decode("latin-1"), True


def read_lines(
    stream: BinaryIO,
    *,
    skip_bytes: int = 0,
    stop: int | None = None,
    max_line: int = 1 << 20,
    final: bool = True,
    notes: LineNotes | None = None,
) -> Iterator[tuple[bytes, int]]:
    """(line without its newline, offset after it), reading in bounded blocks from offset
    ``skip_bytes`` (a line boundary) to ``stop`` (one too, or None: the end). ``final=False``
    leaves an unfinished last line unread (a file still being written). ``notes`` collects
    what else was found (see the module's docstring)."""
    notes = notes if notes is not None else LineNotes()
    before = tail_before(stream, skip_bytes)
    if before is None:
        return
    position = offset = skip_bytes  # content consumed; the end of the last line yielded
    ordinal = 0
    kept = b""  # the current line's text after its last NUL run, at most max_line + 1 bytes
    pending = 0  # raw bytes of the current line so far
    previous, block = before, b""
    while stop is None or position < stop:
        data = stream.read(BLOCK if stop is None else min(BLOCK, stop - position))
        if not data:
            break
        previous, block = block or previous, data
        if position == 0 and data.startswith(BOM):
            notes.has_bom = True
            pending, data = len(BOM), data[len(BOM) :]
        position += len(block)
        pieces = data.split(b"\n")
        rest = pieces.pop()
        plain = b"\x00" not in data
        for piece in pieces:
            length = pending + len(piece) + 1
            if plain and not pending and len(piece) <= max_line:
                line = piece
            else:
                line = _extend(kept, piece, ordinal + 1, notes, max_line)
                kept, pending = b"", 0
            offset += length
            ordinal += 1
            yield (line[:max_line] if len(line) > max_line else line.rstrip(b"\r")), offset
        if rest:
            kept = _extend(kept, rest, ordinal + 1, notes, max_line)
            pending += len(rest)
    notes.stopped = damage_of(stream)
    if pending:
        if notes.stopped:
            notes.damage(ordinal + 1, f"line cut by {notes.stopped}", kept)
        elif final:
            offset += pending
            yield (kept[:max_line] if len(kept) > max_line else kept.rstrip(b"\r")), offset
        else:
            notes.waiting = pending
    window = previous + block
    unread = position - offset  # bytes after the last line read, at the end of the window
    if unread <= len(window):
        notes.tail = window[: len(window) - unread][-TAIL_BYTES:]


def tail_before(stream: BinaryIO, skip_bytes: int) -> bytes | None:
    """Move past the first ``skip_bytes`` of content; returns their last TAIL_BYTES, or None
    when the content is shorter."""
    if not skip_bytes:
        return b""
    if stream.seekable():
        start = max(0, skip_bytes - TAIL_BYTES)
        stream.seek(start)
        tail = stream.read(skip_bytes - start)
        return tail if len(tail) == skip_bytes - start else None
    tail = b""
    remaining = skip_bytes
    while remaining:
        chunk = stream.read(min(remaining, BLOCK))
        if not chunk:
            return None
        remaining -= len(chunk)
        tail = (tail + chunk[-TAIL_BYTES:])[-TAIL_BYTES:]
    return tail


def _extend(kept: bytes, piece: bytes, ordinal: int, notes: LineNotes, max_line: int) -> bytes:
    """The current line's text with ``piece`` added: text before a NUL run is noted as damaged
    and the line goes on after the run; beyond ``max_line + 1`` bytes nothing is kept."""
    if b"\x00" in piece:
        head, _, piece = piece.rpartition(b"\x00")
        fragment = _NUL_RUN.sub(b" ", kept + head[: FRAGMENT_BYTES + 1]).strip()
        if fragment:
            notes.damage(ordinal, "text cut by NUL bytes", fragment)
        kept = b""
    if len(kept) <= max_line:
        kept += piece[: max_line + 1 - len(kept)]
    return kept
