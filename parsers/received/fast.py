"""The fast path of :func:`parse_received`: a memo of parsed shapes, the full parser its oracle.

Most Received fields of a mailbox differ from one another only in a few variable parts: the
``from`` word and its first comment (``mx.example.org (mx.example.org [192.0.2.25])``), the
``id``, an ``(envelope-from <…>)`` comment, the ``for`` address and the date. One anchored,
bounded pattern finds those parts; the value with each replaced by a fixed placeholder is the
*shape*, parsed once by the full two-stage parser. A field of a known shape then costs the
pattern, the from-part reading (cached, the full parser's own function) and the date.

The hop so derived equals the full parser's, by construction, when:

- the placeholders came out of the shape's parse as their own tokens in the expected clauses
  (the ``from`` word and first comment, the ``id`` and ``for`` words, the date): the scanner was
  at top level where each variable part sits, so the real value splits the same way;
- the variable parts hold no character the scanner treats specially (the pattern's classes), no
  keyword, and stay within every size bound of stage 1;
- every field of the shape's hop that does not come from a variable part is free of the
  placeholders, and the comment dialects and local marks read the real comments as they read
  the placeholders (checked per field, through the parser's own cached readers);
- no ``words`` dialect literal is in the real words of the clauses.

Anything else — no match, a check that fails, an unusual shape — returns None and the caller
runs the full parser. tests/parsers/received/test_fast.py compares both over every corpus field.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, fields
from typing import Any

from parsers.received.addresses import (
    _DOTTED_QUAD,
    FromPart,
    _from_part,
    canonical_ip,
    is_loopback,
)
from parsers.received.clauses import KEYWORDS, MAX_CHARS, MAX_COMMENTS, MAX_TOKENS, split_unfolded
from parsers.received.dates import parse_date
from parsers.received.hop import ReceivedHop
from parsers.received.parse import (
    _BY_WHERE,
    _SOFTWARE,
    _by_host,
    _local_mark,
    _read,
    parse_unfolded,
    words_text,
)

MEMO_LIMIT = 4096

_WORD = "fpqzword"
_COMMENT = "fpqzcomment"
_BY = "fpqzby"
_BY_COMMENT = "[fpqzbycomment]"
_ID = "fpqzid"
_FOR = "<fpqz@for>"
_ENVELOPE = "envelope-from <fpqz@env>"
_DATE = "fpqzdate"
_MARK = "fpqz"  # in every placeholder, in no real field of the corpus

_ADDRESS = r'<[^\s<>()\[\]";\\]{0,318}>'
_START = re.compile(
    r"from (?P<word>[A-Za-z0-9._:\[\]-]{1,253}) \((?P<comment>[^()\\;<>\"]{1,300})\)"
)
_BY_PART = re.compile(
    r" by (?P<by>[A-Za-z0-9._-]{1,253})(?: \((?P<byc>[0-9A-Fa-f:.%\[\]]{2,64})\))?"
)
_ENVELOPE_LAST = re.compile(rf" \(envelope-from (?P<a1>{_ADDRESS})\)")
_SEP = " {1,32}"  # stage 1 reads a run of spaces as one
_END = re.compile(
    r" id (?P<id>[A-Za-z0-9./+=_-]{1,64})"
    r"(?P<via>(?: via [A-Za-z]{1,32}(?: [A-Za-z]{1,32}){0,3})?)"
    rf"(?:{_SEP}\(envelope-from (?P<a2>{_ADDRESS})\)|{_SEP}\((?P<mid>[^()\\;]{{0,160}})\))?"
    rf"(?:{_SEP}for (?P<for>{_ADDRESS}|[^\s<>()\[\]\";\\]{{1,320}}))?"
    rf"(?:{_SEP}\((?P<after>[^()\\;]{{0,128}})\))?"
    r" {0,32}; {0,32}(?P<date>[A-Za-z0-9 ,:+.-]{1,80}?)"
    rf"(?:{_SEP}\((?P<tail>[^()\\;]{{0,64}})\))?"
)
_FIELDS = tuple(f.name for f in fields(ReceivedHop))
_AT = {name: index for index, name in enumerate(_FIELDS)}
_RECEIVED_AT, _FROM_HELO, _FROM_RDNS, _FROM_IP, _FROM_PORT = (
    _AT[name] for name in ("received_at", "from_helo", "from_rdns", "from_ip", "from_port")
)
_BY_HOST, _IS_LOCAL, _ID_AT, _FOR_AT, _RAW = (
    _AT[name] for name in ("by_host", "is_local", "id", "for_", "raw")
)
_WORDS_LITERALS = tuple(contains for _, contains, _, _ in _BY_WHERE["words"])


@dataclass(frozen=True, slots=True)
class Shape:
    """A parsed shape: its hop, and what the derivation of a real field's hop needs from it."""

    hop: ReceivedHop
    from_words: tuple[str, ...]  # the from clause's words 2-4 and comments 2-4 (the first of
    from_comments: tuple[str, ...]  # each is a placeholder)
    by_words: tuple[str, ...]  # the by clause's second word (the first is the placeholder)
    words: str  # the words of the clauses, placeholders in
    values: tuple[Any, ...]  # the hop's fields in order, for a positional copy


_memo: dict[str, Shape | None] = {}


def fast_parse(text: str) -> ReceivedHop | None:
    """The hop of an unfolded value when its shape is known (or can be learned); else None."""
    if (
        _MARK in text.lower()
        or len(text) > MAX_CHARS // 2
        or text.count(" ") + 2 * (text.count("(") + text.count(";")) + 8 > MAX_TOKENS
        or text.count("(") > MAX_COMMENTS - 2
    ):
        return None
    found = _parts(text)
    if found is None:
        return None
    words = (found["word"], found["id"], found["by"], found["for"] or "")
    if any(word.lower() in KEYWORDS for word in words):
        return None
    key = _key(found)
    if key in _memo:
        shape = _memo[key]
    else:
        if len(_memo) >= MEMO_LIMIT:
            _memo.clear()
        shape = _memo[key] = _learn(key, found)
    if shape is None:
        return None
    return _derive(shape, found, text)


Parts = dict[str, Any]  # str, or None for a part that is absent


def _parts(text: str) -> Parts | None:
    """The variable parts and the literal text between them, or None: ``from word (comment)``,
    then everything up to the first ``by word [(address)]``, then everything up to `` id …``
    (less an ``(envelope-from <…>)`` at its end), then the id, via, envelope, for, one comment,
    the only ``;`` and the date with one comment. Anchored patterns and ``str.find``: one
    pattern scanning the whole value for these boundaries costs ten times more."""
    if text.count(";") != 1 or "\\" in text:
        return None
    start = _START.match(text)
    if start is None:
        return None
    at = text.find(" by ", start.end())
    by = _BY_PART.match(text, at) if at != -1 else None
    if by is None:
        return None
    at, end = text.find(" id ", by.end()), None
    while at != -1 and (end := _END.fullmatch(text, at)) is None:
        at = text.find(" id ", at + 1)
    if end is None:
        return None
    post, a1 = text[by.end() : at], None
    envelope = post.rfind(" (envelope-from <")
    if envelope != -1 and (last := _ENVELOPE_LAST.fullmatch(post, envelope)) is not None:
        post, a1 = post[:envelope], last.group("a1")
    parts: Parts = {
        **start.groupdict(),
        "pre": text[start.end() : by.start()],
        **by.groupdict(),
        "post": post,
        "a1": a1,
        **end.groupdict(),
    }
    return parts


def _key(found: Parts) -> str:
    env = f" ({_ENVELOPE})"
    return (
        f"from {_WORD} ({_COMMENT}){found['pre']} by {_BY}"
        f"{f' ({_BY_COMMENT})' if found['byc'] else ''}{found['post']}"
        f"{env if found['a1'] else ''} id {_ID}{found['via']}"
        f"{env if found['a2'] else ''}{_comment(found['mid'])}"
        f"{' for ' + _FOR if found['for'] else ''}{_comment(found['after'])}"
        f"; {_DATE}{_comment(found['tail'])}"
    )


def _comment(inner: str | None) -> str:
    return "" if inner is None else f" ({inner})"


def _learn(key: str, found: Parts) -> Shape | None:
    """The shape's parse, or None when the placeholders did not land where the derivation
    assumes (then every field of this shape takes the full parser)."""
    stamp = split_unfolded(key)
    hop = parse_unfolded(key, key)
    lead = stamp.clauses[0] if stamp.clauses else None
    id_clause, for_clause, by = stamp.first("id"), stamp.first("for"), stamp.first("by")
    masked = (_COMMENT, _ENVELOPE, _BY_COMMENT)
    if (
        stamp.problems
        or hop.problems
        or lead is None
        or lead.keyword != "from"
        or lead.words[:1] != (_WORD,)
        or lead.comments[:1] != (_COMMENT,)
        or _COMMENT in lead.comments[1:]
        or by is None
        or by.words[:1] != (_BY,)
        or by.comments[:1] != ((_BY_COMMENT,) if found["byc"] else by.comments[:1])
        or sum(c == _BY_COMMENT for c in stamp.all_comments()) != bool(found["byc"])
        or id_clause is None
        or id_clause.words != (_ID,)
        or (for_clause is not None) != bool(found["for"])
        or (for_clause is not None and for_clause.words != (_FOR,))
        or stamp.date_text != _DATE
        or sum(c == _ENVELOPE for c in stamp.all_comments())
        != bool(found["a1"]) + bool(found["a2"])
        or not _placeholders_only_where_derived(hop)
        or any(literal in words_text(stamp).lower() for literal in _WORDS_LITERALS)
    ):
        return None
    placeholder_from = _from_part(lead.words[:4], lead.comments[:4])
    if (
        _loopback(placeholder_from.ip)
        or any(_local_mark(c) or _read("comment", c) for c in masked)
        or _software_like(_BY_COMMENT)
    ):
        return None
    return Shape(
        hop,
        lead.words[1:4],
        lead.comments[1:4],
        by.words[1:2],  # all that _by_host reads after the first
        words_text(stamp),
        tuple(getattr(hop, name) for name in _FIELDS),
    )


def _software_like(comment: str) -> bool:
    """What ``_software`` would take for the ``by_software`` column (it reads by comments)."""
    return (
        "[" not in comment
        and "=" not in comment
        and _SOFTWARE.match(comment) is not None
        and canonical_ip(comment) is None
    )


def _placeholders_only_where_derived(hop: ReceivedHop) -> bool:
    derived = {
        "from_helo", "from_rdns", "from_ip", "from_port", "by_host", "is_local", "id", "for_",
        "received_at", "raw",
    }  # fmt: skip
    for name in ReceivedHop.__slots__:
        value = getattr(hop, name)
        if name in derived:
            continue
        values = value if isinstance(value, tuple) else (value,)
        if any(isinstance(v, str) and _MARK in v.lower() for v in values):
            return False
    return hop.id == _ID and hop.for_ in (None, _FOR)


def _derive(shape: Shape, found: Parts, text: str) -> ReceivedHop | None:
    comment = " ".join(found["comment"].split())
    envelopes = [f"envelope-from {found[g]}" for g in ("a1", "a2") if found[g] is not None]
    by_comment = found["byc"]
    for real in (comment, *envelopes):
        if _read("comment", real) or _local_mark(real):
            return None
    if by_comment is not None and (
        _read("comment", by_comment) or _local_mark(by_comment) or _software_like(by_comment)
    ):
        return None
    word, ident, for_, by = found["word"], found["id"], found["for"], found["by"]
    words = shape.words.replace(_WORD, word, 1).replace(_BY, by, 1).replace(_ID, ident, 1)
    if for_ is not None:
        words = words.replace(_FOR, for_, 1)
    lowered = words.lower()
    if any(literal in lowered for literal in _WORDS_LITERALS):
        return None
    origin: FromPart = _from_part((word, *shape.from_words), (comment, *shape.from_comments))
    values = list(shape.values)
    values[_RECEIVED_AT] = parse_date(" ".join(found["date"].split())[:256])
    values[_FROM_HELO] = origin.helo
    values[_FROM_RDNS] = origin.rdns
    values[_FROM_IP] = origin.ip
    values[_FROM_PORT] = origin.port
    values[_BY_HOST] = _by_host((by, *shape.by_words))
    values[_IS_LOCAL] = (
        shape.hop.is_local
        or _loopback(origin.ip)
        or by.lower() in ("localhost", "localhost.localdomain")
    )
    values[_ID_AT] = ident[:320]
    if for_ is not None and shape.hop.for_ == _FOR:
        values[_FOR_AT] = for_[:320]
    values[_RAW] = text
    return ReceivedHop(*values)


def _loopback(ip: str | None) -> bool:
    """``is_loopback``, without ``ipaddress`` for the dotted quads ``canonical_ip`` returns."""
    if ip is not None and _DOTTED_QUAD.fullmatch(ip):
        return ip.startswith("127.")
    return is_loopback(ip)
