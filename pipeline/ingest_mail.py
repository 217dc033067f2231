"""Mail into the lake: every message's header block becomes a ``messages`` row and one
``received_hops`` row per Received field. Incremental like the logs: a Maildir file is read
once (also after it moves from ``new/`` to ``cur/``), a grown mbox only past what was read."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pipeline.config import SiteConfig
from pipeline.ingest import SetResult
from pipeline.lake import LakeWriter
from pipeline.mailbox import (
    OwnServers,
    TruncatedInput,
    iter_messages,
    looks_like_message,
    message_rows,
)
from pipeline.segment import CORRUPT, FileResult, Progress, reason_of
from pipeline.sources import open_bytes

MAILDIR_FOLDERS = ("cur", "new")


def is_mail(path: Path, head: bytes) -> bool:
    """A message file (Maildir, .eml) or an mbox, by its folder or its first line."""
    return path.parent.name in MAILDIR_FOLDERS or looks_like_message(head)


def mail_fingerprint(head: bytes) -> str:
    """Header lines repeat across messages (Return-Path, Received by the same host), so a
    message is known by a hash of its whole first 4 KiB."""
    return hashlib.sha256(head[:4096]).hexdigest()[:32] + ":mail"


def ingest_mail(
    paths: list[Path],
    lake: Path,
    run_id: str,
    config: SiteConfig,
    known: list[dict[str, Any]],
    progress: Progress | None = None,
) -> SetResult:
    result = SetResult("mail")
    writer = LakeWriter(lake, run_id)
    own = OwnServers.of(config.own_hosts)
    seen = {row["fingerprint"]: row for row in known}
    for path in paths:
        result.files.append(_one_file(path, writer, own, seen))
        if progress:
            progress(path.stat().st_size)
    writer.flush()
    result.sessions = 0
    return result


def _one_file(
    path: Path, writer: LakeWriter, own: OwnServers, seen: dict[str, dict[str, Any]]
) -> FileResult:
    result = FileResult(str(path))
    stat = path.stat()
    try:
        with open_bytes(path) as stream:
            head = stream.read(4096)
    except CORRUPT as exc:
        result.problem = f"{path}: unreadable ({reason_of(exc)}); skipped"
        return result
    fp = mail_fingerprint(head)
    previous = seen.get(fp)
    done_up_to = previous["bytes_read"] if previous else 0
    if previous and done_up_to >= stat.st_size and previous["path"] != str(path):
        return result  # the same message, moved (new/ → cur/) or copied: read once
    if previous and previous["path"] == str(path) and done_up_to >= stat.st_size:
        return result
    messages: list[dict[str, Any]] = []
    hops: list[dict[str, Any]] = []
    try:
        for message in iter_messages(path):
            if message.offset < done_up_to:
                continue  # an mbox that grew: these were read before
            row, hop_rows = message_rows(message, own)
            messages.append(row)
            hops.extend(hop_rows)
            result.lines += 1
    except (TruncatedInput, *CORRUPT) as exc:
        result.problem = f"{path}: {reason_of(exc)}; the messages before it were read"
    result.events = len(hops)
    writer.add("messages", messages)
    writer.add("received_hops", hops)
    result.ingested = {
        "path": str(path),
        "size": stat.st_size,
        "mtime": datetime.fromtimestamp(stat.st_mtime, UTC),
        "fingerprint": fp,
        "lines": result.lines,
        "rows": len(hops),
        "rejects": 0,
        "ingested_at": datetime.now(UTC),
        "bytes_read": stat.st_size,
        "skipped": 0,
    }
    seen[fp] = result.ingested
    return result
