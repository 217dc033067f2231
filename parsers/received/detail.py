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
from functools import lru_cache
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


def finder(pattern: re.Pattern[str]) -> Callable[[str], re.Match[str] | None]:
    """``pattern.search``, or ``pattern.match`` when the pattern starts with ``^`` and has no
    top-level ``|``: the same result, but ``search`` would try ``^`` at every character."""
    source, depth, i = pattern.pattern, 0, 0
    if pattern.flags & re.MULTILINE or not source.startswith("^"):
        return pattern.search
    while i < len(source):
        char = source[i]
        if char == "\\":
            i += 1
        elif char == "[":
            i = _class_end(source, i)
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif char == "|" and depth == 0:
            return pattern.search
        i += 1
    return pattern.match


def _class_end(source: str, start: int) -> int:
    """Index of the "]" closing the character class at ``start`` ("[]…]", "[^]…]", "[\\]]")."""
    i = start + 1
    i += source[i : i + 1] == "^"
    i += source[i : i + 1] == "]"
    while i < len(source) and source[i] != "]":
        i += 2 if source[i] == "\\" else 1
    return i


def bits_of(text: str | None) -> int | None:
    if not text:
        return None
    value = int(text[:5])
    return value if 0 < value <= 16384 else None


# A Detail is immutable and building one costs microseconds, while the same few cipher lines
# and user names come back hop after hop: the readers below share them.
_TLS_ONLY = Detail(tls=True)


def tls_only(_: re.Match[str]) -> Detail:
    return _TLS_ONLY


def version_cipher_bits(found: re.Match[str]) -> Detail:
    """The common reading: named groups ``ver``, ``cipher``, ``bits`` (each optional)."""
    groups = found.groupdict()
    return _tls_detail(groups.get("ver"), groups.get("cipher"), groups.get("bits"))


@lru_cache(maxsize=1024)
def _tls_detail(version: str | None, cipher: str | None, bits: str | None) -> Detail:
    return Detail(tls=True, version_raw=version, cipher=cipher, bits=bits_of(bits))


def auth_user(found: re.Match[str]) -> Detail:
    return _auth_detail(found.groupdict().get("user"))


@lru_cache(maxsize=4096)
def _auth_detail(user: str | None) -> Detail:
    return Detail(authenticated=True, auth_user=user.strip("<>") if user else None)
