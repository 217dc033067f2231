"""Where the per-line time of log parsing goes, stage by stage, on one core.

    python benchmarks/profile_parse.py bench-out/mail-rfc3164-s1-n1000000-*.log

Each stage runs over the same lines already in memory (file reading is its own stage), so the
differences between stages are the cost of one step: the Python loop, the envelope regex, the
datetime, the dialect dispatch, and what a raw-line prefilter or a vectorised engine would save.
"""

from __future__ import annotations

import re
import sys
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make the repository importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

# Programs and message starts that can hold an in-scope event (EVENTS.md): everything else —
# qmgr, cleanup, postscreen, anvil, delivery agents, Dovecot post-login and LMTP — is skipped
# before any envelope work.
IN_SCOPE = re.compile(
    r"/smtpd\[\d{1,10}\]: (?:connect from|disconnect from|\w+ TLS connection|[0-9A-Za-z]{6,16}: client="
    r"|warning: \S{1,300}: SASL|lost connection|SSL_accept error)"
    r"|/smtp\[\d{1,10}\]: \w+ TLS connection"
    r"|dovecot(?:\[\d{1,10}\])?: (?:\w{1,20}-login: |auth: |auth-worker\()"
)
STAMP = re.compile(r"([A-Z][a-z]{2}) {1,2}(\d{1,2}) (\d\d):(\d\d):(\d\d) ")


def stage(
    name: str, lines: list[str], fn: Callable[[list[str]], Any], base: float | None = None
) -> float:
    began = time.process_time()  # CPU time: other work on a shared machine inflates wall time
    fn(lines)
    took = time.process_time() - began
    per_line = took / len(lines) * 1e6
    extra = f"  (+{per_line - base:.2f} µs over the loop)" if base is not None else ""
    print(f"  {name:<46} {len(lines) / took:>12,.0f} lines/s  {per_line:6.2f} µs/line{extra}")
    return per_line


def loop_only(lines: list[str]) -> None:
    for _line in lines:
        pass


def envelope_only(lines: list[str]) -> None:
    from parsers.envelope import EnvelopeParser

    parse = EnvelopeParser(year=2024).parse
    for line in lines:
        parse(line)


def envelope_regex_only(lines: list[str]) -> None:
    from parsers.envelopes.text import _RSYSLOG_LINE, _TRADITIONAL_LINE

    for line in lines:
        (_RSYSLOG_LINE if line[0].isdigit() else _TRADITIONAL_LINE).match(line)


def datetime_per_line(lines: list[str]) -> None:
    from datetime import UTC

    tz = datetime.now().astimezone().tzinfo
    for _ in lines:
        datetime(2024, 3, 4, 10, 11, 12, 0, tzinfo=tz).astimezone(UTC)


def logline_full(lines: list[str]) -> None:
    from parsers.logline import LogLineParser

    parse = LogLineParser(year=2024, prefilter=False).parse
    for n, line in enumerate(lines):
        parse(line, n)


def logline_prefiltered(lines: list[str]) -> None:
    from parsers.logline import LogLineParser

    parse = LogLineParser(year=2024).parse
    for n, line in enumerate(lines):
        parse(line, n)


def registry_prefilter(lines: list[str]) -> None:
    from parsers.registry import in_scope_guards, in_scope_literals, may_be_in_scope

    literals, guards = in_scope_literals(), in_scope_guards()
    for line in lines:
        may_be_in_scope(line, literals, guards)


def prefilter_only(lines: list[str]) -> None:
    search = IN_SCOPE.search
    for line in lines:
        search(line)


def substring_prefilter(lines: list[str]) -> None:
    for line in lines:
        if "/smtpd[" in line or "dovecot" in line or "/smtp[" in line:
            pass


def prefilter_then_parse(lines: list[str]) -> None:
    """The proposed fast path: a raw-line prefilter, then the full parser on survivors only."""
    from parsers.logline import LogLineParser

    parse = LogLineParser(year=2024).parse
    search = IN_SCOPE.search
    for n, line in enumerate(lines):
        if search(line) is not None:
            parse(line, n)


def survivors(lines: list[str]) -> int:
    return sum(1 for line in lines if IN_SCOPE.search(line))


def read_file(path: Path) -> list[str]:
    with path.open(encoding="utf-8", errors="surrogateescape") as handle:
        return handle.read().splitlines()


def duckdb_extract(path: Path, lines: int) -> None:
    """Vectorised alternative: DuckDB filters and extracts with RE2 over the file, all threads."""
    import duckdb

    query = f"""
        SELECT count(*) FROM (
          SELECT regexp_extract(line, '^(\\w{{3}} +\\d+ [\\d:]{{8}}) (\\S+) ([^\\[: ]+)(?:\\[(\\d+)\\])?: (.*)$',
                                ['ts', 'host', 'program', 'pid', 'message']) AS env
          FROM read_csv('{path}', columns={{'line': 'VARCHAR'}}, delim=chr(0), quote='', escape='', header=false,
                        auto_detect=false)
          WHERE regexp_matches(line, '{IN_SCOPE.pattern.replace("'", "''").replace("{1,10}", "+").replace("{1,300}", "+").replace("{1,20}", "+").replace("{6,16}", "+")}')
        )"""
    for threads in (1, 2):
        con = duckdb.connect()
        con.execute(f"SET threads={threads}")
        began = time.perf_counter()
        kept = con.execute(query).fetchone()
        took = time.perf_counter() - began
        print(
            f"  duckdb read+prefilter+envelope, {threads} thread(s)       {lines / took:>12,.0f} lines/s  ({kept[0] if kept else 0:,} kept)"
        )


def arrow_extract(path: Path, lines: int) -> None:
    """Vectorised alternative: Arrow's multi-threaded reader, memchr substring masks on the raw
    lines, then RE2 envelope extraction on the survivors only."""
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.csv as pacsv

    envelope = r"^(?P<ts>\w{3} +\d+ [\d:]{8}) (?P<host>\S+) (?P<program>[^\[: ]+)(?:\[(?P<pid>\d+)\])?: (?P<message>.*)$"
    for threads in (1, 2):
        pa.set_cpu_count(threads)
        pa.set_io_thread_count(threads)
        began = time.perf_counter()
        table = pacsv.read_csv(
            path,
            read_options=pacsv.ReadOptions(column_names=["line"], block_size=16 << 20),
            parse_options=pacsv.ParseOptions(delimiter="\x01", quote_char=False, escape_char=False),
            convert_options=pacsv.ConvertOptions(column_types={"line": pa.string()}),
        )
        line = table["line"]
        smtpd = pc.match_substring(line, "/smtpd[")
        login = pc.and_(
            pc.match_substring(line, " dovecot"),
            pc.or_(pc.match_substring(line, "-login: "), pc.match_substring(line, ": auth")),
        )
        outbound = pc.and_(
            pc.match_substring(line, "/smtp["), pc.match_substring(line, " TLS connection ")
        )
        kept = pc.filter(line, pc.or_(pc.or_(smtpd, login), outbound))
        fields = pc.extract_regex(kept, envelope)
        stamps = pc.strptime(
            pc.binary_join_element_wise("2024 ", pc.struct_field(fields, "ts"), ""),
            format="%Y %b %d %H:%M:%S",
            unit="us",
            error_is_null=True,
        )
        took = time.perf_counter() - began
        print(
            f"  arrow read+substring mask+envelope+time, {threads} thread(s) {lines / took:>10,.0f} lines/s  ({len(kept):,} kept, {stamps.null_count:,} bad stamps)"
        )


def main(argv: list[str]) -> int:
    path = Path(argv[1])
    began = time.perf_counter()
    lines = read_file(path)
    took = time.perf_counter() - began
    print(f"{path}: {len(lines):,} lines, {path.stat().st_size / 1e6:.0f} MB")
    print(
        f"  {'read + decode + split':<46} {len(lines) / took:>12,.0f} lines/s  {took / len(lines) * 1e6:6.2f} µs/line"
    )
    base = stage("python loop", lines, loop_only)
    stage("envelope regex match only", lines, envelope_regex_only, base)
    stage("datetime(...).astimezone(UTC) per line", lines, datetime_per_line, base)
    stage("EnvelopeParser.parse", lines, envelope_only, base)
    stage("LogLineParser.parse, every line read in full", lines, logline_full, base)
    stage("registry literals + guards on the raw line", lines, registry_prefilter, base)
    stage("LogLineParser.parse (registry prefilter)", lines, logline_prefiltered, base)
    stage("substring prefilter (3 `in` tests)", lines, substring_prefilter, base)
    stage("one-regex raw-line prefilter", lines, prefilter_only, base)
    stage("prefilter, then LogLineParser on survivors", lines, prefilter_then_parse, base)
    kept = survivors(lines)
    print(f"  prefilter keeps {kept:,} of {len(lines):,} lines ({kept / len(lines):.0%})")
    from parsers.registry import in_scope_guards, in_scope_literals, may_be_in_scope

    literals, guards = in_scope_literals(), in_scope_guards()
    kept = sum(1 for line in lines if may_be_in_scope(line, literals, guards))
    print(f"  registry prefilter keeps {kept:,} of {len(lines):,} lines ({kept / len(lines):.0%})")
    duckdb_extract(path, len(lines))
    arrow_extract(path, len(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
