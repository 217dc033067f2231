"""Remove passwords from log text before anything keeps or prints it.

Dovecot with ``auth_verbose_passwords`` appends ``(given password: …)`` or ``(SHA1 of given
password: …)`` to auth failures; debug settings print ``password=…`` and the SASL response
``resp=…`` (base64 of the PLAIN credentials), and ``auth_debug_passwords`` compares
``SCHEME(password) != 'stored hash'`` (both are redacted: the hash can be cracked offline). A
password may hold any character, so the parenthesised forms are cut to the last ``)`` (or
``) != '``) of the line, never to the first. Redact before any cut: :func:`redact_cut` for a
line that was cut already (its end, where a password's closing mark would be, is missing).

OpenSMTPD logs a refused command as sent, and a client that sends ``AUTH PLAIN <initial
response>`` where AUTH is not offered leaves the base64 of its user and password there
(``failed-command command="AUTH PLAIN …"``, 5.x ``Failed command on session …: "AUTH PLAIN …"``);
a client that goes on may send the response alone, logged as an unknown command. Any ``AUTH
<mechanism> <response>`` and any failed command that is a lone base64 word lose that word.
"""

from __future__ import annotations

import re
from typing import Final

REDACTED: Final = "<redacted>"

_GIVEN: Final = "given password: "
# key=value credentials: the value runs to the next whitespace or to a closing ">" when bracketed
_KEY_VALUE: Final = re.compile(
    r"\b(?P<key>password|passwd|pass|pwd|resp)=(?:<[^>\n]*>|[^\s]+)", re.IGNORECASE
)
_KEY_HINTS: Final = ("pass", "pwd", "resp")
_MISMATCH: Final = ") != '"
# where a debug comparison's password starts: ": SCHEME(" (schemes are upper case: SHA512-CRYPT,
# BLF-CRYPT, PLAIN-MD5); the earliest one, so a user name shaped like one redacts more, not less
_SCHEME_OPEN: Final = re.compile(r": ([A-Z][A-Z0-9._-]{0,31})\(")
# "AUTH PLAIN <response>": the response, unless it is OpenSMTPD's own "(...)" or empty ("=")
_AUTH_RESPONSE: Final = re.compile(
    r"(?P<head>\bAUTH[ \t]{1,8}[A-Za-z0-9_-]{1,20}[ \t]{1,8})(?!\(\.\.\.\)|=[\s\"]|=$)[^\s\"]{1,4096}",
    re.IGNORECASE,
)
# an OpenSMTPD failed command that is one base64 word (6.x command="…", 5.x : "…" =>)
_BASE64_COMMAND: Final = re.compile(
    r"(?P<head>(?:failed-command command=|Failed command on session [0-9a-fA-F]{1,16}: )\")"
    r"[A-Za-z0-9+/]{8,4096}={0,2}(?=\")"
)
# lower-cased texts one of which a line with such a credential holds ("auth failed, 2 attempts"
# in every Dovecot failure must not send those lines through the patterns)
_AUTH_HINTS: Final = ("failed-command", "failed command", "auth plain", "auth login", "oauth")


def redact(text: str) -> str:
    """``text`` with every password it shows replaced by ``<redacted>``."""
    if "\n" in text:
        return "\n".join(_redact_line(line) for line in text.split("\n"))
    return _redact_line(text)


def may_hold_password(text: str) -> bool:
    """False when :func:`redact` leaves ``text``, and every part of it, unchanged: one cheap test
    over many values at once (a part of ``text`` holds a trigger only if ``text`` does)."""
    if _GIVEN in text or _MISMATCH in text:
        return True
    lowered = text.lower()
    if any(hint in lowered for hint in _AUTH_HINTS):
        return True
    if "=" not in text:
        return False
    return any(hint in lowered for hint in _KEY_HINTS)


def redact_cut(text: str) -> str:
    """:func:`redact` for a line cut at an arbitrary length: a debug comparison whose closing
    ``) != '`` was cut off is redacted from its ``SCHEME(`` on."""
    text = redact(text)
    if "Debug" in text and _MISMATCH not in text:
        found = _SCHEME_OPEN.search(text)
        if found:
            text = text[: found.end()] + REDACTED
    return text


def _redact_line(line: str) -> str:
    separator = line.rfind(_MISMATCH)
    if separator >= 0:
        found = _SCHEME_OPEN.search(line, 0, separator + 1)
        if found:
            line = f"{line[: found.end()]}{REDACTED}{_MISMATCH}{REDACTED}'"
    start = line.find(_GIVEN)
    if start >= 0:
        start += len(_GIVEN)
        end = line.rfind(")")
        line = line[:start] + REDACTED + (line[end:] if end >= start else "")
    lowered = line.lower()
    if "=" in line and any(hint in lowered for hint in _KEY_HINTS):
        line = _KEY_VALUE.sub(lambda m: f"{m['key']}={REDACTED}", line)
    if any(hint in lowered for hint in _AUTH_HINTS):
        line = _AUTH_RESPONSE.sub(lambda m: f"{m['head']}{REDACTED}", line)
        line = _BASE64_COMMAND.sub(lambda m: f"{m['head']}{REDACTED}", line)
    return line
