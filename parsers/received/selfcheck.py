"""Walk every TLS-detail dialect's example headers through ``parse_received``: used by the test
suite (one generated test per dialect) and available to ``mailtls dialects --check``."""

from __future__ import annotations

from parsers.received.detail import DetailDialect, HeaderExample
from parsers.received.entry import parse_received
from parsers.received.examples_keyword import KEYWORD_EXAMPLES
from parsers.received.registry import DIALECTS
from parsers.selfcheck import Problem


def check_example(key: str, example: HeaderExample, *, must_fire: bool = True) -> list[Problem]:
    hop = parse_received(example.value)
    problems = []
    if must_fire and key not in hop.dialect.split("+"):
        problems.append(Problem(key, example.value, f"dialect did not fire (got {hop.dialect!r})"))
    for name, want in example.fields.items():
        got = getattr(hop, name)
        if got != want:
            problems.append(
                Problem(key, example.value, f"field {name}: expected {want!r}, got {got!r}")
            )
    return problems


def check_dialect(dialect: DetailDialect) -> list[Problem]:
    problems = [] if dialect.examples else [Problem(dialect.key, "", "has no examples")]
    for example in dialect.examples:
        problems += check_example(dialect.key, example)
    for value in dialect.not_examples:
        if dialect.key in parse_received(value).dialect.split("+"):
            problems.append(Problem(dialect.key, value, "fired on a header it must not read"))
    return problems


def check_keyword_examples() -> list[Problem]:
    return [p for e in KEYWORD_EXAMPLES for p in check_example("keyword", e, must_fire=False)]


def check_all() -> list[Problem]:
    return [p for d in DIALECTS for p in check_dialect(d)] + check_keyword_examples()
