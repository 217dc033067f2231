"""The Received fields of tests/data/received/: every message's top-level fields, and the list of
181 header values (blocks separated by a line holding only ``%%``)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from pipeline.ingest.mailbox import iter_messages

DATA = Path(__file__).resolve().parents[2] / "data" / "received"
VALUES_FILE = "stalwart-mailparser__resources__received-header-values.txt"


def message_files() -> list[Path]:
    return sorted(p for p in DATA.iterdir() if p.name != VALUES_FILE)


def message_fields() -> Iterator[tuple[str, int, str]]:
    """(file name, hop index, value) for every top-level Received field of every message."""
    for path in message_files():
        for message in iter_messages(path):
            for index, value in enumerate(message.received_values()):
                yield path.name, index, value


def header_values() -> list[str]:
    text = (DATA / VALUES_FILE).read_bytes().decode("utf-8", "replace")
    return [block for block in text.split("\n%%\n")[1:] if block.strip()]
