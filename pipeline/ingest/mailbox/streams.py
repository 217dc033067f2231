"""Open a mail file as a binary stream: the same opener as logs (:func:`pipeline.ingest.sources.open_bytes`,
decompressing gzip, bzip2, xz or zstd through :mod:`pipeline.ingest.decompress`).

A compressed stream ends at its first damage with everything before it; a mail reader then
raises :class:`TruncatedInput` (:func:`raise_if_damaged`), after the complete messages.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, BinaryIO

from pipeline.errors import MailtlsError
from pipeline.ingest.decompress import damage_of, format_of
from pipeline.ingest.sources import open_bytes


class TruncatedInput(MailtlsError):
    """A compressed mailbox or message ended before its end-of-stream marker."""


def compression_of(head: bytes) -> str | None:
    """The compression format of a file starting with ``head`` (``gzip``, ``bzip2``, ``xz``,
    ``zstd``), or None."""
    found = format_of(head)
    return None if found is None else found[1]


def open_binary(path: str | Path) -> BinaryIO:
    """The decompressed content of ``path`` (plain files as they are), up to any damage."""
    return open_bytes(Path(path))


def raise_if_damaged(stream: Any, path: str | Path) -> None:
    """Raise :class:`TruncatedInput` when ``stream`` ended at damage, not at its end."""
    damage = damage_of(stream)
    if damage is not None:
        raise TruncatedInput(f"{path}: {damage}")
