"""Coverage-guided fuzzing (atheris, libFuzzer) of the line and header parsers: run by
tests/fuzz/test_atheris.py under `make e2e`, bounded in time, or by hand:

    python tests/fuzz/atheris_targets.py logline CORPUS_DIR -max_total_time=60

Targets: ``logline`` (LogLineParser, then the sessioniser, over any bytes as a log line),
``received`` (parse_received over any bytes as a field value), ``headers`` (a message's
header block through message_rows and the chain of custody). A target fails on an exception
(the parsers never raise) or on a password left in a Reject.
"""

from __future__ import annotations

import sys

import atheris

with atheris.instrument_imports():
    from parsers.logline import LogLineParser
    from parsers.received import parse_received
    from parsers.records import LogEvent, Reject
    from parsers.redact import redact
    from pipeline.config import SiteConfig
    from pipeline.ingest.mailbox import MailMessage, OwnServers, message_rows
    from pipeline.sessions.sessioniser import Sessioniser

PARSER = LogLineParser(year=2026)
OWN = OwnServers.of(["mail.example.org", "example.org"])


def logline(data: bytes) -> None:
    line = data.decode("utf-8", "surrogateescape").split("\n", 1)[0]
    record = PARSER.parse(line, 1)
    if isinstance(record, Reject):
        assert record.raw == redact(record.raw), "a Reject kept something to redact"
    elif isinstance(record, LogEvent):
        sessions = Sessioniser(SiteConfig())
        sessions.feed(record, "fuzz.log")
        sessions.flush_stale(everything=True)
        sessions.take_rows()


def received(data: bytes) -> None:
    parse_received(data.decode("utf-8", "surrogateescape"))


def headers(data: bytes) -> None:
    message_rows(MailMessage("fuzz", 0, data), OWN)


TARGETS = {"logline": logline, "received": received, "headers": headers}


def main() -> None:
    target = TARGETS[sys.argv[1]]
    atheris.Setup([sys.argv[0], *sys.argv[2:]], target)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
