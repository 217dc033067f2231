"""One log line in, one record out: a LogEvent, a Reject, or None for out of scope."""

from __future__ import annotations

from datetime import tzinfo

from parsers.dialect import Dialect
from parsers.envelope import EnvelopeParser
from parsers.envelopes.split import Split
from parsers.records import LogEvent, Reject, new_log_event
from parsers.redact import redact
from parsers.registry import (
    dialects_for,
    families,
    in_scope_guards,
    in_scope_literals,
    may_be_in_scope,
    program_families,
    watch_literals,
    watches,
)
from parsers.shapes import UnknownShapes

_PROGRAM_CACHE_LIMIT = 4096


class LogLineParser:
    """Parses the lines of one file in order (the envelope parser infers years from order).

    The hot path first drops raw lines that hold none of the registry's literals (most of a mail
    log: qmgr, cleanup, postscreen, delivery agents), letting them move only the year
    inference; then it splits the envelope without building its time, runs the dialects of the
    line's program (cached per program name), and builds the UTC time only for the lines that
    become a record. ``prefilter=False`` reads every line in full (same records, slower).
    ``year_state`` is the year inference's (year, month) after the file's earlier lines, for a
    part of a file read on its own.

    With ``shapes``, the lines of a family's watched daemons that no dialect reads are counted
    there by shape (those lines then pass the prefilter and are split), and
    :attr:`family_lines` counts the lines that name each family (what a file without a single
    record is: a Postfix log of an outbound relay is not "not a mail log").
    """

    def __init__(
        self,
        *,
        year: int | None = None,
        tz: tzinfo | None = None,
        prefilter: bool = True,
        year_state: tuple[int, int] | None = None,
        shapes: UnknownShapes | None = None,
    ) -> None:
        self.envelopes = EnvelopeParser(year=year, tz=tz, year_state=year_state)
        self.shapes = shapes
        self.family_lines: dict[str, int] = {}
        self._families = families() if shapes is not None else ()
        self._watched = watch_literals() if shapes is not None else ()
        self._dialects: dict[str, tuple[Dialect, ...]] = {}
        self._literals = in_scope_literals() if prefilter else None
        self._guards = in_scope_guards()
        self._quiet: tuple[str, ...] = ()  # see EnvelopeParser.observe, asked once per split

    def parse(self, line: str, line_no: int = 0) -> LogEvent | Reject | None:
        named = ""
        for family in self._families:
            if family in line:
                self.family_lines[family] = self.family_lines.get(family, 0) + 1
                named = family
                break
        if (
            self._literals is not None
            and not may_be_in_scope(line, self._literals, self._guards)
            and not any(literal in line for literal in self._watched)
        ):
            if not line.startswith(self._quiet):
                self.envelopes.observe(line)
                self._quiet = self.envelopes.years.quiet_starts()
            return None
        split = self.envelopes.split(line)
        # the year state moves only in split(): refresh the starts of lines that cannot move it
        self._quiet = self.envelopes.years.quiet_starts()
        if split is None:
            if named and self.shapes is not None and any(w in line for w in self._watched):
                # a watched line whose envelope (time, host, program) could not be read
                self.shapes.add(named, "(no envelope) " + line, redact(line), line_no)
            return None
        dialects = self._dialects.get(split.program)
        if dialects is None:
            if len(self._dialects) > _PROGRAM_CACHE_LIMIT:
                self._dialects.clear()
            dialects = self._dialects[split.program] = dialects_for(
                *family_and_daemon(split.program)
            )
        if not dialects:
            return None
        record = record_of(dialects, split, line, line_no)
        if record is None and self.shapes is not None:
            family, daemon = family_and_daemon(split.program)
            watch = watches().get(family)
            if watch is not None and watch.covers(daemon, split.message):
                self.shapes.add(family, split.message, redact(line), line_no)
        return record


# Daemons only Postfix has: a fully custom syslog_name ("mx1/smtpd") still reads as Postfix.
_POSTFIX_DAEMONS = frozenset({"smtpd", "smtp", "lmtp", "tlsproxy", "postscreen"})


def family_and_daemon(program: str) -> tuple[str, str]:
    """``postfix/submission/smtpd`` → (``postfix``, ``smtpd``); ``dovecot`` → (``dovecot``, ``"``);
    a program a family names in ``PROGRAMS`` → that family (``smtpd`` → ``opensmtpd``)."""
    head, _, rest = program.partition("/")
    daemon = rest.rpartition("/")[2] if rest else ""
    postfix = head.startswith("postfix") or daemon in _POSTFIX_DAEMONS
    if postfix:
        return "postfix", daemon
    family = head.lower()
    return (program_families().get(family, family) if not rest else family), daemon


def record_of(
    dialects: tuple[Dialect, ...], split: Split, line: str, line_no: int
) -> LogEvent | Reject | None:
    """The event of the first dialect whose pattern matches, its time built only then; else a
    Reject for the dialect, of those whose literal the message held, with the longest literal
    ("disconnect from " says more than "connect from "); else None (out of scope)."""
    message = split.message
    looked_like: Dialect | None = None
    for dialect in dialects:
        if dialect.contains not in message:
            continue
        fields = dialect.match(message)
        if fields is not None:
            return new_log_event(
                dialect.key, split.stamp(), split.host, split.program, split.pid, fields, line_no
            )
        if looked_like is None or len(dialect.contains) > len(looked_like.contains):
            looked_like = dialect
    if looked_like is None:
        return None
    reason = f"looks like {looked_like.key} but does not match its pattern"
    return Reject.of(line_no, looked_like.key, reason, redact(line))
