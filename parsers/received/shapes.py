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

Anything else is parsed in full. The memo is a bounded LRU of keys (misses included).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, fields
from functools import lru_cache

from parsers.received.clauses import KEYWORDS, MAX_CHARS, MAX_TOKENS, Stamp, split_unfolded
from parsers.received.dates import parse_date
from parsers.received.detail import Detail
from parsers.received.hop import ReceivedHop

ID, FOR, DATE = "\x00i", "\x00f", "\x00d"
MEMO_SIZE = 4096
WORD_LIMIT = 320  # longest id / recipient cut out (longer ones stay in the key)
DATE_LIMIT = 128
_SPECIAL = ("(", ")", "[", "]", "<", ">", '"', ";", "\\")
_FIELDS = [f.name for f in fields(ReceivedHop)]
_AT, _RAW, _ID, _FOR = (_FIELDS.index(n) for n in ("received_at", "raw", "id", "for_"))

Reading = tuple[tuple[str, Detail], ...]


@dataclass(frozen=True, slots=True)
class Template:
    values: tuple[object, ...]  # the key's hop, field by field
    words: str  # the words of every clause of the key (sentinels included)
    reading: Reading  # what the words dialects read in them
    tokens: int  # stage-1 tokens of the key


@dataclass(frozen=True, slots=True)
class Masked:
    key: str
    id_word: str | None
    for_word: str | None
    date: str | None


def inert(word: str, spaces: bool = False) -> bool:
    if not word or (not spaces and " " in word):
        return False
    if any(char in word for char in _SPECIAL):
        return False
    return len(word) > 4 or word.lower() not in KEYWORDS


def mask(text: str) -> Masked | None:
    """The key of ``text`` and the words cut out of it; None when nothing can be cut out."""
    if len(text) > MAX_CHARS - 16 or "\x00" in text:
        return None
    semi = text.rfind(";")
    end = semi if semi != -1 else len(text)
    cuts: list[tuple[int, int, str]] = []
    found = _word_after(text, " id ", end)
    if found is not None:
        cuts.append((*found, ID))
    found = _word_after(text, " for ", end)
    if found is not None:
        start, stop = found
        if text[start] == "<" and text[stop - 1] == ">":
            start, stop = start + 1, stop - 1
        cuts.append((start, stop, FOR))
    if semi != -1:
        stop = text.rfind("(", semi) if text.endswith(")") else len(text)
        if stop != -1 and stop - semi - 1 <= DATE_LIMIT:
            cuts.append((semi + 1, stop, DATE))
    key, at, words = [], 0, {ID: None, FOR: None, DATE: None}  # type: list[str], int, dict[str, str | None]
    for start, stop, sentinel in sorted(cuts):
        word = text[start:stop]
        if start < at or not inert(word, spaces=sentinel == DATE) or not word.strip():
            continue
        key += (text[at:start], f" {sentinel} " if sentinel == DATE else sentinel)
        words[sentinel], at = word, stop
    if at == 0:
        return None
    key.append(text[at:])
    return Masked("".join(key), words[ID], words[FOR], words[DATE])


def _word_after(text: str, keyword: str, end: int) -> tuple[int, int] | None:
    at = text.find(keyword, 0, end)
    if at == -1:
        return None
    start = at + len(keyword)
    stop = text.find(" ", start, end)
    stop = end if stop == -1 else stop
    return (start, stop) if 0 < stop - start <= WORD_LIMIT else None


class ShapeMemo:
    """``parse(text, raw)``: the hop of an unfolded field, through the memo when it can be."""

    def __init__(
        self,
        parse_unfolded: Callable[[str, str], ReceivedHop],
        hop_of: Callable[[Stamp, str], ReceivedHop],
        words_text: Callable[[Stamp], str],
        read_words: Callable[[str], Reading],
        size: int = MEMO_SIZE,
    ) -> None:
        self.parse_unfolded, self.hop_of = parse_unfolded, hop_of
        self.words_text, self.read_words = words_text, read_words
        self.template = lru_cache(maxsize=size)(self._template)

    def parse(self, text: str, raw: str) -> ReceivedHop:
        masked = mask(text)
        if masked is None:
            return self.parse_unfolded(text, raw)
        template = self.template(masked.key)
        if template is None:
            return self.parse_unfolded(text, raw)
        cut = {ID: masked.id_word, FOR: masked.for_word}
        words = template.words
        for sentinel, word in cut.items():
            if word is not None:
                words = words.replace(sentinel, word)
        date_words = [w for w in masked.date.split(" ") if w] if masked.date is not None else []
        if (
            template.tokens - (masked.date is not None) + len(date_words) >= MAX_TOKENS
            or self.read_words(words) != template.reading
        ):
            return self.parse_unfolded(text, raw)
        values = list(template.values)
        for index in (_ID, _FOR):
            value = values[index]
            if isinstance(value, str) and "\x00" in value:
                for sentinel, word in cut.items():
                    if word is not None:
                        value = value.replace(sentinel, word)
                values[index] = value[:WORD_LIMIT]
        if masked.date is not None:
            values[_AT] = parse_date(" ".join(date_words)[:256])
        values[_RAW] = raw
        return ReceivedHop(*values)  # type: ignore[arg-type]  # the fields in order

    def _template(self, key: str) -> Template | None:
        try:
            stamp = split_unfolded(key)
            if not _sentinels_in_place(stamp, key):
                return None
            hop = self.hop_of(stamp, key)
        except Exception:  # the field itself is parsed in full and reports it
            return None
        words = self.words_text(stamp)
        return Template(tuple(getattr(hop, name) for name in _FIELDS), words, self.read_words(words), _token_count(stamp))


def _sentinels_in_place(stamp: Stamp, key: str) -> bool:
    if stamp.problems or any("\x00" in c for c in stamp.all_comments()):
        return False
    if (DATE in key) != (stamp.date_text == DATE):
        return False
    placed = 0
    for clause in stamp.clauses:
        for index, word in enumerate(clause.words):
            if "\x00" not in word:
                continue
            if clause.keyword not in ("id", "for") or index != 0:
                return False
            if word not in (ID, FOR, f"<{FOR}>"):
                return False
            placed += 1
    return placed == (ID in key) + (FOR in key)


def _token_count(stamp: Stamp) -> int:
    count = sum(bool(c.keyword) + len(c.words) + len(c.comments) for c in stamp.clauses)
    if stamp.date_text is not None:
        count += 1 + len([w for w in stamp.date_text.split(" ") if w]) + len(stamp.date_comments)
    return count
