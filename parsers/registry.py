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


@cache
def in_scope_literals() -> tuple[str, ...]:
    """Texts of which a raw line must hold one to become a record (a LogEvent or a Reject).

    A record needs a dialect's ``contains`` in the message, and every envelope format but JSON
    keeps the message as a substring of the line; a JSON line (even behind a ``<PRI>``, a Docker
    frame or a compose prefix) holds ``{`` and may escape its message, so ``{`` keeps it. A
    literal that holds a shorter one is dropped: the shorter one already keeps its lines.
    """
    texts = sorted({d.contains for d in all_dialects()}, key=len)
    kept = [t for n, t in enumerate(texts) if not any(shorter in t for shorter in texts[:n])]
    return ("{", *kept)


def may_be_in_scope(line: str, literals: tuple[str, ...]) -> bool:
    """False only for a raw line that cannot become a record (see :func:`in_scope_literals`)."""
    for literal in literals:  # noqa: SIM110 - a plain loop is 2x cheaper than any(generator)
        if literal in line:
            return True
    return False
