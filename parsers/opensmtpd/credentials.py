"""Credentials that OpenSMTPD writes into its log, and how nothing of the password survives.

OpenSMTPD logs every refused command in full (``smtp failed-command command="…"``; 5.x
``smtp-in: Failed command on session …: "…"``) except during its own AUTH exchange, which it
writes as ``AUTH PLAIN (...)``. A client that sends ``AUTH PLAIN <initial response>`` where AUTH
is not offered (no TLS yet, or before EHLO) is refused with 503, and that command is logged
as sent: the base64 of ``authzid NUL user NUL password``. ``AUTH LOGIN <initial response>``
carries the user name only. A client that goes on after the 503 may send its base64 response on
a line of its own, which is logged as an unknown command.

:func:`auth_command` reads such a command: the mechanism, the user name (decoded), and whether
a password was in it; the password bytes are dropped on the spot and never returned.
:func:`redacted_command` is the text to keep instead of the command.
"""

from __future__ import annotations

import binascii
import re
from dataclasses import dataclass
from typing import Final

from parsers.redact import REDACTED

# "AUTH <mechanism> <initial response>"; the mechanism's own redaction "(...)" is no response
_AUTH: Final = re.compile(
    r"^AUTH[ \t]{1,8}(?P<mechanism>[A-Za-z0-9_-]{1,20})(?:[ \t]{1,8}(?P<response>\S{1,2048}))?[ \t]*$",
    re.IGNORECASE,
)
# a line that is a base64 token only (a client's response sent after a refused AUTH)
_BASE64_ONLY: Final = re.compile(r"^[A-Za-z0-9+/]{8,2048}={0,2}$")
_MAX_USER: Final = 255


@dataclass(frozen=True, slots=True)
class AuthCommand:
    """What a logged AUTH command tells, without its secret."""

    mechanism: str | None  # PLAIN, LOGIN, … upper-cased; None for a bare base64 line
    user_name: str | None  # decoded from the initial response; None when it holds none
    carries_password: bool  # the logged text held a password (now gone)
    carries_credentials: bool  # the logged text held a user name or password (now gone)


def _decode(token: str) -> bytes | None:
    """base64 of a logged token; None when it is not base64. A token cut by the log's line
    limit loses its tail, so decoding stops at the last whole 4-character group."""
    if token == "=" or token.startswith("("):
        return None
    cut = token.rstrip("=")
    whole = len(cut) - len(cut) % 4
    padded = token if len(token) % 4 == 0 else cut[:whole]
    try:
        return binascii.a2b_base64(padded.encode("ascii"))
    except (binascii.Error, UnicodeEncodeError):
        return None


def _user_from_plain(raw: bytes) -> tuple[str | None, bool]:
    """(user name, whether a password follows) of ``authzid NUL authcid NUL password``."""
    parts = raw.split(b"\x00", 2)
    if len(parts) < 3:
        return None, False  # cut before the user name ended: no name rather than a wrong one
    user = parts[1] or parts[0]
    has_password = len(parts) == 3 and bool(parts[2])
    name = user[:_MAX_USER].decode("utf-8", "replace").strip() if user else ""
    return (name or None), has_password


def auth_command(command: str) -> AuthCommand | None:
    """The AUTH command (or bare base64 response line) in a logged command; None when the
    command is neither."""
    text = command.strip()
    match = _AUTH.match(text)
    if match is None:
        if not _BASE64_ONLY.match(text):
            return None
        raw = _decode(text)
        if raw is None or b"\x00" not in raw:
            return None  # a base64-looking word, not a PLAIN response
        user, has_password = _user_from_plain(raw)
        return AuthCommand(None, user, has_password, True)
    mechanism = match["mechanism"].upper()
    response = match["response"]
    if response is None or response.startswith("(") or response == "=":
        return AuthCommand(mechanism, None, False, False)  # none, redacted, or empty (RFC 4954)
    raw = _decode(response)
    if raw is None:
        return AuthCommand(mechanism, None, False, True)
    if mechanism == "PLAIN":
        user, has_password = _user_from_plain(raw)
        return AuthCommand(mechanism, user, has_password, True)
    if mechanism == "LOGIN":
        name = raw[:_MAX_USER].decode("utf-8", "replace").strip()
        return AuthCommand(mechanism, name or None, False, True)
    # any other mechanism's initial response may hold a secret (XOAUTH2 bearer tokens)
    return AuthCommand(mechanism, None, True, True)


def redacted_command(command: str) -> str:
    """``command`` with any credentials it carries replaced by ``<redacted>``."""
    text = command.strip()
    found = auth_command(text)
    if found is None or not found.carries_credentials:
        return command
    if found.mechanism is None:
        return REDACTED
    return f"AUTH {found.mechanism} {REDACTED}"
