"""What every envelope format yields: the parts of a line, with the time still unbuilt."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from typing import NamedTuple

Stamp = Callable[[], datetime | None]


def no_time() -> None:
    """The stamp of a line whose time is missing or cannot exist."""
    return None


class Split(NamedTuple):
    """A line cut into its envelope parts. ``stamp()`` builds the UTC time only when asked, so
    lines no dialect wants never pay for a datetime."""

    stamp: Stamp
    host: str
    program: str
    pid: int | None
    message: str


# Split(…) runs NamedTuple's Python-level __new__; tuple.__new__ builds the same value at half
# the cost, which counts on the hot path (one Split per line that may become a record).
_new_split = tuple.__new__

# "program[pid]: ", "program: ", and rsyslog's colon-less "program[pid] " (RFC 5424 input
# written with the traditional template). The program may hold slashes: postfix/submission/smtpd.
TAG = re.compile(r"([^\s\[\]:]{1,128})(?:\[(\d{1,10})\])?(?::(?: |$)| |$)")
# The common "HOST TAG: " after a stamp, for one-match fast paths: a host of up to 255
# characters (what after_stamp's find allows) that does not end in ":" (Dovecot's host-less
# form), then TAG's "program[pid]: " form. Whatever this refuses takes the general path.
HOST_TAG = r" ([^ ]{0,254}[^ :]) ([^\s\[\]:]{1,128})(?:\[([0-9]{1,10})\])?: "
# Solaris syslog puts "[ID 197553 mail.info] " between the tag and the message.
SOLARIS_ID = re.compile(r"\[ID \d{1,10} [\w.]{1,32}\] ")
# A Dovecot log_path line has no host or tag: "imap-login: Info: …", "auth-worker(57065): Error: …"
DOVECOT_SEVERITY = ("Info: ", "Warning: ", "Error: ", "Fatal: ", "Panic: ", "Debug: ")


def after_stamp(line: str, pos: int, stamp: Stamp) -> Split | None:
    """Read ``HOST TAG: MESSAGE`` (or Dovecot's host-less ``service: Severity: MESSAGE``) from
    ``pos``, the first character after the timestamp's trailing space."""
    space = line.find(" ", pos, pos + 256)
    if space <= pos:
        return None
    host = line[pos:space]
    if host[-1] == ":" and line.startswith(DOVECOT_SEVERITY, space + 1):
        return Split(stamp, "", "dovecot", None, line[pos:])
    return tagged(line, space + 1, stamp, host)


def tagged(line: str, pos: int, stamp: Stamp, host: str) -> Split | None:
    """Read ``TAG: MESSAGE`` from ``pos``."""
    found = TAG.match(line, pos)
    if found is None:
        return None
    program, pid = found.groups()
    return with_message(line, found.end(), stamp, host, program, pid)


def with_message(
    line: str, pos: int, stamp: Stamp, host: str, program: str, pid: str | None
) -> Split:
    """The split whose message starts at ``pos`` (after a Solaris ``[ID …]`` when present)."""
    message = line[pos:]
    if message.startswith("[ID "):
        solaris = SOLARIS_ID.match(message)
        if solaris is not None:
            message = message[solaris.end() :]
    return _new_split(Split, (stamp, host, program, int(pid) if pid else None, message))
