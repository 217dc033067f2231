"""The dialect registry as the DuckDB parser runs it: every pattern but the declared per-line
ones compiles in RE2, and RE2 and ``re`` agree on every example and not-example."""

from __future__ import annotations

from parsers.registry import all_dialects
from pipeline.ingest.vector.dialect_sql import PER_LINE, compiled, re2_problems


def test_every_pattern_runs_in_re2_unless_declared_per_line() -> None:
    refused = {s.dialect.key for s in compiled() if s.pattern is None}
    assert refused == set(PER_LINE)
    assert len(compiled()) == len(all_dialects())


def test_re2_and_re_agree_on_the_examples() -> None:
    assert re2_problems() == []


def test_a_repeat_above_re2s_limit_is_caught() -> None:
    from pipeline.ingest.vector.dialect_sql import re2_problem

    assert re2_problem(r"^x[^\n]{0,1024}") is not None
    assert re2_problem(r"^x[^\n]{0,1000}[^\n]{0,24}") is None


def test_smtpd_fields_by_string_functions_equal_the_dialects_own() -> None:
    """FAST_FIELDS on every example of the smtpd dialects gives what the pattern and derive
    give (the fields the sessioniser reads)."""
    import duckdb

    from parsers.envelope import EnvelopeParser
    from parsers.records import new_log_event
    from pipeline.ingest.vector.postfix_sessions import pf_row
    from pipeline.ingest.vector.postfix_sql import FAST_FIELDS, fast_pf_select

    envelopes = EnvelopeParser(year=2026)
    con = duckdb.connect()
    checked = 0
    for dialect in all_dialects():
        if dialect.key not in FAST_FIELDS:
            continue
        for example in dialect.examples:
            envelope = envelopes.parse(example.line)
            message = envelope.message if envelope else example.line
            fields = dialect.match(message)
            assert fields is not None, example.line
            event = new_log_event(dialect.key, None, "h", "postfix/smtpd", 1, fields, 1)
            expected = pf_row(event)
            select = fast_pf_select(dialect.key)
            got = con.execute(
                f"SELECT {select} FROM (SELECT 1 AS line_no, 'h' AS host,"
                " 'postfix/smtpd' AS program, '1' AS pid, CAST(NULL AS BIGINT) AS at_us,"
                " ? AS message)",
                [message],
            ).fetchall()[0]
            names = [d[0] for d in con.description]
            assert dict(zip(names, got, strict=True)) == expected, example.line
            checked += 1
    assert checked > 30
