"""``mailtls explain`` for mail: a Received value or a message file → a table of its hops."""

from __future__ import annotations

import os
import re
from pathlib import Path

from parsers.received import ReceivedHop, parse_received
from pipeline.ingest.mailbox import iter_messages, looks_like_message, open_binary

_RECEIVED = re.compile(r"^\s*(?:x-)?received\s*:", re.IGNORECASE)
_COLUMNS = (
    "#",
    "by_host",
    "from_ip",
    "with",
    "tls",
    "version",
    "src",
    "cipher",
    "auth",
    "user",
    "security",
    "dialect",
)


def applies(line_or_file: str) -> bool:
    """A Received value, or the path of a file that holds a message or mailbox."""
    return is_received_text(line_or_file) or (
        os.path.isfile(line_or_file) and is_message_file(line_or_file)
    )


def explain(line_or_file: str) -> str:
    if is_received_text(line_or_file):
        return explain_text(line_or_file)
    return explain_file(line_or_file)


def is_received_text(text: str) -> bool:
    return bool(_RECEIVED.match(text))


def is_message_file(path: str) -> bool:
    """A file whose first line is an mbox ``From `` line or a header field (compressed or not)."""
    try:
        with open_binary(path) as stream:
            return looks_like_message(stream.read(4096))
    except OSError:
        return False


def explain_text(text: str) -> str:
    return hop_table([parse_received(text)])


def explain_file(path: str) -> str:
    """One hop table per message of a message file or mailbox (top hop first)."""
    parts = []
    for message in iter_messages(Path(path)):
        hops = [parse_received(value) for value in message.received_values()]
        head = f"message at offset {message.offset}: {message.message_id() or '(no Message-ID)'}, {len(hops)} hops"
        parts.append(head + ("\n" + hop_table(hops) if hops else ""))
    return "\n\n".join(parts) or "no message found"


def hop_table(hops: list[ReceivedHop]) -> str:
    rows = [_COLUMNS] + [_cells(index, hop) for index, hop in enumerate(hops)]
    widths = [min(40, max(len(row[i]) for row in rows)) for i in range(len(_COLUMNS))]
    lines = [
        "  ".join(cell[:40].ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        for row in rows
    ]
    notes = [f"  hop {i}: {', '.join(hop.problems)}" for i, hop in enumerate(hops) if hop.problems]
    return "\n".join(lines + notes)


def _cells(index: int, hop: ReceivedHop) -> tuple[str, ...]:
    def show(value: object) -> str:
        if value is None:
            return "-"
        if isinstance(value, bool):
            return "yes" if value else "no"
        return str(value)

    return (
        str(index),
        show(hop.by_host),
        show(hop.from_ip),
        show(hop.with_protocol),
        show(hop.tls) + (f" ({hop.tls_evidence})" if hop.tls_evidence else ""),
        show(hop.tls_version),
        show(hop.tls_version_source),
        show(hop.tls_cipher),
        show(hop.authenticated),
        show(hop.auth_user),
        hop.security,
        hop.dialect,
    )
