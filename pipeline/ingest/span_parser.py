"""The parser seam: a span's lines in, its sessions, rejects and open edges out.

Two implementations read the same :class:`~pipeline.ingest.lines.LineBatch` es:
:class:`PythonSpanParser`, the per-line reference (the oracle of the tests, ``--parser python``),
and :class:`pipeline.ingest.vector.parser.VectorSpanParser`, the default, which runs the
envelopes and the dialects in DuckDB. Both leave writing and ``_ingested`` to
:mod:`pipeline.ingest.spans`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from parsers.logline import LogLineParser
from parsers.records import LogEvent, Reject
from parsers.shapes import UnknownShapes
from pipeline.config import SiteConfig
from pipeline.ingest.batches import MAX_LINE, LineBatch
from pipeline.ingest.lines import decode_line
from pipeline.ingest.reject_rows import reject_row, too_long
from pipeline.ingest.stitch import Edges, FileSessioniser
from pipeline.lake.rows import Row

PARSERS = ("python", "duckdb")


class SpanParser(Protocol):
    events: int
    skipped: int
    not_utf8: int

    def feed(self, batch: LineBatch) -> None: ...

    def take_sessions(self) -> list[Row]: ...

    def take_rejects(self) -> list[Row]: ...

    def finish(self) -> Edges: ...

    def unknown(self) -> dict[str, dict[str, int]]:
        """Lines of watched daemons no dialect read, by family and shape (UnknownShapes)."""
        ...

    def family_lines(self) -> dict[str, int]:
        """Lines naming each family (see LogLineParser.family_lines)."""
        ...


def new_span_parser(
    kind: str,
    config: SiteConfig,
    source_file: str,
    year_state: tuple[int, int] | None,
    *,
    not_after: datetime | None = None,
) -> SpanParser:
    """``not_after``: the file's modification time (no year-less line is dated after it; the
    DuckDB parser applies it to the first year-less line only, see VectorSpanParser)."""
    if kind == "python":
        return PythonSpanParser(config, source_file, year_state, not_after)
    from pipeline.ingest.vector.parser import VectorSpanParser

    return VectorSpanParser(config, source_file, year_state, not_after)


class PythonSpanParser:
    """One line at a time through :class:`~parsers.logline.LogLineParser` and the sessioniser."""

    def __init__(
        self,
        config: SiteConfig,
        source_file: str,
        year_state: tuple[int, int] | None,
        not_after: datetime | None = None,
    ) -> None:
        self.source_file = source_file
        self.shapes = UnknownShapes()
        self.parser = LogLineParser(
            year=config.year,
            tz=config.zone(),
            year_state=year_state,
            not_after=not_after,
            shapes=self.shapes,
        )
        self.sessioniser = FileSessioniser(config)
        self.rejects: list[Row] = []
        self.events = 0
        self.skipped = 0
        self.not_utf8 = 0  # lines read as Latin-1

    def feed(self, batch: LineBatch) -> None:
        source_file = self.source_file
        parse = self.parser.parse
        sessioniser = self.sessioniser
        for line_no, raw in enumerate(batch.raws, batch.first_line_no):
            if len(raw) >= MAX_LINE:
                self.rejects.append(too_long(source_file, line_no, raw))
                continue
            text, latin1 = decode_line(raw)
            self.not_utf8 += latin1
            record = parse(text, line_no)
            if record is None:
                self.skipped += 1
            elif isinstance(record, LogEvent):
                self.events += 1
                sessioniser.feed(record, source_file)
            elif isinstance(record, Reject):
                self.rejects.append(reject_row(source_file, record))

    def take_sessions(self) -> list[Row]:
        return self.sessioniser.take_rows()

    def take_rejects(self) -> list[Row]:
        rows, self.rejects = self.rejects, []
        return rows

    def finish(self) -> Edges:
        return self.sessioniser.finish()

    def unknown(self) -> dict[str, dict[str, int]]:
        return self.shapes.counts()

    def family_lines(self) -> dict[str, int]:
        return self.parser.family_lines
