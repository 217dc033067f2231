"""Walk every dialect's examples through the full line parser. Used by the registry test and by
``mailtls dialects --check``: one mechanism, two callers."""

from __future__ import annotations

from dataclasses import dataclass

from parsers.dialect import Dialect
from parsers.logline import LogLineParser
from parsers.records import LogEvent
from parsers.registry import all_dialects


@dataclass(frozen=True, slots=True)
class Problem:
    dialect: str
    line: str
    what: str


def check_dialect(dialect: Dialect) -> list[Problem]:
    problems: list[Problem] = []
    if not dialect.examples:
        problems.append(Problem(dialect.key, "", "has no examples"))
    for example in dialect.examples:
        got = LogLineParser().parse(example.line, 1)
        if not isinstance(got, LogEvent):
            problems.append(Problem(dialect.key, example.line, f"parsed as {got!r}, not an event"))
            continue
        if got.kind != dialect.key:
            problems.append(Problem(dialect.key, example.line, f"matched {got.kind} instead"))
            continue
        for name, want in example.fields.items():
            if got.fields.get(name) != want:
                problems.append(
                    Problem(
                        dialect.key,
                        example.line,
                        f"field {name}: expected {want!r}, got {got.fields.get(name)!r}",
                    )
                )
    for line in dialect.not_examples:
        got = LogLineParser().parse(line, 1)
        if isinstance(got, LogEvent) and got.kind == dialect.key:
            problems.append(Problem(dialect.key, line, "matched a line it must not match"))
    return problems


def check_all() -> list[Problem]:
    return [p for d in all_dialects() for p in check_dialect(d)]
