"""One JSON object per line: ``journalctl -o json``, Docker's json-file driver, mailcow's syslog-ng.

- journald: ``__REALTIME_TIMESTAMP`` (µs since the epoch, a string), ``_HOSTNAME``,
  ``SYSLOG_IDENTIFIER``, ``SYSLOG_PID`` (else ``_PID``), ``MESSAGE`` — a string, an array of byte
  values when it is not UTF-8 (decoded here with ``surrogateescape``, like every input), or null
  when journalctl dropped it (> 4096 bytes without ``--all``). A repeated field is an array.
- Docker json-file: ``{"log": "<line>\\n", "stream": …, "time": RFC 3339}``; the inner line
  carries its own envelope, or just ``tag[pid]: message`` under the container's time.
- mailcow (syslog-ng ``format-json``): ``time`` (epoch seconds), ``program``, ``message``; no host.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import partial

from parsers.envelopes.clock import Clock
from parsers.envelopes.split import Split, no_time, tagged
from parsers.envelopes.text import iso_stamp

Inner = Callable[[str], Split | None]


def json_line(line: str, clock: Clock, inner: Inner) -> Split | None:
    try:
        record = json.loads(line)
    except (ValueError, RecursionError):
        return None
    if not isinstance(record, dict):
        return None
    if "MESSAGE" in record or "__REALTIME_TIMESTAMP" in record:
        return journald(record)
    if "log" in record:
        return docker(record, clock, inner)
    if "program" in record and "message" in record:
        return mailcow(record)
    return None


def journald(record: dict[str, object]) -> Split | None:
    message = _message(record.get("MESSAGE"))
    if message is None:
        return None
    micros = _text(record.get("__REALTIME_TIMESTAMP"))
    stamp = (
        partial(Clock.epoch_us, int(micros)) if micros.isdigit() and len(micros) <= 20 else no_time
    )
    pid = _text(record.get("SYSLOG_PID")) or _text(record.get("_PID"))
    program = _text(record.get("SYSLOG_IDENTIFIER")) or _text(record.get("_COMM"))
    return Split(
        stamp,
        _text(record.get("_HOSTNAME")),
        program,
        int(pid) if pid.isdigit() and len(pid) <= 10 else None,
        message,
    )


def docker(record: dict[str, object], clock: Clock, inner: Inner) -> Split | None:
    text = record.get("log")
    if not isinstance(text, str):
        return None
    text = text.rstrip("\r\n")
    found = inner(text)
    if found is not None:
        return found
    # No envelope of its own: the container's time, no host, then "tag[pid]: message".
    return tagged(text, 0, iso_stamp(_text(record.get("time")), clock), "")


def mailcow(record: dict[str, object]) -> Split | None:
    message = _message(record.get("message"))
    program = _text(record.get("program"))
    if message is None or not program:
        return None
    seconds, _, frac = _text(record.get("time")).partition(".")
    return Split(
        partial(Clock.epoch, seconds, frac), _text(record.get("host")), program, None, message
    )


def _text(value: object) -> str:
    if isinstance(value, list):
        value = value[0] if value else ""
    return value if isinstance(value, str) else ""


def _message(value: object) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, list) and value and all(isinstance(b, int) for b in value):
        try:
            return bytes(value).decode("utf-8", "surrogateescape")
        except ValueError:  # a value outside 0…255
            return None
    if isinstance(value, list) and value and isinstance(value[0], str):
        return value[0]
    return None
