"""The vectorised span parser: a batch of lines through DuckDB, events into the sessioniser.

Per batch, SQL (:mod:`pipeline.ingest.vector.envelope_sql`) finds the lines that move the year
inference and the state after each (a window), drops the lines no dialect can want, splits the
envelopes of the two common shapes and runs every RE2-compatible dialect's literal and pattern
(:mod:`pipeline.ingest.vector.dialect_sql`). Python then only sees the lines that became events:
it builds their time, applies the dialect's ``derive`` and feeds the sessioniser, the same one
the reference parser feeds.

What SQL does not restate is read by the Python parser with the year state SQL computed for the
line: a line in scope whose envelope is of another shape, a line with non-ASCII or control
characters, a line a non-RE2 dialect may want, and a line that holds a literal but matches no
pattern (a reject: its reason names the dialect). A batch holding envelope shapes whose year
effect SQL does not know (a ``<PRI>``, JSON, a ``docker compose`` prefix, journald short-full)
or invalid UTF-8 is read wholly in Python.
"""

from __future__ import annotations

import tempfile
from datetime import datetime
from functools import cache, partial
from typing import Any

import duckdb
import pyarrow as pa

from parsers.envelopes.split import Split
from parsers.logline import LogLineParser, family_and_daemon, record_of
from parsers.records import LogEvent, Reject, new_log_event
from parsers.redact import redact
from parsers.registry import dialects_for, watches
from parsers.shapes import UnknownShapes
from pipeline.config import SiteConfig
from pipeline.ingest.batches import MAX_LINE, LineBatch
from pipeline.ingest.lines import decode_line
from pipeline.ingest.reject_rows import reject_row, too_long
from pipeline.ingest.stitch import HOLD_WINDOW, Edges, FileSessioniser
from pipeline.ingest.vector import envelope_sql
from pipeline.ingest.vector.dialect_sql import SqlDialect, compiled, sql_text
from pipeline.ingest.vector.postfix_sessions import (
    PF_SCHEMA,
    epoch_us,
    pf_row,
    postfix_sessions,
    to_us,
)
from pipeline.ingest.vector.postfix_sql import CREATE_PF, fast_pf_select, pf_select
from pipeline.lake.rows import Row

MEMORY_LIMIT = "160MB"


class VectorSpanParser:
    def __init__(
        self,
        config: SiteConfig,
        source_file: str,
        year_state: tuple[int, int] | None,
        not_after: datetime | None = None,
    ) -> None:
        self.config = config
        self.source_file = source_file
        self.shapes = UnknownShapes()
        # not_after (the file's mtime) decides the first year-less line's year here as in the
        # Python parser; the cap on later New Year crossings and the per-line clamp
        # (parsers/envelopes/years.py) are not in years_sql yet: a known difference
        self.not_after = not_after
        self.fallback = LogLineParser(
            year=config.year,
            tz=config.zone(),
            year_state=year_state,
            not_after=not_after,
            shapes=self.shapes,
        )
        self._family_sql: dict[str, int] = {}
        self.years = self.fallback.envelopes.years
        self.clock = self.fallback.envelopes.clock
        self.sessioniser = FileSessioniser(config)
        self.rejects: list[Row] = []
        self.events = 0
        self.skipped = 0
        self.not_utf8 = 0  # lines read as Latin-1
        self.con = _connect()
        self.con.execute(CREATE_PF)
        self._masks: dict[str, int] = {}
        self._events_out: list[LogEvent] = []  # this batch's events for the sessioniser
        self._pf_python: list[dict[str, Any]] = []  # this batch's smtpd events read in Python
        self._postfix_rows: list[Row] = []

    # ---- the seam ---------------------------------------------------------------------------
    def feed(self, batch: LineBatch) -> None:
        numbers: list[int] = []
        raws: list[bytes] = []
        for line_no, raw in enumerate(batch.raws, batch.first_line_no):
            if len(raw) >= MAX_LINE:
                self.rejects.append(too_long(self.source_file, line_no, raw))
            else:
                numbers.append(line_no)
                raws.append(raw)
        if not raws:
            return
        try:
            texts = pa.array(raws, pa.binary()).cast(pa.string())
        except pa.ArrowInvalid:  # invalid UTF-8: read as the reference reads it
            self._python_batch(numbers, raws)
        else:
            lines = pa.table({"line_no": pa.array(numbers, pa.int64()), "text": texts})
            if not self._sql_batch(lines):
                self._python_batch(numbers, raws)
        self._feed_sessioniser(numbers[0])

    def take_sessions(self) -> list[Row]:
        rows = self.sessioniser.take_rows()
        rows.extend(self._postfix_rows)
        self._postfix_rows = []
        return rows

    def take_rejects(self) -> list[Row]:
        rows, self.rejects = self.rejects, []
        return rows

    def finish(self) -> Edges:
        edges = self.sessioniser.finish()
        postfix = postfix_sessions(self.con, self.config, self.source_file)
        self._postfix_rows = postfix.rows
        edges.postfix_heads = postfix.heads
        edges.connected = postfix.connected
        edges.tails = postfix.tails
        if postfix.latest is not None and (edges.latest is None or postfix.latest > edges.latest):
            edges.latest = postfix.latest
        self.con.close()
        return edges

    def unknown(self) -> dict[str, dict[str, int]]:
        return self.shapes.counts()

    def family_lines(self) -> dict[str, int]:
        counted = dict(self._family_sql)
        for family, count in self.fallback.family_lines.items():
            counted[family] = counted.get(family, 0) + count
        return counted

    def _feed_sessioniser(self, first_line: int) -> None:
        """Feed the batch's events other than smtpd's to the sessioniser, in line order, with
        what the smtpd events (sessionised in SQL) do to it: the hold window of
        :class:`~pipeline.ingest.stitch.FileSessioniser` and the latest time."""
        self._flush_pf()
        events = sorted(self._events_out, key=lambda e: e.line_no)
        self._events_out = []
        sessioniser = self.sessioniser
        first, latest_us = _one(
            self.con,
            "SELECT arg_min(struct_pack(line_no, at_us), line_no) FILTER (WHERE at_us IS NOT NULL),"
            f" max(at_us) FROM pf WHERE line_no >= {first_line}",
        ) or (None, None)
        if sessioniser.hold_until is None:  # the window starts at the span's first time
            timed = next((e for e in events if e.event_at is not None), None)
            if first is not None and (timed is None or first["line_no"] < timed.line_no):
                sessioniser.hold_until = epoch_us(first["at_us"]) + HOLD_WINDOW
            elif timed is not None and timed.event_at is not None:
                sessioniser.hold_until = timed.event_at + HOLD_WINDOW
        passes_at: int | None = None
        if sessioniser.hold_until is not None and not sessioniser.edges.window_passed:
            limit = to_us(sessioniser.hold_until)
            found = _one(
                self.con,
                f"SELECT min(line_no) FROM pf WHERE line_no >= {first_line} AND at_us > {limit}",
            )
            passes_at = found[0] if found else None
        source_file = self.source_file
        for event in events:
            if passes_at is not None and event.line_no > passes_at:
                sessioniser.edges.window_passed = True
            sessioniser.feed(event, source_file)
        if passes_at is not None:
            sessioniser.edges.window_passed = True
        if latest_us is not None:
            latest = epoch_us(latest_us)
            if sessioniser.latest is None or latest > sessioniser.latest:
                sessioniser.latest = latest

    def _flush_pf(self) -> None:
        """The smtpd events read in Python into ``pf``."""
        if not self._pf_python:
            return
        rows, self._pf_python = self._pf_python, []
        table = pa.Table.from_pylist(rows, schema=PF_SCHEMA)
        self.con.register("pf_python", table)
        self.con.execute("INSERT INTO pf SELECT * FROM pf_python")
        self.con.unregister("pf_python")

    # ---- the Python reference, for what SQL does not restate --------------------------------
    def _python_batch(self, numbers: list[int], raws: list[bytes]) -> None:
        for line_no, raw in zip(numbers, raws, strict=True):
            text, latin1 = decode_line(raw)
            self.not_utf8 += latin1
            self._record(self.fallback.parse(text, line_no))

    def _record(self, record: LogEvent | Reject | None) -> None:
        if record is None:
            self.skipped += 1
        elif isinstance(record, LogEvent):
            self.events += 1
            if record.kind.startswith("postfix.smtpd."):
                self._pf_python.append(pf_row(record))
            else:
                self._events_out.append(record)
        else:
            self.rejects.append(reject_row(self.source_file, record))

    def _set_year_state(self, year: int | None, month: int | None) -> None:
        years = self.years
        years.year = year
        years.month = month or 0
        years._observed = ""

    # ---- SQL --------------------------------------------------------------------------------
    def _sql_batch(self, lines: pa.Table) -> bool:
        """Parse the batch in SQL; False (nothing done) when it must be read in Python."""
        con = self.con
        con.register("lines", lines)
        con.execute(
            "CREATE OR REPLACE TEMP TABLE c AS SELECT line_no, mon, iy, im, unsupported,"
            " in_scope, watched, fam, CASE WHEN in_scope OR watched THEN text END AS text FROM ("
            + envelope_sql.classify_lines_sql()
            + ")"
        )
        con.unregister("lines")
        if _one(con, "SELECT bool_or(unsupported) FROM c") == (True,):
            return False
        total = lines.num_rows
        # a mark that repeats the one before it leaves the state as it was: only changes count
        con.execute(
            "CREATE OR REPLACE TEMP TABLE marks AS SELECT line_no, mon, iy, im FROM ("
            " SELECT *, lag(struct_pack(mon, iy, im)) OVER (ORDER BY line_no) AS previous"
            " FROM c WHERE mon IS NOT NULL OR iy IS NOT NULL)"
            " WHERE previous IS NULL OR previous <> struct_pack(mon, iy, im)"
        )
        initial_year, initial_month = self.years.year, self.years.month or None
        before = (initial_year, initial_month)
        if initial_year is None:
            first = _one(con, "SELECT mon FROM marks ORDER BY line_no LIMIT 1")
            if first is not None and first[0] is not None:
                probe = LogLineParser(
                    year=self.config.year, tz=self.config.zone(), not_after=self.not_after
                )
                initial_year = probe.envelopes.years.for_month(first[0])
        con.execute(
            "CREATE OR REPLACE TEMP TABLE ys AS "
            + envelope_sql.years_sql(initial_year, initial_month)
        )
        last = _one(con, "SELECT y_after, m_after FROM ys ORDER BY line_no DESC LIMIT 1")
        if _one(con, "SELECT count(text) FROM c") == (0,):
            self._count_families()
            self.skipped += total
            self._set_year_state(*(last or before))
            return True
        con.execute(
            "CREATE OR REPLACE TEMP TABLE env AS WITH e AS ("
            + envelope_sql.envelopes_sql().replace(
                "FROM scoped", "FROM (SELECT line_no, text, watched FROM c WHERE in_scope)"
            )
            + ") SELECT e.*, g.y_after AS y_line, p.y_after AS y_before, p.m_after AS m_before"
            " FROM e ASOF LEFT JOIN ys g ON e.line_no >= g.line_no"
            " ASOF LEFT JOIN ys p ON e.line_no > p.line_no"
        )
        self._events(before)
        if last is not None:
            self._set_year_state(last[0], last[1])
        else:
            self._set_year_state(*before)
        # every line the SQL or the reference did not make a record or a reject of is skipped
        handled = _one(con, "SELECT (SELECT count(*) FROM rest) + (SELECT count(*) FROM claimed)")
        self.skipped += total - (handled[0] if handled else 0)
        self._count_families()
        for table in ("c", "marks", "ys", "env", "ev", "x", "claimed", "rest"):
            con.execute(f"DROP TABLE IF EXISTS {table}")
        return True

    def _events(self, before: tuple[int | None, int | None]) -> None:
        con = self.con
        programs = con.execute("SELECT DISTINCT program FROM env WHERE fast").fetchall()
        masks = [(p, self._mask(p)) for (p,) in programs]
        progs = pa.table(
            {
                "program": pa.array([p for p, _ in masks], pa.string()),
                "mask": pa.array([m for _, m in masks], pa.int64()),
            }
        )
        con.register("progs", progs)
        con.register("hours", self._hours())
        con.execute("CREATE OR REPLACE TEMP TABLE ev AS " + _classes_sql())
        con.unregister("progs")
        con.unregister("hours")
        self._slow_times()
        con.execute("CREATE OR REPLACE TEMP TABLE claimed (line_no BIGINT)")
        counts = _one(con, _candidates_sql()) or ()
        for sql, count in zip(_sql_dialects(), counts, strict=True):
            if count:
                self._sql_events(sql)
        # candidates no pattern claimed: the reference names the reject
        con.execute(
            "UPDATE ev SET cls = 'py' WHERE cls = 'sql'"
            " AND line_no NOT IN (SELECT line_no FROM claimed)"
        )
        # what the reference reads here: lines whose envelope is for Python ('line'), lines a
        # Python dialect may want or that are rejects ('py'), and lines of a watched daemon
        # that no dialect reads (their shapes are counted), in line order
        con.execute(
            "CREATE OR REPLACE TEMP TABLE rest AS"
            " SELECT line_no, CASE WHEN cls = 'py' THEN 'py' ELSE 'line' END AS how, text,"
            " y_before, m_before, at_us, host, program, pid, message FROM ev"
            " WHERE cls IN ('line', 'py') OR (cls = 'none' AND watched)"
            " UNION ALL SELECT c.line_no, 'line', c.text, p.y_after, p.m_after, NULL, NULL, NULL,"
            " NULL, NULL FROM c ASOF LEFT JOIN ys p ON c.line_no > p.line_no"
            " WHERE c.watched AND NOT c.in_scope"
        )
        rest = con.execute("SELECT * FROM rest ORDER BY line_no").fetchall()
        for line_no, how, text, y_before, m_before, at_us, host, program, pid, message in rest:
            if how == "line":
                known = m_before is not None  # a line before it in the batch moved the state
                self._set_year_state(*((y_before, m_before) if known else before))
                self._record(self.fallback.parse(text, line_no))
            else:
                stamp = partial(_moment, at_us)
                split = Split(stamp, host, program, int(pid) if pid else None, message)
                family, daemon = family_and_daemon(program)
                record = record_of(dialects_for(family, daemon), split, text, line_no)
                if record is None:
                    watch = watches().get(family)
                    if watch is not None and watch.covers(daemon, message):
                        self.shapes.add(family, message, redact(text), line_no)
                self._record(record)

    def _count_families(self) -> None:
        """Lines naming each family, of those the reference parser did not read here."""
        counted = self._family_sql
        routed = (
            " AND line_no NOT IN (SELECT line_no FROM rest WHERE how = 'line')"
            if _one(self.con, "SELECT count(*) FROM duckdb_tables() WHERE table_name = 'rest'")
            != (0,)
            else ""
        )
        for family, count in self.con.execute(
            f"SELECT fam, count(*) FROM c WHERE fam IS NOT NULL{routed} GROUP BY fam"
        ).fetchall():
            counted[family] = counted.get(family, 0) + count

    def _hours(self) -> pa.Table:
        """The UTC start of each local hour the batch's stamps name, by the clock of the
        reference (None for an hour in which the zone's offset changes, or a date that cannot
        exist: those stamps are built one by one)."""
        keys = self.con.execute(
            "SELECT DISTINCT shape, CASE WHEN shape = 'a' THEN y_line ELSE TRY_CAST(y AS INTEGER) END,"
            " CASE WHEN shape = 'a' THEN a_month ELSE TRY_CAST(m AS INTEGER) END,"
            " CASE WHEN shape = 'a' THEN a_day ELSE TRY_CAST(d AS INTEGER) END,"
            " TRY_CAST(hh AS INTEGER), CASE WHEN shape = 'b' THEN zone END"
            " FROM env WHERE fast"
        ).fetchall()
        clock = self.clock
        starts = []
        for _shape, year, month, day, hour, zone in keys:
            start = None
            if None not in (year, month, day, hour):
                start = clock._steady_hour(year, month, day, hour, clock.zone(zone))
            starts.append(None if start is None else to_us(start))
        columns: list[tuple[Any, ...]] = (
            list(zip(*keys, strict=True)) if keys else [() for _ in range(6)]
        )
        return pa.table(
            {
                "shape": pa.array(columns[0], pa.string()),
                "hy": pa.array(columns[1], pa.int32()),
                "hm": pa.array(columns[2], pa.int32()),
                "hd": pa.array(columns[3], pa.int32()),
                "hh": pa.array(columns[4], pa.int32()),
                "hz": pa.array(columns[5], pa.string()),
                "start_us": pa.array(starts, pa.int64()),
            }
        )

    def _slow_times(self) -> None:
        """The stamps whose hour has no steady start, built one by one as the reference does."""
        rows = self.con.execute(
            "SELECT line_no, shape, y_line, a_month, a_day, hh, mi, ss, y, m, d, frac, zone"
            " FROM ev WHERE at_us IS NULL AND cls IN ('sql', 'py')"
        ).fetchall()
        if not rows:
            return
        times = [self._time(tuple(row[1:])) for row in rows]
        fixed = pa.table(
            {
                "line_no": pa.array([row[0] for row in rows], pa.int64()),
                "at": pa.array([None if t is None else to_us(t) for t in times], pa.int64()),
            }
        )
        self.con.register("fixed", fixed)
        self.con.execute(
            "UPDATE ev SET at_us = fixed.at FROM fixed WHERE ev.line_no = fixed.line_no"
        )
        self.con.unregister("fixed")

    def _sql_events(self, sql: SqlDialect) -> None:
        """The events of one dialect: its candidates' groups in one pass of its pattern (the
        pattern wrapped in one more group, non-empty when it matched); a line an earlier
        dialect of the registry claimed stays with it. smtpd events go to ``pf``; the others
        become LogEvents for the sessioniser."""
        con = self.con
        pattern = sql.dialect.pattern
        number_of = {number: name for name, number in pattern.groupindex.items()}
        names = ["_match"] + [number_of.get(n, f"_{n}") for n in range(1, pattern.groups + 1)]
        key = sql.dialect.key
        fast = fast_pf_select(key)
        candidates = (
            f"FROM ev WHERE cls = 'sql' AND {_candidate(sql)}"
            " AND line_no NOT IN (SELECT line_no FROM claimed)"
        )
        if fast is not None:  # matched by the pattern, fields by string functions
            con.execute(
                f"CREATE OR REPLACE TEMP TABLE x AS SELECT {fast} {candidates}"
                f" AND regexp_matches(message, {sql_text(sql.pattern or '')})"
            )
            con.execute("INSERT INTO claimed SELECT line_no FROM x")
            con.execute("INSERT INTO pf SELECT * FROM x")
            found = _one(con, "SELECT count(*) FROM x")
            self.events += found[0] if found else 0
            return
        if key.startswith("postfix.smtpd."):  # an smtpd dialect without FAST_FIELDS
            con.execute(
                "CREATE OR REPLACE TEMP TABLE x AS SELECT * FROM (SELECT line_no, at_us, host,"
                f" program, pid, regexp_extract(message,"
                f" {sql_text('(' + (sql.pattern or '') + ')')},"
                f" [{', '.join(sql_text(n) for n in names)}]) AS g {candidates})"
                " WHERE g._match <> ''"
            )
            con.execute("INSERT INTO claimed SELECT line_no FROM x")
            con.execute(f"INSERT INTO pf SELECT {pf_select(key, sql.groups)} FROM x")
            found = _one(con, "SELECT count(*) FROM x")
            self.events += found[0] if found else 0
            return
        # any other family: SQL finds the lines, the dialect's own pattern and derive read
        # their fields (a group that did not take part is None there, '' in RE2)
        con.execute(
            "CREATE OR REPLACE TEMP TABLE x AS SELECT line_no, at_us, host, program, pid,"
            f" message {candidates} AND regexp_matches(message, {sql_text(sql.pattern or '')})"
        )
        con.execute("INSERT INTO claimed SELECT line_no FROM x")
        dialect = sql.dialect
        for line_no, at_us, host, program, pid, message in con.execute(
            "SELECT * FROM x"
        ).fetchall():
            fields = dialect.match(message)
            if fields is None:  # RE2 and re disagree: the reference decides
                split = Split(partial(_moment, at_us), host, program, _pid(pid), message)
                self._record(record_of((dialect,), split, message, line_no))
                continue
            self._record(
                new_log_event(key, _moment(at_us), host, program, _pid(pid), fields, line_no)
            )

    def _time(self, parts: tuple[Any, ...]) -> datetime | None:
        shape, y_line, a_month, a_day, hh, mi, ss, y, m, d, frac, zone = parts
        hms = f"{hh}:{mi}:{ss}"
        if shape == "a":
            return self.clock.civil(y_line, a_month, a_day, hms, None)
        return self.clock.iso(f"{y}-{m}-{d}", hms, frac, zone)

    def _mask(self, program: str) -> int:
        mask = self._masks.get(program)
        if mask is None:
            wanted = {d.key for d in dialects_for(*family_and_daemon(program))}
            mask = sum(1 << s.index for s in compiled() if s.dialect.key in wanted)
            if len(self._masks) > 4096:
                self._masks.clear()
            self._masks[program] = mask
        return mask


def _candidate(sql: SqlDialect) -> str:
    """SQL true when the line's program may be of the dialect and its message holds the
    dialect's literal (``mask``: the registry indexes of the program's dialects)."""
    literal = sql_text(sql.dialect.contains)
    return f"((mask >> {sql.index}) & 1 = 1 AND contains(message, {literal}))"


@cache
def _sql_dialects() -> tuple[SqlDialect, ...]:
    return tuple(s for s in compiled() if s.pattern is not None)


@cache
def _candidates_sql() -> str:
    counts = ", ".join(f"count(*) FILTER (WHERE {_candidate(s)})" for s in _sql_dialects())
    return f"SELECT {counts} FROM ev WHERE cls = 'sql'"


@cache
def _classes_sql() -> str:
    """Each in-scope line's class: ``sql`` (only dialects with an RE2 pattern may want it),
    ``py`` (a dialect read in Python may want it), ``line`` (its envelope is for Python),
    ``none`` (no dialect may want it: out of scope)."""
    dialects = compiled()
    any_candidate = " OR ".join(_candidate(s) for s in dialects)
    in_python = " OR ".join(_candidate(s) for s in dialects if s.pattern is None) or "false"
    return f"""
        WITH k AS (
            SELECT env.*, coalesce(progs.mask, 0) AS mask,
                CASE WHEN TRY_CAST(mi AS INTEGER) <= 59 AND TRY_CAST(ss AS INTEGER) <= 59
                     THEN hours.start_us
                          + (TRY_CAST(mi AS BIGINT) * 60 + TRY_CAST(ss AS BIGINT)) * 1000000
                          + CASE WHEN env.shape = 'b' THEN TRY_CAST(frac AS BIGINT) ELSE 0 END
                     END AS at_us
            FROM env
            LEFT JOIN progs ON env.fast AND env.program = progs.program
            LEFT JOIN hours ON env.fast AND env.shape = hours.shape
                AND hours.hy = (CASE WHEN env.shape = 'a' THEN env.y_line
                                     ELSE TRY_CAST(env.y AS INTEGER) END)
                AND hours.hm = (CASE WHEN env.shape = 'a' THEN env.a_month
                                     ELSE TRY_CAST(env.m AS INTEGER) END)
                AND hours.hd = (CASE WHEN env.shape = 'a' THEN env.a_day
                                     ELSE TRY_CAST(env.d AS INTEGER) END)
                AND hours.hh = TRY_CAST(env.hh AS INTEGER)
                AND hours.hz IS NOT DISTINCT FROM (CASE WHEN env.shape = 'b' THEN env.zone END)
        )
        SELECT * EXCLUDE (text),
            CASE WHEN NOT fast THEN 'line'
                 WHEN shape = 'a' AND a_month IS NULL THEN 'none'
                 WHEN NOT ({any_candidate}) THEN 'none'
                 WHEN {in_python} THEN 'py'
                 ELSE 'sql' END AS cls,
            text
        FROM k
    """


def _pid(text: str | None) -> int | None:
    return int(text) if text else None


def _moment(at_us: int | None) -> datetime | None:
    return None if at_us is None else epoch_us(at_us)


def _one(con: duckdb.DuckDBPyConnection, query: str) -> tuple[Any, ...] | None:
    """The first row of ``query`` (fetched whole: the connection takes no new work while a
    result is unfinished)."""
    rows = con.execute(query).fetchall()
    return tuple(rows[0]) if rows else None


def _connect() -> duckdb.DuckDBPyConnection:
    # one thread: the ingest workers are the parallelism, DuckDB threads on top of them
    # oversubscribe the cores; past the memory limit a batch spills to the temp directory
    return duckdb.connect(
        config={
            "memory_limit": MEMORY_LIMIT,
            "temp_directory": tempfile.gettempdir() + "/mailtls-duckdb",
            "threads": 1,
            "preserve_insertion_order": False,
        }
    )
