"""Remove passwords from log text before anything keeps or prints it.

Dovecot with ``auth_verbose_passwords`` appends ``(given password: …)`` or ``(SHA1 of given
password: …)`` to auth failures; debug settings print ``password=…`` and the SASL response
``resp=…`` (base64 of the PLAIN credentials). A password may hold any character, so the
parenthesised form is cut to the last ``)`` of the line, never to the first.
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


def redact(text: str) -> str:
    """``text`` with every password it shows replaced by ``<redacted>``."""
    if "\n" in text:
        return "\n".join(_redact_line(line) for line in text.split("\n"))
    return _redact_line(text)


def may_hold_password(text: str) -> bool:
    """False when :func:`redact` leaves ``text``, and every part of it, unchanged: one cheap test
    over many values at once (a part of ``text`` holds a trigger only if ``text`` does)."""
    if _GIVEN in text:
        return True
    if "=" not in text:
        return False
    lowered = text.lower()
    return any(hint in lowered for hint in _KEY_HINTS)


def _redact_line(line: str) -> str:
    start = line.find(_GIVEN)
    if start >= 0:
        start += len(_GIVEN)
        end = line.rfind(")")
        line = line[:start] + REDACTED + (line[end:] if end >= start else "")
    lowered = line.lower()
    if "=" in line and any(hint in lowered for hint in _KEY_HINTS):
        line = _KEY_VALUE.sub(lambda m: f"{m['key']}={REDACTED}", line)
    return line
