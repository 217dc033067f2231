"""Input files: expand paths, group rotated sets and order them oldest first, open any
compression as a byte stream, and fingerprint content so a renamed or compressed file is known.
"""

from __future__ import annotations

import bz2
import glob
import gzip
import hashlib
import io
import lzma
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO, cast

import zstandard

FINGERPRINT_BYTES = 1024  # of decompressed content; see fingerprint()

# mail.log, mail.log.1, mail.log.2.gz, mail.log-20240101, mail.log-20240101.gz, mail.log.2024-01-01
_ROTATION = re.compile(
    r"^(?P<base>.+?)(?:[.-](?P<stamp>\d{8}|\d{4}-\d\d-\d\d)|\.(?P<number>\d{1,4}))?"
    r"(?P<compression>\.gz|\.bz2|\.xz|\.zst)?$"
)


@dataclass(frozen=True, slots=True)
class SourceFile:
    path: Path
    rotation_set: str  # folder + base name: the files of one log over time
    age: tuple[int, str]  # sort key within the set, larger = older


def expand(paths: Iterable[str]) -> tuple[list[Path], list[str]]:
    """Files named, found below named folders, or matched by globs; and a problem per path
    that matched nothing."""
    found: list[Path] = []
    problems: list[str] = []
    for text in paths:
        candidates = [Path(p) for p in sorted(glob.glob(text, recursive=True))] or [Path(text)]
        matched = False
        for candidate in candidates:
            if candidate.is_dir():
                for root, dirs, files in os.walk(candidate):
                    dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                    found.extend(_resolved_files(root, files))
                matched = True
            elif candidate.is_file():
                found.append(candidate.resolve())
                matched = True
        if not matched:
            problems.append(f"{text}: no such file or directory")
    return list(dict.fromkeys(found)), problems


def _resolved_files(root: str, names: list[str]) -> Iterator[Path]:
    """The visible files of one folder as resolved paths: the folder is resolved once, and only
    a file that is itself a symbolic link on its own (a Maildir holds thousands of files; a
    ``resolve()`` each walks every component of the path again)."""
    folder = Path(root).resolve()
    for name in sorted(names):
        if name.startswith("."):
            continue
        path = folder / name
        yield path.resolve() if path.is_symlink() else path


def rotation_key(path: Path) -> tuple[str, tuple[int, str]]:
    """(set name, age) for a file: ``mail.log.2.gz`` → (``dir/mail.log``, (2, "")) and the live
    ``mail.log`` is age 0. Dated suffixes sort by date, newest youngest."""
    m = _ROTATION.match(path.name)
    assert m is not None  # the pattern matches any name
    base = m["base"]
    if m["number"]:
        age: tuple[int, str] = (int(m["number"]), "")
    elif m["stamp"]:
        # older dates must sort as larger ages: invert the digits
        digits = m["stamp"].replace("-", "")
        age = (1, "".join(str(9 - int(c)) for c in digits))
    else:
        age = (0, "")
    return str(path.parent / base), age


def rotation_sets(paths: Iterable[Path]) -> list[list[SourceFile]]:
    """Files grouped by rotated set, each set ordered oldest first."""
    sets: dict[str, list[SourceFile]] = {}
    for path in paths:
        name, age = rotation_key(path)
        sets.setdefault(name, []).append(SourceFile(path, name, age))
    return [sorted(files, key=lambda f: f.age, reverse=True) for _, files in sorted(sets.items())]


def open_bytes(path: Path) -> BinaryIO:
    """A streaming binary reader of the decompressed content, by the file's magic bytes."""
    raw = path.open("rb")
    head = raw.read(6)
    raw.seek(0)
    if head.startswith(b"\x1f\x8b"):
        return gzip.GzipFile(fileobj=raw)  # type: ignore[return-value]
    if head.startswith(b"BZh"):
        return bz2.BZ2File(raw)  # type: ignore[return-value]
    if head.startswith(b"\xfd7zXZ\x00"):
        return lzma.LZMAFile(raw)  # type: ignore[return-value]
    if head.startswith(b"\x28\xb5\x2f\xfd"):
        reader: BinaryIO = zstandard.ZstdDecompressor().stream_reader(raw, closefd=True)
        return reader
    return raw


def is_compressed(path: Path) -> bool:
    with path.open("rb") as handle:
        head = handle.read(6)
    return head.startswith((b"\x1f\x8b", b"BZh", b"\xfd7zXZ\x00", b"\x28\xb5\x2f\xfd"))


def fingerprint(head: bytes) -> str:
    """Identity of a log's content, independent of its name and compression: a hash of its
    first line (which carries a timestamp and pid), capped at FINGERPRINT_BYTES."""
    first = head[:FINGERPRINT_BYTES].split(b"\n", 1)[0]
    return hashlib.sha256(first).hexdigest()[:32] + f":{len(first)}"


def looks_binary(head: bytes) -> bool:
    """NULs or mostly non-text in the first KiB: not a log (images, databases, archives)."""
    if not head:
        return False
    if b"\x00" in head[:1024]:
        return True
    sample = head[:1024]
    text = sum(1 for b in sample if b in b"\t\n\r" or 32 <= b < 127 or b >= 128)
    return text / len(sample) < 0.9


def read_lines(
    stream: BinaryIO, *, skip_bytes: int = 0, stop: int | None = None, max_line: int = 1 << 20
) -> Iterator[tuple[bytes, int]]:
    """(line without its newline, offset after it), reading in bounded blocks from offset
    ``skip_bytes`` (a line boundary) to ``stop`` (one too, or None: the end). A line longer
    than ``max_line`` is yielded cut to ``max_line`` bytes (the caller rejects it) and the rest
    of it is skipped, so memory stays bounded."""
    if skip_bytes and isinstance(stream, io.BufferedReader):
        stream.seek(skip_bytes)  # a plain file; compressed streams can only be read through
    elif skip_bytes:
        remaining = skip_bytes
        while remaining:
            chunk = stream.read(min(remaining, 1 << 20))
            if not chunk:
                return
            remaining -= len(chunk)
    offset = skip_bytes
    # one buffered reader over any of the decompressors, so readline() is cheap for all
    buffered: Any = (
        stream
        if isinstance(stream, io.BufferedReader)
        else io.BufferedReader(cast(Any, stream), buffer_size=1 << 20)
    )
    while stop is None or offset < stop:
        line = buffered.readline(max_line + 1)
        if not line:
            return
        offset += len(line)
        if len(line) > max_line and not line.endswith(b"\n"):
            # drain the rest of an over-long line
            while True:
                rest = buffered.readline(1 << 20)
                offset += len(rest)
                if not rest or rest.endswith(b"\n"):
                    break
            yield line[:max_line], offset
            continue
        yield line.rstrip(b"\r\n"), offset
