"""The line source both parsers read: one span of one file as batches of raw lines.

Decompression, the byte range and the splitting into lines are :func:`pipeline.ingest.sources.
read_lines`'s; this only groups its lines into :class:`LineBatch` es with their numbers and end
offsets, so the per-line reference parser and the vectorised one see exactly the same lines.
What a raw line becomes as text is :func:`text_of`'s, for both parsers (the vectorised one reads
a batch of valid UTF-8 in Arrow, which gives the same text, and any other batch through it).
"""

from __future__ import annotations

import lzma
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import zstandard

from pipeline.ingest.sources import open_bytes, read_lines

MAX_LINE = 1 << 20
BATCH_LINES = 1 << 16
# what a corrupt or truncated file raises while it is read
CORRUPT = (EOFError, OSError, zlib.error, lzma.LZMAError, zstandard.ZstdError)


def text_of(raw: bytes) -> str:
    """A raw line as the parsers read it: UTF-8, undecodable bytes kept as surrogates."""
    return raw.decode("utf-8", "surrogateescape")


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
    batch_lines: int = BATCH_LINES,
) -> Iterator[LineBatch]:
    """The lines of ``path`` from byte ``begin`` (a line start) to ``end`` (None: the end of
    the file), numbered on from ``lines_before``. Errors of a corrupt file propagate after the
    batch of lines read before them was yielded."""
    line_no = lines_before + 1
    raws: list[bytes] = []
    ends: list[int] = []
    try:
        with open_bytes(path) as stream:
            for raw, offset in read_lines(stream, skip_bytes=begin, stop=end, max_line=MAX_LINE):
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
