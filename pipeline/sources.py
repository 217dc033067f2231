"""Input files: expand PATHs, group rotated sets oldest first, open any compression as a stream.

Nothing here holds a whole file: streams are read in chunks, lines are yielded one by one, and
a line longer than :data:`MAX_LINE` is skipped (and reported) rather than accumulated.
"""

from __future__ import annotations

import bz2
import glob
import io
import lzma
import re
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, BinaryIO, Final, Protocol, cast

import zstandard

CHUNK: Final = 1 << 20
_INPUT_CHUNK: Final = 1 << 16  # compressed bytes per step: bounds what one step can inflate to
MAX_LINE: Final = 1 << 20  # a log line longer than a megabyte is not a log line
SNIFF_BYTES: Final = 8192

_MAGIC: Final = (
    (b"\x1f\x8b", "gz"),
    (b"BZh", "bz2"),
    (b"\xfd7zXZ\x00", "xz"),
    (b"\x28\xb5\x2f\xfd", "zst"),
)
_SUFFIXES: Final = {".gz": "gz", ".bz2": "bz2", ".xz": "xz", ".zst": "zst"}

# mail.log.3.gz → (mail.log, numbered 3); mail.log-20240101.gz → (mail.log, dated 20240101)
_NUMBERED = re.compile(r"^(?P<base>.+?)\.(?P<n>\d{1,4})$")
_DATED = re.compile(r"^(?P<base>.+?)[-.](?P<d>\d{8}(?:\d{2})?)$")

# Decompressors raise these on a cut or corrupt stream; what came before is kept.
STREAM_ERRORS: Final = (EOFError, OSError, zlib.error, lzma.LZMAError, zstandard.ZstdError)


class Decompressor(Protocol):
    eof: bool
    unused_data: bytes

    def decompress(self, data: bytes) -> bytes: ...


@dataclass(frozen=True, slots=True)
class InputFile:
    """One file to read, with the PATH argument it came from and its rotated set."""

    arg: str
    path: Path
    set_key: str  # the live file's path: every rotated generation shares it
    generation: tuple[int, str]  # sort key inside the set, oldest first


@dataclass(frozen=True, slots=True)
class Skipped:
    """A PATH, or a file under it, that could not be read: reported in one line."""

    arg: str
    path: str
    reason: str


def compression_of(path: Path, head: bytes) -> str | None:
    """The compression by magic bytes (trusted over the name), else by suffix."""
    for magic, name in _MAGIC:
        if head.startswith(magic):
            return name
    return None


def rotation_of(path: Path) -> tuple[str, tuple[int, str]]:
    """(set key, generation): ``/l/mail.log.2.gz`` → (``/l/mail.log``, older than ``.1``)."""
    name = path.name
    suffix = path.suffix
    if suffix in _SUFFIXES:
        name = name[: -len(suffix)]
    numbered = _NUMBERED.match(name)
    if numbered is not None:
        # .3 is older than .2; numbered generations come after dated ones (rare together)
        return str(path.with_name(numbered["base"])), (1, f"{9999 - int(numbered['n']):04d}")
    dated = _DATED.match(name)
    if dated is not None:
        return str(path.with_name(dated["base"])), (0, dated["d"])
    return str(path.with_name(name)), (2, "")


def expand(args: Iterable[str]) -> tuple[list[InputFile], list[Skipped]]:
    """Files under each PATH (files, directories recursively, globs), each set oldest first."""
    found: list[InputFile] = []
    skipped: list[Skipped] = []
    seen: set[Path] = set()
    for arg in args:
        candidates = _candidates(arg)
        if candidates is None:
            skipped.append(Skipped(arg, arg, "no such file or directory"))
            continue
        for path in candidates:
            resolved = path.resolve()
            if resolved in seen:
                continue
            seen.add(resolved)
            set_key, generation = rotation_of(path)
            found.append(InputFile(arg, path, set_key, generation))
    found.sort(key=lambda f: (f.set_key, f.generation))
    return found, skipped


def _candidates(arg: str) -> list[Path] | None:
    path = Path(arg)
    if path.is_file():
        return [path]
    if path.is_dir():
        return sorted(p for p in path.rglob("*") if p.is_file() and not p.name.startswith("."))
    if glob.has_magic(arg):
        matches = sorted(Path(p) for p in glob.glob(arg, recursive=True))
        files: list[Path] = []
        for match in matches:
            files.extend(_candidates(str(match)) or [])
        return files or None
    return None


class _Decompressed(io.RawIOBase):
    """A decompressing reader that hands out everything before a cut or corrupt spot, and
    only then raises; concatenated members (``cat a.gz b.gz``) are read through."""

    def __init__(self, raw: BinaryIO, factory: Callable[[], Decompressor]) -> None:
        self.raw = raw
        self.factory = factory
        self.decompressor = factory()
        self.buffer = bytearray()
        self.error: BaseException | None = None
        self.done = False

    def readable(self) -> bool:
        return True

    def close(self) -> None:
        self.raw.close()
        super().close()

    def read(self, size: int | None = -1) -> bytes:
        want = CHUNK if size is None or size < 0 else size
        while len(self.buffer) < want and not self.done:
            self._fill()
        if self.buffer:
            out = bytes(self.buffer[:want])
            del self.buffer[:want]
            return out
        if self.error is not None:
            error, self.error = self.error, None
            raise error
        return b""

    def _fill(self) -> None:
        data = self.raw.read(_INPUT_CHUNK)
        if not data:
            self.done = True
            if not self.decompressor.eof:
                self.error = EOFError("compressed file ended before the end-of-stream marker")
            return
        try:
            while data:
                self.buffer += self.decompressor.decompress(data)
                data = b""
                if self.decompressor.eof and self.decompressor.unused_data:
                    data = self.decompressor.unused_data
                    self.decompressor = self.factory()
        except STREAM_ERRORS as exc:
            self.error, self.done = exc, True


def _zstd() -> Decompressor:
    return cast(Decompressor, zstandard.ZstdDecompressor().decompressobj())


_DECOMPRESSORS: Final[dict[str, Callable[[], Decompressor]]] = {
    "gz": lambda: cast(Decompressor, zlib.decompressobj(wbits=31)),
    "bz2": lambda: cast(Decompressor, bz2.BZ2Decompressor()),
    "xz": lambda: cast(Decompressor, lzma.LZMADecompressor()),
    "zst": _zstd,
}


def open_stream(path: Path) -> BinaryIO:
    """The decompressed byte stream of ``path`` (plain, gzip, bzip2, xz or zstd)."""
    raw = path.open("rb")
    head = raw.read(8)
    raw.seek(0)
    kind = compression_of(path, head)
    if kind is None:
        return raw
    return cast(BinaryIO, _Decompressed(raw, _DECOMPRESSORS[kind]))


def is_compressed(path: Path) -> bool:
    with path.open("rb") as raw:
        return compression_of(path, raw.read(8)) is not None


def read_head(path: Path, size: int = SNIFF_BYTES) -> bytes:
    """Up to ``size`` decompressed bytes from the start (fewer when the file is shorter or cut)."""
    out = bytearray()
    with open_stream(path) as stream:
        try:
            while len(out) < size:
                chunk = stream.read(size - len(out))
                if not chunk:
                    break
                out += chunk
        except STREAM_ERRORS:
            pass
    return bytes(out)


def binary_reason(head: bytes) -> str | None:
    """Why the decompressed start of a file is not text, or None if it looks like text."""
    if not head:
        return None
    if b"\x00" in head:
        return "binary file (NUL bytes)"
    control = sum(1 for b in head if b < 9 or 13 < b < 32)
    if control * 10 > len(head):
        return "binary file (control bytes)"
    return None


@dataclass(slots=True)
class ReadStats:
    """What reading one stream found, beyond its lines."""

    lines: int = 0
    end_offset: int = 0  # decompressed bytes consumed, through the last complete line
    invalid_utf8: int = 0
    long_lines: list[int] = field(default_factory=list)  # line numbers skipped as too long
    error: str | None = None  # the stream ended early (truncated or corrupt)


def read_lines(
    stream: IO[bytes],
    stats: ReadStats,
    *,
    start_offset: int = 0,
    first_line: int = 1,
    keep_partial_last: bool = True,
) -> Iterator[tuple[int, str]]:
    """Yield ``(line number, text)`` from ``start_offset``; ``stats`` is updated as it goes.

    Bytes that are not UTF-8 survive as surrogate escapes (and are counted). A final line
    without a newline is yielded only when ``keep_partial_last`` (a live log may be mid-write).
    """
    stats.end_offset = start_offset
    line_no = first_line - 1
    if start_offset:
        try:
            _skip(stream, start_offset)
        except STREAM_ERRORS as exc:
            stats.error = _describe(exc)
            return
    carry = b""
    overlong = False
    while True:
        try:
            chunk = stream.read(CHUNK)
        except STREAM_ERRORS as exc:
            stats.error = _describe(exc)
            break
        if not chunk:
            break
        parts = (carry + chunk).split(b"\n")
        carry = parts.pop()
        for raw in parts:
            stats.end_offset += len(raw) + 1
            if overlong:  # the tail of a line already reported as too long
                overlong = False
                continue
            line_no += 1
            yield line_no, _decode(raw, stats)
        if len(carry) > MAX_LINE:
            stats.end_offset += len(carry)
            carry = b""
            if not overlong:
                line_no += 1
                stats.long_lines.append(line_no)
                overlong = True
    if carry and keep_partial_last:
        stats.end_offset += len(carry)
        if not overlong:
            line_no += 1
            yield line_no, _decode(carry, stats)
    stats.lines = line_no - first_line + 1


def _decode(raw: bytes, stats: ReadStats) -> str:
    if raw.endswith(b"\r"):
        raw = raw[:-1]
    if raw.isascii():
        return raw.decode("ascii")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        stats.invalid_utf8 += 1
        return raw.decode("utf-8", "surrogateescape")


def _skip(stream: IO[bytes], count: int) -> None:
    if stream.seekable():
        stream.seek(count)
        return
    left = count
    while left:
        chunk = stream.read(min(CHUNK, left))
        if not chunk:
            raise EOFError(f"stream ends before the recorded offset {count}")
        left -= len(chunk)


def _describe(exc: BaseException) -> str:
    text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return f"truncated or corrupt stream: {text}"
