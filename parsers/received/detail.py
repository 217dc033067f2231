"""Stage 2 building blocks: a TLS-detail dialect is data, like a log dialect.

A :class:`DetailDialect` reads one kind of text of a split Received value — a comment, the
``with`` value, the words of the clauses, or the RFC 8314 ``tls`` clause — with one bounded
pattern, and says what it learned as a :class:`Detail`. It carries real example headers with the
hop fields they must yield, and headers it must not fire on; ``check_dialect`` proves them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Literal

Where = Literal["comment", "with", "words", "tls"]


@dataclass(frozen=True, slots=True)
class Detail:
    """What one dialect read. ``tls`` is only ever True (a comment cannot prove cleartext)."""

    tls: bool | None = None
    version_raw: str | None = None
    cipher: str | None = None
    bits: int | None = None
    authenticated: bool | None = None
    auth_user: str | None = None


@dataclass(frozen=True, slots=True)
class HeaderExample:
    """A real Received value (folding kept) and the hop fields it must yield (a subset)."""

    value: str
    fields: Mapping[str, object] = field(default_factory=dict)
    source: str = ""


@dataclass(frozen=True, slots=True)
class DetailDialect:
    key: str
    writers: str  # the software that writes this form
    where: tuple[Where, ...]
    contains: str  # lower-case literal every matching text holds (the cheap prefilter)
    pattern: re.Pattern[str]
    read: Callable[[re.Match[str]], Detail]
    examples: tuple[HeaderExample, ...]
    not_examples: tuple[str, ...] = ()

    def apply(self, text: str) -> Detail | None:
        if self.contains not in text.lower():
            return None
        found = self.pattern.search(text)
        return None if found is None else self.read(found)


def bits_of(text: str | None) -> int | None:
    if not text:
        return None
    value = int(text[:5])
    return value if 0 < value <= 16384 else None


def tls_only(_: re.Match[str]) -> Detail:
    return Detail(tls=True)


def version_cipher_bits(found: re.Match[str]) -> Detail:
    """The common reading: named groups ``ver``, ``cipher``, ``bits`` (each optional)."""
    groups = found.groupdict()
    return Detail(
        tls=True,
        version_raw=groups.get("ver"),
        cipher=groups.get("cipher"),
        bits=bits_of(groups.get("bits")),
    )


def auth_user(found: re.Match[str]) -> Detail:
    user = found.groupdict().get("user")
    return Detail(authenticated=True, auth_user=user.strip("<>") if user else None)
