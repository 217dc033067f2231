"""``parse_received``: stage 1 (clauses) + keyword sense + stage 2 (TLS-detail dialects).

TLS comes from the keyword **and** the comments: a comment can only add evidence of TLS (a Sendmail
8.14 ``ESMTP`` hop with ``(version=… cipher=…)`` was encrypted), a keyword without ``S`` says
cleartext, an unknown keyword says nothing.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from functools import lru_cache
from typing import TypeVar

from parsers.received.addresses import canonical_ip, is_loopback, parse_from
from parsers.received.clauses import Clause, Stamp, split_unfolded, unfold
from parsers.received.dates import parse_date
from parsers.received.detail import Detail, Where, finder
from parsers.received.hop import ReceivedHop
from parsers.received.keywords import sense_of
from parsers.received.registry import DIALECTS
from parsers.vocab import security_of, version_with_source

T = TypeVar("T")
RAW_LIMIT = 8192
WORDS_LIMIT = 2048
_SOFTWARE = re.compile(r"[A-Za-z]")
_LOCAL_MARKS = re.compile(
    r"\[local\]|\[unix socket\]|from userid \d|invoked by uid|invoked for bounce", re.IGNORECASE
)


def parse_received_full(value: str) -> ReceivedHop:
    """:func:`parsers.received.parse_received` without the fast path: the oracle of the fast
    path, and what every field it is not sure of takes."""
    text = unfold(_clean(value))
    raw = text[:RAW_LIMIT]
    try:
        return parse_unfolded(text, raw)
    except Exception as exc:  # a bug must cost one hop, not the ingest run
        return _failed(raw, f"internal error: {type(exc).__name__}")


def parse_unfolded(text: str, raw: str) -> ReceivedHop:
    return hop_of(split_unfolded(text), raw)


def hop_of(stamp: Stamp, raw: str) -> ReceivedHop:
    """Everything after stage 1: the hop a split value yields."""
    origin = parse_from(stamp.first("from") or _from_in_comment(stamp))
    by = stamp.first("by")
    withs = [c for c in stamp.clauses if c.keyword == "with"]
    with_texts = [" ".join(w for w in c.words if w.strip(",;")) for c in withs]
    with_raw = with_texts[0][:128] or None if withs else None
    senses = [sense_of(text) for text in with_texts]
    sense = senses[0] if senses else sense_of(None)
    keyword_tls = True if any(s.tls for s in senses) else sense.tls
    details, keys = _details(stamp, with_raw)

    comment_tls = any(d.tls for d in details)
    tls = True if comment_tls else keyword_tls
    version_raw = _first(d.version_raw for d in details)
    cipher = _first(d.cipher for d in details)
    bits = _first(d.bits for d in details)
    version, source = version_with_source(version_raw, cipher) if tls else (None, None)
    comment_auth = any(d.authenticated for d in details)
    authenticated = True if comment_auth else sense.authenticated
    local = (
        sense.is_local
        or is_loopback(origin.ip)
        or (
            by is not None
            and bool(by.words)
            and by.words[0].lower() in ("localhost", "localhost.localdomain")
        )
        or any(map(_local_mark, stamp.all_comments()))
    )
    return ReceivedHop(
        received_at=parse_date(stamp.date_text),
        from_helo=origin.helo,
        from_rdns=origin.rdns,
        from_ip=origin.ip,
        by_host=_by_host(by.words if by is not None else ()),
        with_protocol=with_raw.upper() if with_raw else None,
        with_raw=with_raw,
        tls=tls,
        tls_version=version,
        tls_version_source=source,
        tls_cipher=cipher if tls else None,
        tls_bits=bits if tls else None,
        authenticated=authenticated,
        auth_user=_first(d.auth_user for d in details),
        is_local=local,
        security=security_of(tls, version),
        dialect="+".join(keys) or ("keyword" if keyword_tls is not None else "none"),
        parse_ok=_parse_ok(stamp),
        raw=raw,
        tls_evidence=_evidence(keyword_tls is True, comment_tls, keyword_tls is False),
        auth_evidence=_evidence(
            sense.authenticated is True, comment_auth, sense.authenticated is False
        ),
        from_port=origin.port,
        by_software=_software(stamp),
        id=_word(stamp, "id"),
        for_=_word(stamp, "for"),
        via=_word(stamp, "via", whole=True),
        problems=stamp.problems,
    )


@lru_cache(maxsize=8192)
def _local_mark(comment: str) -> bool:
    return _LOCAL_MARKS.search(comment) is not None


def _by_host(words: tuple[str, ...]) -> str | None:
    """The first word, unless a product name precedes the host ("by Barricade gw.foobar.com")."""
    if not words:
        return None
    if len(words) > 1 and "." not in words[0] and ":" not in words[0] and "." in words[1]:
        return words[1].rstrip(".,;") or None
    return words[0].rstrip(".,;") or None


def _from_in_comment(stamp: Stamp) -> Clause | None:
    """Sendmail's ``(from user@localhost) by …``: a from-part written as the leading comment."""
    lead = stamp.clauses[0] if stamp.clauses else None
    if (
        lead is None
        or lead.keyword
        or not lead.comments
        or not lead.comments[0].startswith("from ")
    ):
        return None
    name, _, rest = lead.comments[0][5:].partition(" ")
    return Clause("from", (name,), (rest,) if rest else ())


def _texts(stamp: Stamp, with_raw: str | None) -> list[tuple[Where, str]]:
    texts: list[tuple[Where, str]] = [("comment", c) for c in stamp.all_comments()]
    if with_raw:
        texts.append(("with", with_raw))
    texts.append(("words", words_text(stamp)[:WORDS_LIMIT]))
    tls_clause = stamp.first("tls")
    if tls_clause is not None and tls_clause.words:
        texts.append(("tls", tls_clause.words[0]))
    return texts


def words_text(stamp: Stamp) -> str:
    """The words of every clause (keywords left out), as the ``words`` dialects read them."""
    return " ".join(w for clause in stamp.clauses for w in clause.words)


def _details(stamp: Stamp, with_raw: str | None) -> tuple[list[Detail], list[str]]:
    """Every text through every dialect that reads its kind (Courier's one comment holds both
    ``AUTH:`` and ``TLS:``); the patterns that could read the same text exclude each other."""
    details: list[Detail] = []
    keys: list[str] = []
    for where, text in _texts(stamp, with_raw):
        for key, detail in _read(where, text):
            details.append(detail)
            if key not in keys:
                keys.append(key)
    return details, keys


def _read_uncached(where: Where, text: str) -> tuple[tuple[str, Detail], ...]:
    """What the dialects of ``where`` read in one text: the text is lower-cased once and a
    dialect's regex runs only when its literal is in it."""
    lowered = text.lower()
    found_all = []
    for key, contains, find, read in _BY_WHERE[where]:
        if contains in lowered:
            found = find(text)
            if found is not None:
                found_all.append((key, read(found)))
    return tuple(found_all)


# "(Postfix)", "(using TLSv1.3 …)", "(UTC)" come back in every message
_read = lru_cache(maxsize=8192)(_read_uncached)


_Reader = tuple[
    str, str, Callable[[str], "re.Match[str] | None"], Callable[["re.Match[str]"], Detail]
]
_BY_WHERE: dict[str, tuple[_Reader, ...]] = {
    where: tuple(
        (d.key, d.contains, finder(d.pattern), d.read) for d in DIALECTS if where in d.where
    )
    for where in ("comment", "with", "words", "tls")
}


def _first(values: Iterable[T | None]) -> T | None:
    for value in values:
        if value is not None:
            return value
    return None


def _evidence(keyword: bool, comment: bool, keyword_says_no: bool) -> str | None:
    if keyword and comment:
        return "keyword+comment"
    if comment:
        return "comment"
    if keyword or keyword_says_no:
        return "keyword"
    return None


def _parse_ok(stamp: Stamp) -> bool:
    structural = {"truncated", "unclosed comment", "too many tokens", "comments nested too deep"}
    if structural & set(stamp.problems):
        return False
    return bool(stamp.clauses) or stamp.date_text is not None


def _software(stamp: Stamp) -> str | None:
    for keyword in ("by", "with"):
        clause = stamp.first(keyword)
        if clause is None:
            continue
        for comment in clause.comments:
            if (
                "[" not in comment
                and "=" not in comment
                and _SOFTWARE.match(comment)
                and canonical_ip(comment) is None
            ):
                return comment[:128]
    return None


def _word(stamp: Stamp, keyword: str, *, whole: bool = False) -> str | None:
    clause = stamp.first(keyword)
    if clause is None or not clause.words:
        return None
    return (" ".join(clause.words) if whole else clause.words[0])[:320]


def _clean(value: object) -> str:
    """A str that encodes as UTF-8 (lone surrogates from a lax decoder become U+FFFD)."""
    text = value if isinstance(value, str) else str(value)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        text = text.encode("utf-8", "surrogatepass").decode("utf-8", "replace")
    return text


def _failed(raw: str, reason: str) -> ReceivedHop:
    return ReceivedHop(
        received_at=None,
        from_helo=None,
        from_rdns=None,
        from_ip=None,
        by_host=None,
        with_protocol=None,
        with_raw=None,
        tls=None,
        tls_version=None,
        tls_version_source=None,
        tls_cipher=None,
        tls_bits=None,
        authenticated=None,
        auth_user=None,
        is_local=False,
        security="unknown",
        dialect="none",
        parse_ok=False,
        raw=raw,
        problems=(reason,),
    )
