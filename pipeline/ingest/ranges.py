"""A large file cut into byte ranges at line boundaries, so several workers share one file.

Each range becomes a :class:`~pipeline.ingest.spans.Span` read by :func:`~pipeline.ingest.spans.parse_file`
like any file, and the ranges of a file are stitched in order like the files of a rotated set.
A range needs two things from the lines before it: how many there are (the rejects name the
file's true line numbers) and the year inference's state (RFC 3164 lines carry no year). One
pass over the bytes before the last cut gives both: newlines are counted with ``bytes.count``,
and a block whose lines all start with the current month's prefix (``Mar `` or ``2026-03-``;
:meth:`~parsers.envelopes.years.YearInference.quiet_starts`) cannot move the year, so only the
few blocks where the month changes are read line by line, by the parser's own envelope code.
Counting here is cheaper than numbering per range and renumbering afterwards, which would mean
rewriting the rejects' Parquet parts; the pass reads a file at memory speed, a worker parses it
at ~5 MB/s.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import replace

from parsers.envelope import EnvelopeParser
from pipeline.ingest.results import FileResult
from pipeline.ingest.sources import is_compressed
from pipeline.ingest.spans import MAX_LINE, FileJob, Span, unread_span

# Bigger ranges add nothing (a worker's memory is bounded by its open sessions, not by the
# range) and cost balance; smaller ones cost a process hand-off, Parquet parts and edges each.
MAX_RANGE = 64 << 20
MIN_RANGE = 8 << 20
BLOCK = 1 << 20


def range_size(unread: int, workers: int) -> int:
    """At most MAX_RANGE, in full rounds of ``workers`` (one file keeps every worker busy),
    at least MIN_RANGE."""
    count = max(math.ceil(unread / MAX_RANGE), workers)
    count = math.ceil(count / workers) * workers
    return max(MIN_RANGE, math.ceil(unread / count))


def file_jobs(job: FileJob, *, workers: int, range_bytes: int | None = None) -> Iterator[FileJob]:
    """The jobs that read ``job``'s file: itself, or one per range of a large plain file, each
    as soon as its start is known (so workers begin while later cuts are still being found)."""
    span = unread_span(job)
    if isinstance(span, FileResult) or is_compressed(job.path):
        yield job  # nothing to read, or a stream that cannot be entered midway: whole
        return
    size = range_bytes or range_size(span.size - span.begin, workers)
    if span.size - span.begin < 2 * size:
        yield job
        return
    for number, part in enumerate(spans(job, span, size)):
        yield replace(job, part_prefix=f"{job.part_prefix}-{number:04d}", span=part)


def spans(job: FileJob, whole: Span, size: int) -> Iterator[Span]:
    """``whole`` cut after the first line end ``size`` bytes or more past each cut; the last
    range runs to the end of the file (also if it grew meanwhile) and is about half a range or
    longer."""
    years = EnvelopeParser(year=job.config.year, tz=job.config.zone())
    state = years.years
    begin = whole.begin
    lines = whole.lines_before
    year_state: tuple[int, int] | None = None
    offset = begin
    carry = b""
    dropped = 0  # bytes of an over-long line left out of ``carry``
    with job.path.open("rb") as stream:
        stream.seek(begin)
        while whole.size - begin >= size + size // 2:
            block = stream.read(min(BLOCK, size))
            if not block:
                break
            data = carry + block
            cut = data.rfind(b"\n") + 1
            if cut:
                lines += _observe(years, data, cut)
                offset += cut + dropped
                dropped = 0
            carry = data[cut:]
            if len(carry) > MAX_LINE + 2:  # too long to parse: its length is all that counts
                dropped += len(carry) - (MAX_LINE + 2)
                carry = carry[: MAX_LINE + 2]
            if offset - begin >= size:
                yield replace(whole, begin=begin, end=offset, year_state=year_state)
                whole = replace(whole, lines_before=lines, counted_from=offset)
                begin = offset
                year_state = (state.year, state.month) if state.year is not None else None
    yield replace(whole, begin=begin, end=None, year_state=year_state)


def _observe(years: EnvelopeParser, data: bytes, cut: int) -> int:
    """Move the year inference over the whole lines of ``data[:cut]`` as the parser would, and
    count them; lines that all start with a quiet prefix are passed over without reading one."""
    count = data.count(b"\n", 0, cut)
    starting = 0
    for prefix in years.years.quiet_starts():
        quiet = prefix.encode()
        starting += data.startswith(quiet) + data.count(b"\n" + quiet, 0, cut)
        if starting == count:
            return count
    for raw in data[:cut].split(b"\n")[:-1]:
        line = raw.rstrip(b"\r\n")
        if len(line) < MAX_LINE:  # the reader rejects longer lines unparsed
            years.observe(line.decode("utf-8", "surrogateescape"))
    return count
