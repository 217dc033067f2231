"""A log dialect is data: a key, a cheap prefilter, a pattern, and examples that prove it.

Dialects are declared in the modules that know a program (``parsers.postfix.dialects``,
``parsers.dovecot.dialects``) and collected by :mod:`parsers.registry`. The registry test and
``mailtls dialects --check`` walk every example through the full line parser, so a dialect whose
examples do not yield their fields, or that matches a line it must not, fails loudly.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

Fields = dict[str, str | None]


@dataclass(frozen=True, slots=True)
class Example:
    """A real log line and the fields a dialect must yield for it (a subset is enough)."""

    line: str
    fields: Mapping[str, str | None] = field(default_factory=dict)
    source: str = ""  # where the line comes from (a corpus file, the lab, a spec section)


@dataclass(frozen=True, slots=True)
class Dialect:
    """One kind of log line.

    ``family`` is the program family (``postfix``, ``dovecot``); ``daemons`` the last component
    of the syslog tag it comes from (``smtpd``), empty for any. ``contains`` is a literal that
    every matching message holds: it is tested before the pattern, and a message that holds it
    but fails the pattern becomes a Reject rather than being skipped.
    """

    key: str
    family: str
    contains: str
    pattern: re.Pattern[str]
    examples: tuple[Example, ...]
    not_examples: tuple[str, ...] = ()
    daemons: tuple[str, ...] = ()
    derive: Callable[[Fields], Fields] | None = None
    description: str = ""

    def match(self, message: str) -> Fields | None:
        found = self.pattern.search(message)
        if found is None:
            return None
        fields: Fields = found.groupdict()
        if self.derive is not None:
            fields = self.derive(fields)
        return fields


@dataclass(frozen=True, slots=True)
class Watch:
    """The lines of a family whose unrecognised shapes are counted (:mod:`parsers.shapes`): those
    of its ``daemons`` (any, when empty) whose message starts with a match of ``message``. A raw
    line holds one of ``literals`` (the prefilter's test before the envelope is split)."""

    literals: tuple[str, ...]
    daemons: tuple[str, ...] = ()
    message: re.Pattern[str] | None = None

    def covers(self, daemon: str, message: str) -> bool:
        if self.daemons and daemon not in self.daemons:
            return False
        return self.message is None or self.message.match(message) is not None
