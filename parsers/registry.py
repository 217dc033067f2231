"""Every log dialect, indexed by program family and daemon for a cheap dispatch."""

from __future__ import annotations

from functools import cache

from parsers.dialect import Dialect


@cache
def all_dialects() -> tuple[Dialect, ...]:
    from parsers import dovecot, postfix  # the modules that declare dialects

    found = (*postfix.DIALECTS, *dovecot.DIALECTS)
    keys = [d.key for d in found]
    duplicates = {k for k in keys if keys.count(k) > 1}
    if duplicates:
        raise RuntimeError(f"dialect keys declared twice: {sorted(duplicates)}")
    return found


@cache
def dialects_for(family: str, daemon: str) -> tuple[Dialect, ...]:
    """The dialects that may match a line from this program, most specific first.

    A daemon-less program (``postfix`` as rsyslog's RFC 5424 output shortens it) may be any
    daemon of its family.
    """
    return tuple(
        d
        for d in all_dialects()
        if d.family == family and (not d.daemons or not daemon or daemon in d.daemons)
    )
