"""Stage 1: split any Received value into clauses, comments and the date. Never fails.

A linear scanner (no regular expression over the whole value): comments nest (a depth counter,
not recursion), ``\\`` quotes the next character inside a comment, ``[...]``, ``<...>`` and
``"..."`` keep their spaces inside one word. The date is whatever follows the **last** top-level
``;`` — semicolons inside comments (``(Exim 4.30; FreeBSD)``) do not count. Every size is bounded
so a hostile header costs time proportional to at most ``MAX_CHARS``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MAX_CHARS = 8192  # of the unfolded value; real fields are a few hundred characters
MAX_TOKENS = 512
MAX_COMMENTS = 64  # rspamd's bound too
MAX_DEPTH = 32  # deeper nesting is scanned, but flagged
MAX_DELIMITED = 512  # longest [...] / <...> / "..." kept inside one word
MAX_COMMENT = 1024  # characters of one comment kept for stage 2

KEYWORDS = frozenset({"from", "by", "via", "with", "id", "for", "tls"})
_KEYWORD_LENGTH = max(map(len, KEYWORDS))

_FOLD = re.compile(r"\r?\n[ \t]*|\r")
_NAME = re.compile(r"^[ \t]*(?:x-)?received[ \t]*:", re.IGNORECASE)
_COMMENT_STOP = re.compile(r"[()\\]")
_CIPHER_NAME = re.compile(r"^[A-Z0-9]{2,20}[_-][A-Z0-9_-]{2,60}$")


@dataclass(frozen=True, slots=True)
class Clause:
    """``keyword`` is ``""`` for text before the first keyword, else the lower-cased keyword."""

    keyword: str
    words: tuple[str, ...]
    comments: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Stamp:
    clauses: tuple[Clause, ...]
    date_text: str | None  # words after the last top-level ';' (None: no ';')
    date_comments: tuple[str, ...]  # comments after it: "(UTC)", "(envelope-from …)", TLS notes
    problems: tuple[str, ...]

    def first(self, keyword: str) -> Clause | None:
        for clause in self.clauses:
            if clause.keyword == keyword:
                return clause
        return None

    def all_comments(self) -> tuple[str, ...]:
        return (*(c for clause in self.clauses for c in clause.comments), *self.date_comments)


def unfold(value: str) -> str:
    """The field value on one line: name removed, folding and NULs turned into spaces."""
    text = value[: MAX_CHARS * 2]
    name = _NAME.match(text)
    if name is not None:
        text = text[name.end() :]
    if "\n" in text or "\r" in text:
        text = _FOLD.sub(" ", text)
    return text.replace("\x00", " ").replace("\t", " ").strip()


def split_stamp(value: str) -> Stamp:
    """Clauses, comments and date of a Received value (with or without ``Received:``)."""
    return split_unfolded(unfold(value))


def split_unfolded(text: str) -> Stamp:
    """:func:`split_stamp` of a value :func:`unfold` already returned."""
    problems: list[str] = []
    if len(text) > MAX_CHARS:
        text = text[:MAX_CHARS]
        problems.append("truncated")
    tokens, semicolons = _scan_simple(text) or _scan(text, problems)
    if semicolons:
        head, tail = tokens[: semicolons[-1]], tokens[semicolons[-1] + 1 :]
        if len(semicolons) > 1:
            problems.append("several top-level ';'")
        date_words = [t for kind, t in tail if kind == "w"]
        date_text: str | None = " ".join(date_words)[:256]
        date_comments = tuple(t for kind, t in tail if kind == "c")
    else:
        head, date_text, date_comments = tokens, None, ()
    return Stamp(_clauses(head), date_text, date_comments, tuple(problems))


# One token after optional spaces: a comment without nesting or escapes (most of them), a word
# ([...], <...> and "..." keep their spaces when closed within MAX_DELIMITED and free of "(";
# an opener that is not closed so is a plain character), or one of ( ; ) for the slow path.
_TOKEN = re.compile(
    r" {0,8192}(?:"
    rf"\((?P<c>[^()\\]{{0,{MAX_COMMENT}}})\)"
    r'|(?P<w>(?:[^ ();\[<"]{1,8192}'
    rf'|\[[^\](]{{0,{MAX_DELIMITED - 1}}}\]|<[^>(]{{0,{MAX_DELIMITED - 1}}}>|"[^"(]{{0,{MAX_DELIMITED - 1}}}"'
    r'|[\[<"]){1,8192})'
    r"|(?P<p>[(;)]))"
)


_DELIMITED = re.compile(
    rf'\[[^\]]{{0,{MAX_DELIMITED - 1}}}\]|<[^>]{{0,{MAX_DELIMITED - 1}}}>|"[^"]{{0,{MAX_DELIMITED - 1}}}"'
)
Tokens = tuple[list[tuple[str, str]], list[int]]


def _scan_simple(text: str) -> Tokens | None:
    """:func:`_scan` for the common value with ``str.find`` (a regex costs per character here):
    no escapes, comments nested at most once (Postfix's ``(… (256/256 bits) …)``), no stray
    ')', no [...] / <...> / "..." holding a space or ';', within every bound. Anything else
    returns None and takes the general scanner, which has the problems to report."""
    if "\\" in text:
        return None
    tokens: list[tuple[str, str]] = []
    semicolons: list[int] = []
    pos, comments = 0, 0
    while True:
        start = text.find("(", pos)
        plain = text[pos:start] if start != -1 else text[pos:]
        if ")" in plain or not _words(plain, tokens, semicolons):
            return None
        if start == -1:
            break
        end = _simple_comment_end(text, start)
        comments += 1
        if end == -1 or end - start - 1 > MAX_COMMENT or comments > MAX_COMMENTS:
            return None
        tokens.append(("c", " ".join(text[start + 1 : end].split())))
        pos = end + 1
    return (tokens, semicolons) if len(tokens) < MAX_TOKENS else None


def _simple_comment_end(text: str, start: int) -> int:
    """The ')' closing the comment at ``start`` when its inner comments are not nested; else -1."""
    end = text.find(")", start + 1)
    inner = text.find("(", start + 1, end) if end != -1 else -1
    while inner != -1:
        if text.find("(", inner + 1, end) != -1:
            return -1
        outer = text.find(")", end + 1)
        if outer == -1:
            return -1
        inner, end = text.find("(", end + 1, outer), outer
    return end


def _words(plain: str, tokens: list[tuple[str, str]], semicolons: list[int]) -> bool:
    """Words and ';' of text outside comments; False when a [...] / <...> / "..." keeps a space."""
    if ("[" in plain or "<" in plain or '"' in plain) and any(
        " " in d or ";" in d for d in _DELIMITED.findall(plain)
    ):
        return False
    for word in plain.replace(";", " ; ").split(" "):
        if word == ";":
            semicolons.append(len(tokens))
            tokens.append((";", ";"))
        elif word:
            tokens.append(("w", word))
    return True


def _scan(text: str, problems: list[str]) -> Tokens:
    """Tokens as (kind, text): "w" word, "c" comment, ";" top-level semicolon."""
    tokens: list[tuple[str, str]] = []
    semicolons: list[int] = []
    comments = 0
    i, n = 0, len(text)
    token = _TOKEN.match
    while i < n and len(tokens) < MAX_TOKENS:
        found = token(text, i)
        if found is None:  # only spaces are left
            i = n
            break
        kind = found.lastgroup
        if kind == "w":
            tokens.append(("w", found.group("w")))
            i = found.end()
        elif kind == "c":
            comments += 1
            if comments <= MAX_COMMENTS:
                tokens.append(("c", " ".join(found.group("c").split())))
            i = found.end()
        else:
            i = found.start("p")
            char = text[i]
            if char == "(":
                end, closed, depth = _comment_end(text, i)
                if not closed:
                    problems.append("unclosed comment")
                if depth > MAX_DEPTH:
                    problems.append("comments nested too deep")
                comments += 1
                if comments <= MAX_COMMENTS:
                    tokens.append(
                        ("c", " ".join(text[i + 1 : min(end, i + 1 + MAX_COMMENT)].split()))
                    )
                i = end + 1
            elif char == ";":
                semicolons.append(len(tokens))
                tokens.append((";", ";"))
                i += 1
            else:
                problems.append("stray ')'")
                i += 1
    if i < n:
        problems.append("too many tokens")
    if comments > MAX_COMMENTS:
        problems.append("too many comments")
    return tokens, semicolons


def _comment_end(text: str, start: int) -> tuple[int, bool, int]:
    """Index of the ')' closing the comment opened at ``start`` (or len), closed?, max depth."""
    depth = deepest = 0
    n = len(text)
    found = _COMMENT_STOP.search(text, start)
    while found is not None:
        char, i = found.group(), found.start()
        if char == "\\":
            found = _COMMENT_STOP.search(text, i + 2)
            continue
        if char == "(":
            depth += 1
            deepest = max(deepest, depth)
        else:
            depth -= 1
            if depth == 0:
                return i, True, deepest
        found = _COMMENT_STOP.search(text, i + 1)
    return n, False, deepest


def _clauses(tokens: list[tuple[str, str]]) -> tuple[Clause, ...]:
    out: list[Clause] = []
    keyword, words, comments = "", [], []  # type: str, list[str], list[str]
    for index, (kind, text) in enumerate(tokens):
        if (
            kind == "w"
            and len(text) <= _KEYWORD_LENGTH
            and text.lower() in KEYWORDS
            and _starts_clause(text, tokens, index)
        ):
            if keyword or words or comments:
                out.append(Clause(keyword, tuple(words), tuple(comments)))
            keyword, words, comments = text.lower(), [], []
        elif kind == "w":
            words.append(text)
        elif kind == "c":
            comments.append(text)
    if keyword or words or comments:
        out.append(Clause(keyword, tuple(words), tuple(comments)))
    return tuple(out)


def _starts_clause(word: str, tokens: list[tuple[str, str]], index: int) -> bool:
    """``tls`` opens the RFC 8314 clause only before a cipher-suite name ("over TLS secured …")."""
    if word.lower() != "tls":
        return True
    following = tokens[index + 1] if index + 1 < len(tokens) else None
    return following is not None and following[0] == "w" and bool(_CIPHER_NAME.match(following[1]))
