"""The line source as both parsers read it: one span of one file as batches of raw lines.

What a file holds and how it becomes lines is :mod:`pipeline.ingest.lines`'s (the one line
source); this only groups its lines into :class:`LineBatch` es with their numbers and end
offsets, so the per-line reference parser and the vectorised one see exactly the same lines.
"""

from __future__ import annotations

import lzma
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import zstandard

from pipeline.ingest.lines import LineNotes, read_lines
from pipeline.ingest.sources import is_live, open_bytes

MAX_LINE = 1 << 20
BATCH_LINES = 1 << 16
# what a corrupt or truncated file raises while it is read
CORRUPT = (EOFError, OSError, zlib.error, lzma.LZMAError, zstandard.ZstdError)


@dataclass(slots=True)
class LineBatch:
    """Consecutive raw lines (without their newline): the first is line ``first_line_no``;
    ``ends[i]`` is the byte offset after line ``i``."""

    first_line_no: int
    raws: list[bytes]
    ends: list[int]


def line_batches(
    path: Path,
    begin: int,
    end: int | None,
    lines_before: int,
    notes: LineNotes,
    batch_lines: int = BATCH_LINES,
) -> Iterator[LineBatch]:
    """The lines of ``path`` from byte ``begin`` (a line start) to ``end`` (None: the end of
    the file), numbered on from ``lines_before``; what is not a line goes to ``notes``. Errors
    of a corrupt file propagate after the batch of lines read before them was yielded."""
    line_no = lines_before + 1
    raws: list[bytes] = []
    ends: list[int] = []
    try:
        with open_bytes(path) as stream:
            lines = read_lines(
                stream,
                skip_bytes=begin,
                stop=end,
                max_line=MAX_LINE,
                # a compressed or rotated file is complete; a live one may be mid-line
                final=end is not None or not stream.seekable() or not is_live(path),
                notes=notes,
            )
            for raw, offset in lines:
                raws.append(raw)
                ends.append(offset)
                if len(raws) >= batch_lines:
                    yield LineBatch(line_no, raws, ends)
                    line_no += len(raws)
                    raws, ends = [], []
    except CORRUPT:
        if raws:
            yield LineBatch(line_no, raws, ends)
        raise
    if raws:
        yield LineBatch(line_no, raws, ends)
