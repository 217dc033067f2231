"""Open a file as a binary stream, decompressing gzip, bzip2, xz or zstd by their magic bytes.

A compressed stream that ends early raises :class:`TruncatedInput` from the read that meets the
end — after the reader has yielded everything complete before it.
"""

from __future__ import annotations

import bz2
import gzip
import io
import lzma
import zlib
from pathlib import Path
from typing import BinaryIO

import zstandard

from pipeline.errors import MailtlsError

_CHUNK = 1 << 16
_MAGIC = {
    b"\x1f\x8b": "gzip",
    b"BZh": "bzip2",
    b"\xfd7zXZ\x00": "xz",
    b"\x28\xb5\x2f\xfd": "zstd",
}


class TruncatedInput(MailtlsError):
    """A compressed mailbox or message ended before its end-of-stream marker."""


def compression_of(head: bytes) -> str | None:
    for magic, name in _MAGIC.items():
        if head.startswith(magic):
            return name
    return None


def open_binary(path: str | Path) -> BinaryIO:
    """The decompressed content of ``path`` (plain files as they are)."""
    raw = open(path, "rb")  # noqa: SIM115 - the returned stream owns it
    kind = compression_of(raw.read(6))
    raw.seek(0)
    if kind is None:
        return raw
    inner: io.RawIOBase
    if kind == "gzip":
        inner = _Guarded(gzip.GzipFile(fileobj=raw, mode="rb"), path)
    elif kind == "bzip2":
        inner = _Guarded(bz2.BZ2File(raw, mode="rb"), path)
    elif kind == "xz":
        inner = _Guarded(lzma.LZMAFile(raw, mode="rb"), path)
    else:
        inner = _ZstdReader(raw, path)
    return io.BufferedReader(inner, _CHUNK)


class _Guarded(io.RawIOBase):
    """Turns the decompressors' own end-of-data errors into :class:`TruncatedInput`."""

    def __init__(self, inner: BinaryIO, path: str | Path) -> None:
        self.inner, self.path = inner, path

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        try:
            data = self.inner.read(len(buffer))
        except (EOFError, OSError, zlib.error, lzma.LZMAError) as exc:
            raise TruncatedInput(f"{self.path}: compressed data ends early ({exc})") from exc
        buffer[: len(data)] = data
        return len(data)

    def close(self) -> None:
        self.inner.close()
        super().close()


class _ZstdReader(io.RawIOBase):
    """zstd frames one after another; a frame cut short is reported, not silently dropped."""

    def __init__(self, raw: BinaryIO, path: str | Path) -> None:
        self.raw, self.path = raw, path
        self.decoder = zstandard.ZstdDecompressor().decompressobj()
        self.pending = b""
        self.started = False

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        while not self.pending:
            chunk = self.raw.read(_CHUNK)
            if not chunk:
                if self.started and not self.decoder.eof:
                    raise TruncatedInput(f"{self.path}: zstd frame ends early")
                return 0
            self._feed(chunk)
        size = min(len(buffer), len(self.pending))
        buffer[:size] = self.pending[:size]
        self.pending = self.pending[size:]
        return size

    def _feed(self, chunk: bytes) -> None:
        while chunk:
            try:
                self.pending += self.decoder.decompress(chunk)
            except zstandard.ZstdError as exc:
                raise TruncatedInput(f"{self.path}: bad zstd data ({exc})") from exc
            self.started = True
            chunk = self.decoder.unused_data if self.decoder.eof else b""
            if self.decoder.eof and chunk:
                self.decoder = zstandard.ZstdDecompressor().decompressobj()

    def close(self) -> None:
        self.raw.close()
        super().close()
