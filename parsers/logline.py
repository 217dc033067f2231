"""One log line in, one record out: a LogEvent, a Reject, or None for out of scope."""

from __future__ import annotations

from datetime import tzinfo

from parsers.dialect import Dialect
from parsers.envelope import EnvelopeParser
from parsers.records import Envelope, LogEvent, Reject
from parsers.redact import redact
from parsers.registry import dialects_for


class LogLineParser:
    """Parses the lines of one file in order (the envelope parser infers years from order)."""

    def __init__(self, *, year: int | None = None, tz: tzinfo | None = None) -> None:
        self.envelopes = EnvelopeParser(year=year, tz=tz)

    def parse(self, line: str, line_no: int = 0) -> LogEvent | Reject | None:
        envelope = self.envelopes.parse(line)
        if envelope is None:
            return None
        return classify(envelope, line, line_no)


def family_and_daemon(program: str) -> tuple[str, str]:
    """``postfix/submission/smtpd`` → (``postfix``, ``smtpd``); ``dovecot`` → (``dovecot``, ``"``)."""
    head, _, rest = program.partition("/")
    family = "postfix" if head.startswith("postfix") else head.lower()
    daemon = rest.rpartition("/")[2] if rest else ""
    return family, daemon


def classify(envelope: Envelope, line: str, line_no: int) -> LogEvent | Reject | None:
    family, daemon = family_and_daemon(envelope.program)
    message = envelope.message
    looked_like: Dialect | None = None
    for dialect in dialects_for(family, daemon):
        if dialect.contains not in message:
            continue
        fields = dialect.match(message)
        if fields is not None:
            return LogEvent(
                dialect.key, envelope.event_at, envelope.host, envelope.program,
                envelope.pid, fields, line_no,
            )
        looked_like = looked_like or dialect
    if looked_like is not None:
        return Reject.of(line_no, looked_like.key, f"looks like {looked_like.key} but does not match its pattern", redact(line))
    return None
