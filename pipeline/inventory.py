"""What to read this run: each input file checked against ``_ingested`` by its fingerprint.

The fingerprint hashes the first KiBs of the *decompressed* content, so ``mail.log.1``,
renamed and gzipped to ``mail.log.2.gz``, is the same file; a file shorter than that is
fingerprinted over what it has, and the prefix length is part of the fingerprint so the file
is still recognised once it has grown.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Final

from parsers.envelope import EnvelopeParser
from pipeline.sources import (
    SNIFF_BYTES,
    InputFile,
    Skipped,
    binary_reason,
    is_compressed,
    read_head,
)

FINGERPRINT_BYTES: Final = 4096
LOG_PROBE_LINES: Final = 50
QUIET_SECONDS: Final = 60  # a file untouched this long is not mid-write: its last line is whole


def fingerprint(head: bytes, length: int | None = None) -> str:
    n = min(len(head), FINGERPRINT_BYTES) if length is None else length
    return f"{n}:{hashlib.sha256(head[:n]).hexdigest()[:32]}"


@dataclass(frozen=True, slots=True)
class Planned:
    """A file to read from ``start_offset`` (a fresh file, or the new tail of a known one)."""

    source: InputFile
    head: bytes
    size: int
    mtime: float
    fingerprint: str
    start_offset: int
    first_line: int
    keep_partial_last: bool


class Known:
    """The ``_ingested`` rows, by fingerprint: how far each known content was read."""

    def __init__(self, rows: Iterable[Mapping[str, Any]]) -> None:
        self.by_print: dict[str, Mapping[str, Any]] = {}
        for row in rows:
            if not row.get("fingerprint") or row.get("end_offset") is None:
                continue  # written by something else than ingest: no position to resume from
            known = self.by_print.get(row["fingerprint"])
            if known is None or row["end_offset"] >= known["end_offset"]:
                self.by_print[row["fingerprint"]] = row
        self.lengths = sorted({int(p.split(":", 1)[0]) for p in self.by_print}, reverse=True)

    def find(self, head: bytes) -> Mapping[str, Any] | None:
        """The furthest-read record whose fingerprint matches the start of ``head``."""
        best: Mapping[str, Any] | None = None
        for length in self.lengths:
            if length > len(head):
                continue
            row = self.by_print.get(fingerprint(head, length))
            if row is not None and (best is None or row["end_offset"] > best["end_offset"]):
                best = row
        return best


def plan(files: Iterable[InputFile], known: Known) -> tuple[list[Planned], list[Skipped], int]:
    """The segments to read, the files skipped with a reason, and how many were up to date."""
    planned: list[Planned] = []
    skipped: list[Skipped] = []
    claimed: dict[str, str] = {}
    unchanged = 0
    newest = {f.set_key: f.path for f in files}  # files arrive oldest first within a set
    for source in files:
        try:
            stat = source.path.stat()
            head = read_head(source.path)
            compressed = is_compressed(source.path)
        except OSError as exc:
            skipped.append(Skipped(source.arg, str(source.path), f"cannot read: {exc.strerror}"))
            continue
        if not head and stat.st_size:
            cut = "truncated or corrupt stream: no readable content"
            skipped.append(Skipped(source.arg, str(source.path), cut))
            continue
        if not head:
            unchanged += 1  # empty: nothing to read, nothing to record
            continue
        reason = binary_reason(head) or _not_a_log(head)
        if reason is not None:
            skipped.append(Skipped(source.arg, str(source.path), reason))
            continue
        print_ = fingerprint(head)
        if print_ in claimed:
            skipped.append(
                Skipped(source.arg, str(source.path), f"same content as {claimed[print_]}")
            )
            continue
        claimed[print_] = str(source.path)
        record = known.find(head)
        start, first_line = 0, 1
        if record is not None:
            read_all = (
                record["size"] == stat.st_size  # compressed files never grow: same content
                if compressed
                else record["end_offset"] >= stat.st_size
            )
            if read_all:
                unchanged += 1
                continue
            start, first_line = int(record["end_offset"]), int(record["end_line"]) + 1
        quiet = time.time() - stat.st_mtime > QUIET_SECONDS
        keep_last = compressed or quiet or newest[source.set_key] != source.path
        planned.append(
            Planned(source, head, stat.st_size, stat.st_mtime, print_, start, first_line, keep_last)
        )
    return planned, skipped, unchanged


def _not_a_log(head: bytes) -> str | None:
    """A reason when none of the first lines has a log envelope (a README, a CSV, mail…)."""
    envelopes = EnvelopeParser()
    lines = head[:SNIFF_BYTES].decode("utf-8", "replace").splitlines()[:LOG_PROBE_LINES]
    if len(lines) > 1 and len(head) >= SNIFF_BYTES:
        lines = lines[:-1]  # the last one may be cut by the sniff window
    if any(envelopes.split(line) is not None for line in lines):
        return None
    return f"not a log file: no syslog or journald line among the first {len(lines)} lines"
