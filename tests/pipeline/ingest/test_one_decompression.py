"""Logs and mail decompress through one module: the same bytes from either opener, and at
damage the same prefix — a log's run notes the damage, a mail reader raises
:class:`TruncatedInput` after the complete messages before it."""

from __future__ import annotations

import bz2
import gzip
import lzma
from pathlib import Path

import pytest
import zstandard

from pipeline.ingest.decompress import damage_of
from pipeline.ingest.mailbox import TruncatedInput, compression_of, iter_messages, open_binary
from pipeline.ingest.mailbox.streams import raise_if_damaged
from pipeline.ingest.sources import open_bytes

CONTENT = b"".join(b"line %d of the content\n" % n for n in range(20_000))
FORMATS = {
    "gzip": gzip.compress,
    "bzip2": bz2.compress,
    "xz": lzma.compress,
    "zstd": zstandard.ZstdCompressor().compress,
}


@pytest.mark.parametrize("name", FORMATS)
def test_both_openers_give_the_same_bytes(tmp_path: Path, name: str) -> None:
    path = tmp_path / "f"
    path.write_bytes(FORMATS[name](CONTENT) + FORMATS[name](b"second member\n"))
    assert compression_of(path.read_bytes()[:6]) == name
    with open_bytes(path) as logs, open_binary(path) as mail:
        assert logs.read() == mail.read() == CONTENT + b"second member\n"


@pytest.mark.parametrize("name", FORMATS)
def test_at_damage_logs_stop_and_mail_raises_after_the_same_prefix(
    tmp_path: Path, name: str
) -> None:
    path = tmp_path / "f"
    whole = FORMATS[name](CONTENT)
    path.write_bytes(whole[: len(whole) // 2])
    with open_bytes(path) as logs:
        prefix = logs.read()
        assert damage_of(logs) is not None
    assert CONTENT.startswith(prefix)
    with open_binary(path) as mail:
        assert mail.read() == prefix
        with pytest.raises(TruncatedInput, match="at byte"):
            raise_if_damaged(mail, path)


def test_a_cut_mbox_yields_its_complete_messages_then_raises(tmp_path: Path) -> None:
    mbox = b"".join(
        b"From a@example.org Tue Jan  2 10:00:00 2024\nMessage-ID: <%d@x>\n\nbody %d\n\n" % (n, n)
        for n in range(3000)
    )
    whole = gzip.compress(mbox)
    path = tmp_path / "box.gz"
    path.write_bytes(whole[: len(whole) * 2 // 3])
    seen = []
    with pytest.raises(TruncatedInput):
        for message in iter_messages(path):
            seen.append(message.message_id())
    with open_bytes(path) as logs:
        complete = logs.read().count(b"\n\nFrom ")  # messages followed by another one
    assert seen[:complete] == [f"<{n}@x>" for n in range(complete)]
    assert complete > 1000
