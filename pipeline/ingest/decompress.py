"""Compressed input read like ``zcat`` reads it: every byte the stream yields before damage
(a cut ``.gz``, a corrupt ``.xz`` block) is kept, and the damage is noted instead of raised.

The standard library's file objects decompress into a buffer and raise on damage, losing
what the buffer held (up to a MiB) and everything a small file held. Here each format's
incremental decompressor is fed small blocks of input, so the output before the damage is
returned first; :attr:`DecompressingReader.damage` then says what stopped the stream, and the
reader ends like a complete one. Concatenated members (``cat a.gz b.gz``) are read in turn,
and zero padding after the last member (tape tools, some appenders) is ignored, as gzip does.
"""

from __future__ import annotations

import bz2
import io
import lzma
import zlib
from collections.abc import Callable
from typing import Any, BinaryIO, Protocol

import zstandard

INPUT_BLOCK = 64 << 10  # compressed bytes fed at a time: bounds what one call returns


class _Decompressor(Protocol):
    @property
    def eof(self) -> bool: ...

    @property
    def unused_data(self) -> bytes: ...

    def decompress(self, data: bytes, /) -> bytes: ...


def _gzip() -> _Decompressor:
    return zlib.decompressobj(wbits=31)


def _zstd() -> _Decompressor:
    return zstandard.ZstdDecompressor().decompressobj()


# magic bytes → a new decompressor for one member and the format's name in messages
FORMATS: dict[bytes, tuple[Callable[[], _Decompressor], str]] = {
    b"\x1f\x8b": (_gzip, "gzip"),
    b"BZh": (bz2.BZ2Decompressor, "bzip2"),
    b"\xfd7zXZ\x00": (lzma.LZMADecompressor, "xz"),
    b"\x28\xb5\x2f\xfd": (_zstd, "zstd"),
}
ERRORS = (zlib.error, OSError, EOFError, lzma.LZMAError, zstandard.ZstdError, ValueError)


def format_of(head: bytes) -> tuple[Callable[[], _Decompressor], str] | None:
    for magic, found in FORMATS.items():
        if head.startswith(magic):
            return found
    return None


class DecompressingReader(io.RawIOBase):
    """The decompressed content of ``raw`` (a compressed file opened for reading), as a
    raw stream that ends at the first damage; :attr:`damage` names it (None: complete)."""

    def __init__(self, raw: BinaryIO, new: Callable[[], _Decompressor], name: str) -> None:
        super().__init__()
        self._raw = raw
        self._new = new
        self._name = name
        self._decompressor: _Decompressor | None = new()
        self._pending = b""  # decompressed output not yet returned
        self._input = b""  # compressed input not yet fed
        self._consumed = 0  # compressed bytes fed so far
        self._member_has_data = False
        self.damage: str | None = None

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        view = memoryview(buffer).cast("B")
        while not self._pending:
            if not self._step():
                return 0
        count = min(len(view), len(self._pending))
        view[:count] = self._pending[:count]
        self._pending = self._pending[count:]
        return count

    def _step(self) -> bool:
        """Decompress one more block into ``_pending``; False at the end of the content."""
        if self.damage is not None or self._decompressor is None:
            return False
        if not self._input:
            self._input = self._raw.read(INPUT_BLOCK)
            if not self._input:
                if self._member_has_data:
                    self._stop(f"truncated {self._name} data")
                self._decompressor = None
                return bool(self._pending)
        data, self._input = self._input, b""
        if not self._member_has_data:
            size = len(data)
            data = data.lstrip(b"\x00")  # zero padding after a member is no member
            self._consumed += size - len(data)
            if not data:
                return True
        try:
            out = self._decompressor.decompress(data)
        except ERRORS as exc:
            self._stop(f"damaged {self._name} data ({_first_line(exc)})")
            return False
        self._member_has_data = True
        self._consumed += len(data)
        self._pending = out
        if self._decompressor.eof:
            self._input = self._decompressor.unused_data
            self._consumed -= len(self._input)
            self._decompressor = self._new()
            self._member_has_data = False
        return True

    def _stop(self, reason: str) -> None:
        self.damage = f"{reason} at byte {self._consumed} of the compressed file"

    def close(self) -> None:
        self._raw.close()
        super().close()


def _first_line(exc: BaseException) -> str:
    text = str(exc) or type(exc).__name__
    return text.splitlines()[0][:120]


def damage_of(stream: Any) -> str | None:
    """Why a stream from :func:`pipeline.ingest.sources.open_bytes` ended before its content
    did (None: it did not, or it is not compressed)."""
    return getattr(getattr(stream, "raw", None), "damage", None)
