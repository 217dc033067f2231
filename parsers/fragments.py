"""Named regular-expression fragments that every dialect builds on.

Each fragment is bounded (no nested unbounded repetition), so a dialect assembled from them
cannot backtrack catastrophically on a hostile line.
"""

from __future__ import annotations

IPV4 = r"(?:\d{1,3}\.){3}\d{1,3}"
IPV6 = r"(?:IPv6:)?[0-9A-Fa-f:.]{2,45}(?:%[\w.]{1,16})?"
IP = rf"(?:{IPV4}|{IPV6})"
HOSTNAME = r"[\w.\-:]{1,253}"
QUEUE_ID = r"(?:[0-9A-F]{6,12}|[0-9B-DF-HJ-NP-TV-Zb-df-hj-np-tv-z]{10,16})"
CIPHER = r"[A-Za-z0-9_\-]{1,64}"
USER = r"[^\s,>]{0,320}"


def named(name: str, fragment: str) -> str:
    """Wrap ``fragment`` in a named group."""
    return f"(?P<{name}>{fragment})"


RE2_MAX_REPEAT = 1000  # the largest {m,n} RE2 (DuckDB's regex engine) accepts


def repeat(item: str, most: int, *, lazy: bool = False) -> str:
    """``item{0,most}`` (lazy: ``{0,most}?``) in pieces of at most RE2's 1000: two greedy (or
    two lazy) runs match exactly the lengths one would, in the same order of preference, so
    ``re`` gives the same matches and RE2 (the DuckDB parser) can run the pattern."""
    pieces = []
    left = most
    while left > 0:
        size = min(left, RE2_MAX_REPEAT)
        pieces.append(f"{item}{{0,{size}}}{'?' if lazy else ''}")
        left -= size
    return "".join(pieces)
