"""Open a file as a binary stream, decompressing gzip, bzip2, xz or zstd by their magic bytes.

A compressed stream that ends early raises :class:`TruncatedInput` from the read that meets the
end — after the reader has yielded everything complete before it.
"""

from __future__ import annotations

import bz2
import io
import lzma
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO, Protocol

import zstandard

from pipeline.errors import MailtlsError

_CHUNK = 1 << 16
_MAGIC = {
    b"\x1f\x8b": "gzip",
    b"BZh": "bzip2",
    b"\xfd7zXZ\x00": "xz",
    b"\x28\xb5\x2f\xfd": "zstd",
}


class _Decoder(Protocol):
    @property
    def eof(self) -> bool: ...
    @property
    def unused_data(self) -> bytes: ...
    def decompress(self, data: bytes, /) -> bytes: ...


class TruncatedInput(MailtlsError):
    """A compressed mailbox or message ended before its end-of-stream marker."""


def compression_of(head: bytes) -> str | None:
    for magic, name in _MAGIC.items():
        if head.startswith(magic):
            return name
    return None


def _gzip() -> _Decoder:
    return zlib.decompressobj(wbits=31)


_DECODERS: dict[str, Callable[[], _Decoder]] = {
    "gzip": _gzip,
    "bzip2": bz2.BZ2Decompressor,
    "xz": lzma.LZMADecompressor,
    "zstd": lambda: zstandard.ZstdDecompressor().decompressobj(),
}


def open_binary(path: str | Path) -> BinaryIO:
    """The decompressed content of ``path`` (plain files as they are)."""
    raw = open(path, "rb")  # noqa: SIM115 - the returned stream owns it
    kind = compression_of(raw.read(6))
    raw.seek(0)
    if kind is None:
        return raw
    return io.BufferedReader(_Decompressing(raw, path, _DECODERS[kind]), _CHUNK)


class _Decompressing(io.RawIOBase):
    """Members/frames one after another, output as soon as it is decoded, so a stream cut short
    still yields everything before the cut, then raises :class:`TruncatedInput`."""

    def __init__(self, raw: BinaryIO, path: str | Path, factory: Callable[[], _Decoder]) -> None:
        self.raw, self.path, self.factory = raw, path, factory
        self.decoder = factory()
        self.pending = b""
        self.fed = False  # any input was decoded (an empty file is not "truncated")

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        while not self.pending:
            chunk = self.raw.read(_CHUNK)
            if not chunk:
                if self.fed and not self.decoder.eof:
                    raise TruncatedInput(f"{self.path}: compressed data ends early")
                return 0
            self._feed(chunk)
        size = min(len(buffer), len(self.pending))
        buffer[:size] = self.pending[:size]
        self.pending = self.pending[size:]
        return size

    def _feed(self, chunk: bytes) -> None:
        while chunk:
            if self.decoder.eof:  # another member or frame follows
                self.decoder = self.factory()
            try:
                self.pending += self.decoder.decompress(chunk)
            except (OSError, EOFError, zlib.error, lzma.LZMAError, zstandard.ZstdError) as exc:
                raise TruncatedInput(f"{self.path}: bad compressed data ({exc})") from exc
            self.fed = True
            chunk = self.decoder.unused_data if self.decoder.eof else b""
            if not chunk.strip(b"\x00"):  # gzip may be padded with NULs
                chunk = b""

    def close(self) -> None:
        self.raw.close()
        super().close()
