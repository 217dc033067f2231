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
