"""The raw-line prefilter changes nothing but speed: every line that became a LogEvent or a
Reject when read in full still becomes exactly that record, years included."""

from __future__ import annotations

import gzip
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from benchmarks import generate_logs
from parsers.envelopes import text
from parsers.envelopes.clock import Clock
from parsers.envelopes.split import Split
from parsers.envelopes.years import YearInference
from parsers.logline import LogLineParser
from parsers.records import LogEvent, Reject
from parsers.registry import in_scope_guards, in_scope_literals, may_be_in_scope
from tests.parsers.census import DATA, lines_of

SAMPLE_LOGS = Path(__file__).resolve().parents[2] / "sample_data" / "logs"
Record = LogEvent | Reject | None


def records(lines: Iterable[str], *, prefilter: bool, year: int | None) -> list[Record]:
    parser = LogLineParser(year=year, tz=UTC, prefilter=prefilter)
    return [parser.parse(line, number) for number, line in enumerate(lines, 1)]


def assert_same_records(lines: list[str], year: int | None = 2024) -> None:
    full = records(lines, prefilter=False, year=year)
    fast = records(lines, prefilter=True, year=year)
    assert len(fast) == len(full)
    for number, (old, new) in enumerate(zip(full, fast, strict=True), 1):
        assert new == old, f"line {number}: {lines[number - 1]!r}"


def sample_lines(path: Path) -> list[str]:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8", errors="surrogateescape") as handle:
        return handle.read().splitlines()


def generated(lines: int, **options: object) -> list[str]:
    return "".join(generate_logs.generate(lines, **options)).splitlines()  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "path", sorted(p for p in DATA.rglob("*") if p.is_file()), ids=lambda p: p.name
)
def test_corpus_logs_give_the_same_records(path: Path) -> None:
    assert_same_records(list(lines_of(path)), year=None)


@pytest.mark.parametrize(
    "path", sorted(p for p in SAMPLE_LOGS.rglob("*") if p.is_file()), ids=lambda p: p.name
)
def test_sample_logs_give_the_same_records(path: Path) -> None:
    assert_same_records(sample_lines(path), year=None)


@pytest.mark.parametrize("fmt", ["rfc3164", "rfc3339"])
def test_generated_log_gives_the_same_records(fmt: str) -> None:
    assert_same_records(generated(20_000, seed=5, fmt=fmt))


def test_generated_log_over_new_year_gives_the_same_records() -> None:
    lines = generated(20_000, seed=7, start="2024-12-31T23:30", lines_per_day=800_000)
    assert lines[0].startswith("Dec 31") and lines[-1].startswith("Jan  1")
    assert_same_records(lines)


def test_skipped_lines_still_carry_the_year_over_new_year() -> None:
    lines = [
        "Dec 31 23:59:58 mx postfix/qmgr[7]: 4F1C23A: removed",
        "Jan  1 00:00:01 mx postfix/qmgr[7]: 4F1C23B: removed",
        "Jan  1 00:00:02 mx postfix/smtpd[9]: connect from a.example[192.0.2.1]",
    ]
    event = records(lines, prefilter=True, year=2024)[2]
    assert isinstance(event, LogEvent)
    assert event.event_at == datetime(2025, 1, 1, 0, 0, 2, tzinfo=UTC)


def test_skipped_lines_of_a_changing_month_move_the_year_as_parsed_ones_do() -> None:
    # Jan → Mar → Sep → Jan: read in full the last line is of the next year; seen only
    # between the two connects, Jan → Jan, it would not be.
    lines = [
        "Jan  5 10:00:00 mx postfix/smtpd[9]: connect from a.example[192.0.2.1]",
        "Mar  5 10:00:00 mx postfix/qmgr[7]: 4F1C23A: removed",
        "Sep  5 10:00:00 mx postfix/qmgr[7]: 4F1C23B: removed",
        "2023-09-06T10:00:00+00:00 mx postfix/qmgr[7]: 4F1C23C: removed",
        "Jan  5 10:00:00 mx postfix/smtpd[9]: connect from a.example[192.0.2.1]",
    ]
    fast = records(lines, prefilter=True, year=2023)
    assert [r.event_at.year if isinstance(r, LogEvent) and r.event_at else None for r in fast] == [
        2023,
        None,
        None,
        None,
        2024,
    ]
    assert_same_records(lines, year=2023)


def test_json_lines_are_never_dropped_by_their_escapes() -> None:
    line = (
        '{"log":"Mar  4 10:00:00 mx postfix/smtpd[9]: \\u0063onnect from a.example[192.0.2.1]\\n",'
        '"stream":"stdout","time":"2024-03-04T10:00:00Z"}'
    )
    assert "connect from " not in line
    assert may_be_in_scope(line, in_scope_literals())
    assert_same_records([line])


def test_noise_lines_are_dropped_before_the_envelope() -> None:
    literals = in_scope_literals()
    assert not may_be_in_scope("Mar  4 10:00:00 mx postfix/qmgr[7]: 4F1C23A: removed", literals)
    assert may_be_in_scope(
        "Mar  4 10:00:00 mx postfix/smtpd[9]: disconnect from a[192.0.2.1]", literals
    )


def test_postfix_literals_need_a_postfix_program_on_the_line() -> None:
    literals, guards = in_scope_literals(), in_scope_guards()
    lmtp = "Mar  4 00:00:25 mail1 dovecot: lmtp(27722): Disconnect from 192.0.2.7: Client has quit"
    assert "connect from " in lmtp
    assert not may_be_in_scope(lmtp, literals, guards)
    kept = [
        "Mar  4 10:00:00 mx postfix/smtpd[9]: disconnect from a[192.0.2.1] commands=1",
        "Mar  4 10:00:00 mx mx1/smtpd[9]: connect from a[192.0.2.1]",  # custom syslog_name
        "<22>1 2024-03-04T10:00:00Z mx postfix 9 - - connect from a[192.0.2.1]",  # rsyslog cut
        "Mar  4 10:00:00 mx postfix/smtp[9]: Verified TLS connection established to b[192.0.2.2]:25: TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 (256/256 bits)",
    ]
    for line in kept:
        assert may_be_in_scope(line, literals, guards), line
    assert_same_records([lmtp, *kept])


@pytest.mark.slow
@pytest.mark.parametrize("fmt", ["rfc3164", "rfc3339"])
def test_a_million_generated_lines_give_the_same_records(fmt: str) -> None:
    assert_same_records(generated(1_000_000, seed=1, fmt=fmt))


def envelope_lines() -> list[str]:
    lines = [line for path in sorted(DATA.rglob("*.log")) for line in lines_of(path)]
    for fmt in ("rfc3164", "rfc3339"):
        lines += generated(5_000, seed=11, fmt=fmt)
    lines += [
        "Mar  4 00:00:20 mx: postfix/smtpd[1]: connect from a[192.0.2.1]",
        "Mar 04 00:00:20 mx postfix/smtpd: [ID 197553 mail.info] connect from a[192.0.2.1]",
        "Mar  4 00:00:20 mx postfix/smtpd[12345678901]: connect from a[192.0.2.1]",
        "Foo  4 00:00:20 mx postfix/smtpd[1]: connect from a[192.0.2.1]",
        "2024-03-04T00:00:20.123456+01:00 mx postfix/smtpd[1]: connect from a[192.0.2.1]",
        "2024-13-04T00:00:20.123456+01:00 mx postfix/smtpd[1]: connect from a[192.0.2.1]",
    ]
    return lines


@pytest.mark.parametrize(
    ("fast", "general"),
    [(text.traditional, text.traditional_general), (text.iso, text.iso_general)],
    ids=["traditional", "iso"],
)
def test_one_match_envelope_paths_split_as_the_general_ones(
    fast: Callable[[str, Clock, YearInference], Split | None],
    general: Callable[[str, Clock, YearInference], Split | None],
) -> None:
    def parts(reader: Callable[[str, Clock, YearInference], Split | None]) -> list[object]:
        clock, years = Clock(UTC), YearInference(2024, UTC)
        out: list[object] = []
        for line in envelope_lines():
            split = reader(line, clock, years)
            out.append(None if split is None else (split.stamp(), *split[1:], years.year))
        return out

    assert parts(fast) == parts(general)
