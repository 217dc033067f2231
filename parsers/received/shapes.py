"""Parse each *shape* of Received field once: the same text but for the queue id, the recipient
and the date (``… with ESMTPS id 4Xyz for <ann@example.org>; Mon, 4 Mar 2024 …``).

The id, recipient and date words of a field are replaced by sentinels (``\\x00`` never survives
:func:`~parsers.received.clauses.unfold`, so no real text holds one) and the masked text, the
*key*, is parsed once. Its hop is a template: the hop of any field with that key is the template
with the id, the recipient, the date and ``raw`` put back. That is exactly the full parse when

* each cut-out word is **inert**: no space (the date excepted), none of ``( ) [ ] < > " ; \\``,
  not a clause keyword. Then it cannot open, close or join a comment, a ``[…]``/``<…>``/``"…"``
  word or a clause, so stage 1 splits the field and its key alike (a longer word only makes a
  ``[…]`` span around it longer, never shorter: the sentinels are the shortest words);
* the key's own parse shows each sentinel where the mask meant it (checked once per key): the
  id/recipient sentinel alone in the first word of an ``id``/``for`` clause (the only readers of
  those clauses are the ``id``/``for_`` columns and the ``words`` dialects), the date sentinel
  alone after the last top-level ``;``, in no comment, and no stage-1 problem;
* the field stays within the stage-1 bounds (characters, tokens);
* the ``words`` dialects, which read the words of every clause, read the same in the field as in
  the key: they are run on the field's words (cheap literal prefilters) and compared.

Anything else is parsed in full. A key's template is built the second time the key is met (a
shape seen once costs no more than the full parse), and kept in a bounded LRU.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, fields
from typing import TypeVar

from parsers.received.addresses import is_loopback, parse_from
from parsers.received.clauses import (
    KEYWORDS,
    MAX_CHARS,
    MAX_TOKENS,
    Clause,
    Stamp,
    split_unfolded,
)
from parsers.received.dates import parse_date
from parsers.received.detail import Detail
from parsers.received.hop import ReceivedHop

ID, FOR, DATE, HELO, NOTE = "\x00i", "\x00f", "\x00d", "\x00h", "\x00c"
MEMO_SIZE = 4096
WORD_LIMIT = 320  # longest id / recipient cut out (longer ones stay in the key)
DATE_LIMIT = 128
NOTE_LIMIT = 256
_SPECIAL = re.compile(r'[()\[\]<>";\\]')
_CLOSER = {"<": ">", "[": "]"}
_FIELDS = [f.name for f in fields(ReceivedHop)]
_AT, _RAW, _ID, _FOR, _HELO, _IP, _PORT, _LOCAL = (
    _FIELDS.index(n)
    for n in ("received_at", "raw", "id", "for_", "from_helo", "from_ip", "from_port", "is_local")
)

Reading = tuple[tuple[str, Detail], ...]
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Template:
    values: tuple[object, ...]  # the key's hop, field by field
    words: str  # the words of every clause of the key (sentinels included)
    reading: Reading  # what the words dialects read in them
    tokens: int  # stage-1 tokens of the key
    from_clause: Clause | None  # the key's from-part, when its HELO or first comment was cut
    note_reading: Reading  # what the comment dialects read in the sentinel comment


@dataclass(frozen=True, slots=True)
class Stage:
    """The parse steps the memo reuses (from :mod:`parsers.received.parse`)."""

    parse_unfolded: Callable[[str, str], ReceivedHop]
    hop_of: Callable[[Stamp, str], ReceivedHop]
    words_text: Callable[[Stamp], str]
    read_words: Callable[[str], Reading]
    read_comment: Callable[[str], Reading]
    local_mark: Callable[[str], bool]


@dataclass(frozen=True, slots=True)
class Masked:
    key: str
    id_word: str | None
    for_word: str | None
    date: str | None
    helo: str | None  # the first word of the from-part
    note: str | None  # the first comment of the from-part, normalised as stage 1 does


def inert(word: str, spaces: bool = False) -> bool:
    if not word or (not spaces and " " in word) or _SPECIAL.search(word) is not None:
        return False
    return len(word) > 4 or word.lower() not in KEYWORDS


def mask(text: str) -> Masked | None:
    """The key of ``text`` and the words cut out of it, in one pass from left to right (the
    from-part, then the first " id " and " for " after it, then the date); None when nothing
    can be cut out."""
    if len(text) > MAX_CHARS - 16 or "\x00" in text:
        return None
    semi = text.rfind(";")
    end = semi if semi != -1 else len(text)
    key: list[str] = []
    at = 0
    helo = note = id_word = for_word = date = None
    if text.startswith("from "):
        start, stop = _word_at(text, 5, end)
        helo = _cut(text, start, stop, key, at, HELO)
        if helo is not None:
            at = stop
            after = stop + (text[stop : stop + 1] in ("]", ">"))
            close = text.find(")", after, end) if text.startswith(" (", after) else -1
            if 0 < close - after - 2 <= NOTE_LIMIT and text.find("(", after + 2, close) == -1:
                content = text[after + 2 : close]
                if "\\" not in content and not content.isspace():
                    key += (text[at : after + 2], NOTE)
                    note, at = " ".join(content.split()), close
    for keyword, sentinel in ((" id ", ID), (" for ", FOR)):
        found = text.find(keyword, at, end)
        if found == -1:
            continue
        start, stop = _word_at(text, found + len(keyword), end)
        word = _cut(text, start, stop, key, at, sentinel)
        if word is not None:
            at = stop
            if sentinel == ID:
                id_word = word
            else:
                for_word = word
    if semi != -1:
        stop = text.rfind("(", semi) if text.endswith(")") else len(text)
        span = text[semi + 1 : stop]
        if stop > semi and len(span) <= DATE_LIMIT and inert(span, spaces=True) and span.strip():
            key += (text[at : semi + 1], f" {DATE} ")
            date, at = span, stop
    if at == 0:
        return None
    key.append(text[at:])
    return Masked("".join(key), id_word, for_word, date, helo, note)


def _word_at(text: str, start: int, end: int) -> tuple[int, int]:
    """The word from ``start`` to the next space (or ``end``), inside its ``<>``/``[]``."""
    stop = text.find(" ", start, end)
    stop = end if stop == -1 else stop
    if stop - start > 2 and _CLOSER.get(text[start]) == text[stop - 1]:
        return start + 1, stop - 1
    return start, stop


def _cut(text: str, start: int, stop: int, key: list[str], at: int, sentinel: str) -> str | None:
    """Puts ``text[at:start]`` and ``sentinel`` on ``key`` when the word there is inert."""
    word = text[start:stop]
    if not 0 < stop - start <= WORD_LIMIT or not inert(word):
        return None
    key += (text[at:start], sentinel)
    return word


class ShapeMemo:
    """``parse(text, raw)``: the hop of an unfolded field, through the memo when it can be."""

    def __init__(self, stage: Stage, size: int = MEMO_SIZE) -> None:
        self.stage = stage
        self.size = size
        self.templates: dict[str, Template | None] = {}  # LRU order: the last used last
        self.seen_once: dict[str, None] = {}  # keys met once (most fields have a unique shape)
        self.hits = self.built = 0

    def template(self, key: str) -> Template | None:
        """The key's template, built the second time the key is met (None: parse in full)."""
        templates = self.templates
        if key in templates:
            self.hits += 1
            template = templates[key] = templates.pop(key)
            return template
        if key not in self.seen_once:
            _bounded_put(self.seen_once, key, None, self.size)
            return None
        del self.seen_once[key]
        self.built += 1
        template = self._template(key)
        _bounded_put(templates, key, template, self.size)
        return template

    def parse(self, text: str, raw: str) -> ReceivedHop:
        masked = mask(text)
        template = None if masked is None else self.template(masked.key)
        if masked is None or template is None:
            return self.stage.parse_unfolded(text, raw)
        cut = {ID: masked.id_word, FOR: masked.for_word, HELO: masked.helo}
        words = _put_back(template.words, cut)
        date_words = [w for w in masked.date.split(" ") if w] if masked.date is not None else []
        if (
            template.tokens - (masked.date is not None) + len(date_words) >= MAX_TOKENS
            or self.stage.read_words(words) != template.reading
        ):
            return self.stage.parse_unfolded(text, raw)
        values = list(template.values)
        if masked.helo is not None or masked.note is not None:
            note = masked.note
            if note is not None and self.stage.read_comment(note) != template.note_reading:
                return self.stage.parse_unfolded(text, raw)
            origin = parse_from(_from_clause(template.from_clause, cut, note))
            values[_HELO : _IP + 1] = (origin.helo, origin.rdns, origin.ip)
            values[_PORT] = origin.port
            values[_LOCAL] = (
                values[_LOCAL]
                or is_loopback(origin.ip)
                or (note is not None and self.stage.local_mark(note))
            )
        for index in (_ID, _FOR):
            value = values[index]
            if isinstance(value, str) and "\x00" in value:
                values[index] = _put_back(value, cut)[:WORD_LIMIT]
        if masked.date is not None:
            values[_AT] = parse_date(" ".join(date_words)[:256])
        values[_RAW] = raw
        return ReceivedHop(*values)  # type: ignore[arg-type]  # the fields in order

    def _template(self, key: str) -> Template | None:
        try:
            stamp = split_unfolded(key)
            if not _sentinels_in_place(stamp, key):
                return None
            hop = self.stage.hop_of(stamp, key)
        except Exception:  # the field itself is parsed in full and reports it
            return None
        if hop.from_ip is not None and (HELO in key or NOTE in key):
            return None  # the field's own from-part decides from_ip and with it is_local
        words = self.stage.words_text(stamp)
        return Template(
            values=tuple(getattr(hop, name) for name in _FIELDS),
            words=words,
            reading=self.stage.read_words(words),
            tokens=_token_count(stamp),
            from_clause=stamp.clauses[0] if HELO in key or NOTE in key else None,
            note_reading=self.stage.read_comment(NOTE),
        )


def _bounded_put(table: dict[str, T], key: str, value: T, size: int) -> None:
    table[key] = value
    if len(table) > size:
        del table[next(iter(table))]


def _put_back(text: str, cut: dict[str, str | None]) -> str:
    for sentinel, word in cut.items():
        if word is not None:
            text = text.replace(sentinel, word)
    return text


def _from_clause(clause: Clause | None, cut: dict[str, str | None], note: str | None) -> Clause:
    assert clause is not None  # the template keeps it whenever the from-part was cut
    words = tuple(_put_back(w, cut) for w in clause.words)
    comments = clause.comments
    if note is not None:
        comments = (note, *comments[1:])
    return Clause(clause.keyword, words, comments)


def _sentinels_in_place(stamp: Stamp, key: str) -> bool:
    """Each sentinel of ``key`` stands alone where the mask meant it, and nowhere else."""
    if stamp.problems or (DATE in key) != (stamp.date_text == DATE):
        return False
    first = stamp.clauses[0] if stamp.clauses else None
    for index, comment in enumerate(stamp.all_comments()):
        if "\x00" in comment and not (index == 0 and comment == NOTE):
            return False
    placed = int(
        NOTE in key
        and first is not None
        and first.keyword == "from"
        and first.comments[:1] == (NOTE,)
    )
    for clause in stamp.clauses:
        for index, word in enumerate(clause.words):
            if "\x00" not in word:
                continue
            if index != 0 or (clause.keyword, word) not in _PLACES:
                return False
            placed += 1
    return placed == sum(s in key for s in (ID, FOR, HELO, NOTE))


_PLACES = frozenset(
    (keyword, f"{opener}{sentinel}{_CLOSER.get(opener, '')}")
    for keyword, sentinel in (("id", ID), ("for", FOR), ("from", HELO))
    for opener in ("", "<", "[")
)


def _token_count(stamp: Stamp) -> int:
    count = sum(bool(c.keyword) + len(c.words) + len(c.comments) for c in stamp.clauses)
    if stamp.date_text is not None:
        count += 1 + len([w for w in stamp.date_text.split(" ") if w]) + len(stamp.date_comments)
    return count
