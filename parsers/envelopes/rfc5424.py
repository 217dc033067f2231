"""RFC 5424: ``<PRI>1 TIMESTAMP HOST APP-NAME PROCID MSGID STRUCTURED-DATA MSG`` (``-`` = nil).

Two rsyslog habits matter here. Written from a local (RFC 3164) message, APP-NAME is the
``programname`` property, cut at the first ``/`` (``postfix/submission/smtpd`` becomes
``postfix``, and the service is lost), and MSG keeps the space that followed the tag's colon:
one leading space is dropped. A ``<PRI>`` followed by an RFC 3164 header (the raw network form)
is handed back to the caller to read as text.
"""

from __future__ import annotations

import re

from parsers.envelopes.clock import Clock
from parsers.envelopes.split import Split
from parsers.envelopes.text import iso_stamp
from parsers.envelopes.years import YearInference

_HEADER = re.compile(r"<(\d{1,3})>1 (\S{1,64}) (\S{1,255}) (\S{1,48}) (\S{1,128}) (\S{1,32}) ")
_BOM = "\ufeff"


def without_pri(line: str) -> str | None:
    """The rest of ``<PRI>…`` when it is not RFC 5424 (``<22>Mar 14 …``), else None."""
    close = line.find(">", 1, 5)
    if close < 0 or not line[1:close].isdigit() or line.startswith("1 ", close + 1):
        return None
    return line[close + 1 :]


def rfc5424(line: str, clock: Clock, years: YearInference) -> Split | None:
    found = _HEADER.match(line)
    if found is None:
        return None
    _pri, timestamp, host, app, procid, _msgid = found.groups()
    position = structured_data_end(line, found.end())
    if position < 0:
        return None
    message = line[position:]
    if message.startswith(" "):
        message = message[1:]
    if message.startswith(_BOM):
        message = message[1:]
    if message.startswith(" "):
        message = message[1:]  # rsyslog keeps the space after a local tag's colon
    return Split(
        iso_stamp(timestamp, clock, years),
        "" if host == "-" else host,
        "" if app == "-" else app,
        int(procid) if procid.isdigit() and len(procid) <= 10 else None,
        message,
    )


def structured_data_end(line: str, position: int) -> int:
    """The index after STRUCTURED-DATA (``-`` or ``[id k="v" …]…``), or -1 if it is broken.

    A scan rather than a regex: values may hold escaped ``\\"`` and ``\\]``.
    """
    if line.startswith("-", position):
        return position + 1
    end = len(line)
    while position < end and line[position] == "[":
        position += 1
        quoted = False
        while position < end:
            char = line[position]
            if char == "\\" and quoted:
                position += 2
                continue
            if char == '"':
                quoted = not quoted
            elif char == "]" and not quoted:
                break
            position += 1
        if position >= end:
            return -1
        position += 1  # past "]"
    return position
