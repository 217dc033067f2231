"""A message's header block (bytes) and the few fields mailtls reads from it.

Values are unfolded (line breaks removed, the folding white space kept) and decoded as UTF-8,
falling back to Latin-1 per field: every byte survives, and the result always encodes to the
UTF-8 that Parquet needs. Received values are never RFC 2047-decoded.
"""

from __future__ import annotations

import email.utils
import re
from dataclasses import dataclass, field
from datetime import datetime

from parsers.received.dates import parse_date

_NAME_BYTES = bytes(range(ord("!"), ord("~") + 1))
_FIELD_NAME = re.compile(rb"^[A-Za-z][A-Za-z0-9-]{0,75}$")
# Names that only a message's header has; a log line may start with any "word:" ("dovecot:
# pop3-login: …", "postfix/smtpd[1]: …"), so the first line alone says nothing.
_REAL_HEADER_NAMES = frozenset(
    (
        b"received", b"return-path", b"message-id", b"date", b"from", b"delivered-to",
        b"x-original-to", b"dkim-signature", b"arc-seal", b"authentication-results",
        b"mime-version", b"subject", b"to", b"x-received", b"received-spf",
    )
)  # fmt: skip
_MESSAGE_ID = re.compile(r"<[^<>\s]{1,990}>")
# The common From: forms whose first address getaddresses would return unchanged
_PLAIN_ADDRESS = re.compile(
    r"^<?([\w+=-]{1,64}(?:\.[\w+=-]{1,64}){0,8}@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63}){0,8})>?$",
    re.ASCII,
)
VALUE_LIMIT = 998 * 4
# The fields the accessors below read: the others are never unfolded or decoded
READ_FIELDS = frozenset({"received", "message-id", "from", "date"})


@dataclass(frozen=True, slots=True)
class MailMessage:
    """One message as read: where it is and its header block (the body is never read)."""

    source_file: str
    offset: int  # byte offset of the message (its "From " line in an mbox) in the decompressed file
    header: bytes
    _fields: list[tuple[str, str]] | None = field(
        default=None, init=False, repr=False, compare=False
    )

    def fields(self) -> list[tuple[str, str]]:
        """Split and decoded once per message: every accessor below reads them."""
        if self._fields is None:
            object.__setattr__(self, "_fields", header_fields(self.header, READ_FIELDS))
        return self._fields  # type: ignore[return-value]  # set just above

    def received_values(self) -> list[str]:
        """The Received field values, top (newest) first."""
        return [value for name, value in self.fields() if name == "received"]

    def message_id(self) -> str | None:
        value = self._first("message-id")
        if value is None:
            return None
        found = _MESSAGE_ID.search(value)
        return found.group(0) if found else (value.strip()[:VALUE_LIMIT] or None)

    def header_from(self) -> str | None:
        """The first address of ``From:`` (``a@b``), else its trimmed text."""
        value = self._first("from")
        if value is None:
            return None
        plain = _PLAIN_ADDRESS.match(value)
        if plain is not None and (value[0] == "<") == (value[-1] == ">"):
            return plain.group(1)[:320]
        addresses = [address for _, address in email.utils.getaddresses([value]) if address]
        return addresses[0][:320] if addresses else (value.strip()[:320] or None)

    def date(self) -> datetime | None:
        return parse_date(self._first("date"))

    def _first(self, name: str) -> str | None:
        for field_name, value in self.fields():
            if field_name == name:
                return value
        return None


def decode(value: bytes) -> str:
    try:
        return value.decode("utf-8")
    except UnicodeDecodeError:
        return value.decode("latin-1")


def header_fields(block: bytes, only: frozenset[str] | None = None) -> list[tuple[str, str]]:
    """(lower-cased name, unfolded decoded value) of every field, in order; with ``only``, of
    the fields so named (the others are split off as before but never joined or decoded)."""
    fields: list[tuple[str, list[bytes]]] = []
    parts: list[bytes] | None = None  # the lines of the field being read, None when skipped
    for line in block.splitlines():
        if line[:1] in (b" ", b"\t"):
            if parts is not None:
                parts.append(line)
            continue
        colon = line.find(b":", 0, 77)
        # the name is 1-76 printable ASCII characters, no space (":" cannot be in it: the first)
        if colon < 1 or line[:colon].translate(None, _NAME_BYTES):
            continue  # an mbox "From " line or a broken line: not a field
        name = line[:colon].decode("ascii").lower()
        if only is not None and name not in only:
            parts = None
            continue
        parts = [line[colon + 1 :]]
        fields.append((name, parts))
    return [(name, decode(b"".join(parts)[:VALUE_LIMIT]).strip()) for name, parts in fields]


def looks_like_message(head: bytes) -> bool:
    """The start of a file is a header block (after an mbox ``From `` line) that names a field
    only mail has (``Received``, ``Return-Path``, ``Message-ID``, ``Date``, ``From``, …) before
    its first line that is not a header field."""
    lines = head.lstrip(b"\r\n").split(b"\n")
    if len(lines) > 1:
        lines.pop()  # the head may cut its last line
    if lines and lines[0].startswith(b"From "):
        lines.pop(0)
    for line in lines:
        line = line.rstrip(b"\r")
        if not line:
            return False  # the header ended without a mail field
        if line[:1] in (b" ", b"\t"):
            continue  # a folded line of the field before
        name, colon, _ = line.partition(b":")
        if not colon or not _FIELD_NAME.match(name):
            return False
        if name.lower() in _REAL_HEADER_NAMES:
            return True
    return False
