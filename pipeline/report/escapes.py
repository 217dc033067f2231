"""Text from logs and headers made safe for where it is shown: a terminal or a text table
(:func:`printable`) and a spreadsheet (:func:`spreadsheet_safe`). Every value a mail log or a
Received field carries was written by whoever connected, so it must print as data, never as
terminal commands or spreadsheet formulas. No pandas here: ``mailtls explain`` imports it.
"""

from __future__ import annotations

import re
from typing import Any, Final

# what must never reach a terminal, a table or a spreadsheet as it is: C0 and C1 controls (ESC
# starts colour, cursor and OSC 8 link sequences; CR rewrites a line), DEL, and the Unicode
# marks that reorder or hide text (bidi overrides and isolates, zero-width, line separators),
# and the lone surrogates that undecodable bytes become (a terminal cannot encode them)
_UNPRINTABLE: Final = re.compile(
    "[\x00-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff\ud800-\udfff]"
)
# what a spreadsheet takes for a formula at the start of a cell (OWASP "CSV injection")
_FORMULA_START: Final = ("=", "+", "-", "@", "\t", "\r")


def printable(text: str) -> str:
    """``text`` with every control or invisible character written as its escape (``\\x1b``,
    ``\\r``, ``\\u202e``): data from a log prints as text, never as terminal commands."""
    return _UNPRINTABLE.sub(_escape, text) if _UNPRINTABLE.search(text) else text


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    named = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
    if char in named:
        return named[char]
    return f"\\x{ord(char):02x}" if ord(char) < 0x100 else f"\\u{ord(char):04x}"


def spreadsheet_safe(value: Any) -> Any:
    """A CSV value a spreadsheet shows as text: a string that starts like a formula gets a
    leading ``'`` (OWASP), and control characters are escaped (a CR would end the row for many
    readers, a NUL cuts it). Numbers, booleans and missing values are left as they are."""
    if not isinstance(value, str):
        return value
    if value.startswith(_FORMULA_START):
        value = "'" + value
    return printable(value)


def printable_lines(text: str) -> str:
    """:func:`printable` for each line of ``text``, its line breaks kept."""
    return "\n".join(printable(line) for line in text.split("\n"))
