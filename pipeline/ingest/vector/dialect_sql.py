"""The dialect registry as SQL: each dialect's literal, its RE2 pattern and its group names.

The registry stays the single source of truth: nothing here restates a pattern. A dialect whose
pattern RE2 (DuckDB's regex engine) refuses is read by its Python pattern, line by line, for the
lines that hold its literal (:func:`compiled` says which); ``mailtls dialects --check`` lists
those, so a dialect that slows the fast path shows.

RE2 and Python's ``re`` agree on what a pattern means for printable ASCII text (``\\d``, ``\\w``,
``\\s`` and ``\\b`` are Unicode-aware in ``re``): a message holding anything else is classified
in Python (see :data:`ASCII_ONLY`).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import duckdb

from parsers.dialect import Dialect
from parsers.registry import (
    all_dialects,
    families,
    in_scope_guards,
    in_scope_literals,
    watch_literals,
)

# true for text RE2 reads as ``re`` does: printable ASCII and tabs
ASCII_ONLY = "NOT regexp_matches({0}, '[^\\x20-\\x7e\\t]')"


# dialects whose pattern RE2 cannot run, with why; read line by line in Python. Any other
# dialect RE2 refuses fails ``mailtls dialects --check``.
PER_LINE = {
    "dovecot.login.ok": "look-ahead in the element list (ELEMENTS), possessive Info: prefix",
    "dovecot.login.failed": "look-ahead (?!Login: ) and in ELEMENTS, possessive Info: prefix",
}


@dataclass(frozen=True, slots=True)
class SqlDialect:
    index: int  # position in the registry: the first matching dialect wins
    dialect: Dialect
    pattern: str | None  # RE2 text; None: RE2 refuses it, read in Python
    groups: tuple[str, ...]


def re2_problem(pattern: str) -> str | None:
    """Why RE2 refuses ``pattern``, or None when it compiles."""
    try:
        _connection().execute("SELECT regexp_matches('', ?)", [pattern]).fetchall()
    except duckdb.Error as exc:
        return str(exc).splitlines()[0][:200]
    return None


@cache
def _connection() -> duckdb.DuckDBPyConnection:
    return duckdb.connect()


@cache
def compiled() -> tuple[SqlDialect, ...]:
    found = []
    for index, dialect in enumerate(all_dialects()):
        text = dialect.pattern.pattern
        ok = re2_problem(text) is None
        groups = tuple(dialect.pattern.groupindex)
        found.append(SqlDialect(index, dialect, text if ok else None, groups))
    return tuple(found)


def re2_problems() -> list[tuple[str, str]]:
    """(dialect, problem) for each dialect the fast path cannot run as declared: RE2 refuses a
    pattern not in :data:`PER_LINE`, or RE2 and ``re`` disagree on an example or not-example
    (printable ASCII ones: see :data:`ASCII_ONLY`)."""
    from parsers.envelope import EnvelopeParser

    problems = []
    envelopes = EnvelopeParser(year=2026)
    con = _connection()
    for sql in compiled():
        key = sql.dialect.key
        if sql.pattern is None:
            if key not in PER_LINE:
                reason = re2_problem(sql.dialect.pattern.pattern)
                problems.append((key, f"RE2 refuses the pattern ({reason})"))
            continue
        lines = [e.line for e in sql.dialect.examples] + list(sql.dialect.not_examples)
        for line in lines:
            envelope = envelopes.parse(line)
            message = envelope.message if envelope else line
            if any(not (" " <= ch <= "~" or ch == "\t") for ch in message):
                continue
            python = sql.dialect.pattern.search(message) is not None
            found = con.execute("SELECT regexp_matches(?, ?)", [message, sql.pattern]).fetchall()
            if bool(found[0][0]) != python:
                problems.append((key, f"RE2 and re disagree ({python=}) on: {line}"))
    return problems


def sql_text(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def in_scope_sql(column: str) -> str:
    """SQL true when :func:`parsers.registry.may_be_in_scope` is for ``column``."""
    guards = in_scope_guards()
    terms = []
    for literal in in_scope_literals():
        term = f"contains({column}, {sql_text(literal)})"
        guard = guards.get(literal)
        if guard:
            either = " OR ".join(f"contains({column}, {sql_text(g)})" for g in guard)
            term = f"({term} AND ({either}))"
        terms.append(term)
    return "(" + " OR ".join(terms) + ")"


def watched_sql(column: str) -> str:
    """SQL true when the line holds a literal of a family's watch (parsers.shapes): the
    reference reads such a line in full to count its shape when no dialect reads it."""
    terms = [f"contains({column}, {sql_text(w)})" for w in watch_literals()]
    return "(" + (" OR ".join(terms) or "false") + ")"


def family_sql(column: str) -> str:
    """The first family (in registry order) the line names, as LogLineParser.family_lines
    counts it; NULL for none."""
    cases = " ".join(
        f"WHEN contains({column}, {sql_text(f)}) THEN {sql_text(f)}" for f in families()
    )
    return f"(CASE {cases} END)" if cases else "CAST(NULL AS VARCHAR)"
