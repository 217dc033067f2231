"""Every log dialect, indexed by program family and daemon for a cheap dispatch."""

from __future__ import annotations

import importlib
import importlib.util
import pkgutil
from collections.abc import Mapping
from functools import cache

from parsers.dialect import Dialect, Watch


@cache
def families() -> tuple[str, ...]:
    """The log families: every subpackage of ``parsers`` with a ``dialects`` module. Adding a
    family is adding its folder; nothing here names one."""
    import parsers

    return tuple(
        sorted(
            info.name
            for info in pkgutil.iter_modules(parsers.__path__)
            if info.ispkg and importlib.util.find_spec(f"parsers.{info.name}.dialects")
        )
    )


@cache
def all_dialects() -> tuple[Dialect, ...]:
    found: tuple[Dialect, ...] = ()
    for family in families():
        found += importlib.import_module(f"parsers.{family}.dialects").DIALECTS
    keys = [d.key for d in found]
    duplicates = {k for k in keys if keys.count(k) > 1}
    if duplicates:
        raise RuntimeError(f"dialect keys declared twice: {sorted(duplicates)}")
    return found


@cache
def program_families() -> Mapping[str, str]:
    """Syslog program names that are a family's although they do not start with its name
    (OpenSMTPD logs as ``smtpd``): a family's dialects module lists them in ``PROGRAMS``."""
    found: dict[str, str] = {}
    for family in families():
        for program in getattr(
            importlib.import_module(f"parsers.{family}.dialects"), "PROGRAMS", ()
        ):
            found[program] = family
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


@cache
def in_scope_guards() -> Mapping[str, tuple[str, ...]]:
    """For a literal that only Postfix dialects of named daemons hold: texts of which a line
    holding the literal must also hold one to become a record.

    Such a dialect reads only a program whose daemon it names (so the line holds the daemon) or
    a daemon-less ``postfix…`` program (see :func:`parsers.logline.family_and_daemon`), so
    ``("postfix", *daemons)`` is exact; it drops Dovecot LMTP's ``Disconnect from`` lines, which
    hold ``connect from `` (a tenth of a busy log), before their envelope is read.
    """
    guards: dict[str, tuple[str, ...]] = {}
    for literal in in_scope_literals():
        users = [d for d in all_dialects() if literal in d.contains]
        if users and all(d.family == "postfix" and d.daemons for d in users):
            guards[literal] = tuple(sorted({"postfix", *(n for d in users for n in d.daemons)}))
    return guards


def may_be_in_scope(
    line: str, literals: tuple[str, ...], guards: Mapping[str, tuple[str, ...]] | None = None
) -> bool:
    """False only for a raw line that cannot become a record (see :func:`in_scope_literals`;
    with ``guards``, :func:`in_scope_guards` too)."""
    for literal in literals:
        if literal in line:
            guard = guards.get(literal) if guards else None
            if guard is None:
                return True
            for text in guard:
                if text in line:
                    return True
    return False


@cache
def watches() -> Mapping[str, Watch]:
    """Each family's :class:`~parsers.dialect.Watch` (``WATCHED`` in its dialects module)."""
    found: dict[str, Watch] = {}
    for family in families():
        watch = getattr(importlib.import_module(f"parsers.{family}.dialects"), "WATCHED", None)
        if watch is not None:
            found[family] = watch
    return found


@cache
def watch_literals() -> tuple[str, ...]:
    return tuple(sorted({literal for w in watches().values() for literal in w.literals}))
