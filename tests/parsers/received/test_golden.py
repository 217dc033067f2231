"""Golden tests: the TLS, auth and routing fields of every Received field of the corpus, against
values read by hand from the headers (golden_*.psv). A mismatch prints a diff of all rows."""

from __future__ import annotations

from pathlib import Path

import pytest

from parsers.received import ReceivedHop, parse_received
from tests.parsers.received.corpus import header_values, message_fields, message_files

HERE = Path(__file__).parent
COLUMNS = (
    "with_protocol",
    "from_ip",
    "by_host",
    "tls",
    "tls_version",
    "tls_version_source",
    "tls_cipher",
    "authenticated",
    "auth_user",
)


def _cell(value: object) -> str:
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "T" if value else "F"
    return str(value)


def _row(hop: ReceivedHop) -> str:
    return "|".join(_cell(getattr(hop, c)) for c in COLUMNS)


def _golden(name: str) -> dict[tuple[str, int], str]:
    rows = {}
    for line in (HERE / name).read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            key, index, rest = line.split("|", 2)
            rows[key, int(index)] = rest
    return rows


def _diff(expected: dict[tuple[str, int], str], got: dict[tuple[str, int], str]) -> list[str]:
    lines = []
    for key in sorted(set(expected) | set(got)):
        want, have = expected.get(key, "<missing>"), got.get(key, "<missing>")
        if want != have:
            lines.append(f"{key[0]}|{key[1]}\n  - {want}\n  + {have}")
    return lines


def test_every_message_field_matches_the_hand_read_golden() -> None:
    golden = _golden("golden_messages.psv")
    names = [p.name for p in message_files()]
    keys = {key for key, _ in golden}
    full = {}
    for key in keys:
        matching = [n for n in names if n.startswith(key)]
        assert len(matching) == 1, f"golden key {key!r} names {matching}"
        full[matching[0]] = key
    got = {
        (full.get(name, name), index): _row(parse_received(value))
        for name, index, value in message_fields()
    }
    diff = _diff(golden, got)
    assert not diff, f"{len(diff)} fields differ:\n" + "\n".join(diff)


def test_every_header_value_matches_the_hand_read_golden() -> None:
    golden = _golden("golden_values.psv")
    got = {
        ("value", index): _row(parse_received(value)) for index, value in enumerate(header_values())
    }
    diff = _diff(golden, got)
    assert not diff, f"{len(diff)} fields differ:\n" + "\n".join(diff)


@pytest.mark.parametrize("index", range(3))
def test_corpus_is_complete(index: int) -> None:
    counts = (len(message_files()), sum(1 for _ in message_fields()), len(header_values()))
    assert counts[index] == (99, 399, 181)[index]
