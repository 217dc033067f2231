"""A lake's content as one digest per table, independent of where the inputs lay and when they
were read: the lake that ``tests/pipeline/lake/test_lake_fingerprint.py`` compares.

Canonical form: every row as sorted-key JSON, the input folder cut from paths, a message's key
(a hash of its path and offset) replaced by ``path@offset``, the columns that name a run or a
moment of reading dropped; the rows of a table sorted and hashed.

    python -m tests.pipeline.lake.fingerprint           # print the lake's fingerprint now
    python -m tests.pipeline.lake.fingerprint --write   # store it (only for an intended change)
"""

from __future__ import annotations

import hashlib
import json
import sys
import tempfile
from datetime import date, datetime
from pathlib import Path
from typing import Any, Final

import pyarrow.parquet as pq
from click.testing import CliRunner

from pipeline.cli import cli

ROOT: Final = Path(__file__).resolve().parents[3]
GOLDEN: Final = ROOT / "tests" / "data" / "golden" / "lake_fingerprint.json"
# the inputs as of the layout change (9a8e398); files added since are not part of it, so a new
# corpus file does not move the fingerprint, a change of what the code makes of these does
INPUT_FOLDERS: Final = ("tests/data/logs", "sample_data/logs", "sample_data/maildir")
SITE_TOML: Final = """[site]
own_hosts = ["mail.lab.example", "lab.example"]
year = 2026
timezone = "UTC"
"""
VOLATILE: Final = frozenset({"ingested_at", "run_id", "mtime"})
TABLES: Final = ("sessions", "received_hops", "messages", "rejects", "_ingested")


def current_inputs() -> list[str]:
    return sorted(
        str(path.relative_to(ROOT))
        for folder in INPUT_FOLDERS
        for path in (ROOT / folder).rglob("*")
        if path.is_file()
    )


def ingest(inputs: list[str], lake: Path, work: Path) -> None:
    config = work / "site.toml"
    config.write_text(SITE_TOML, encoding="utf-8")
    args = ["ingest", *(str(ROOT / name) for name in inputs)]
    args += ["--lake", str(lake), "--config", str(config), "--workers", "1"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code in (0, 3), result.output  # 3: some inputs are cut on purpose


def _plain(value: Any, root: str) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, str):
        return value.replace(root, "")
    return value


def _rows(lake: Path, table: str) -> list[dict[str, Any]]:
    files = (
        [lake / "_ingested.parquet"] if table == "_ingested" else (lake / table).rglob("*.parquet")
    )
    rows: list[dict[str, Any]] = []
    for path in sorted(files):
        if path.is_file():
            rows += pq.read_table(path, partitioning=None).to_pylist()
    return rows


def fingerprint(lake: Path) -> dict[str, dict[str, Any]]:
    root = str(ROOT) + "/"
    tables = {table: _rows(lake, table) for table in TABLES}
    message = {m["message_key"]: f"{m['source_file']}@{m['offset']}" for m in tables["messages"]}
    found = {}
    for table, rows in tables.items():
        lines = sorted(
            json.dumps(
                {
                    key: _plain(message.get(value, value) if key == "message_key" else value, root)
                    for key, value in row.items()
                    if key not in VOLATILE
                },
                sort_keys=True,
            )
            for row in rows
        )
        digest = hashlib.sha256("\n".join(lines).encode()).hexdigest()
        found[table] = {"rows": len(lines), "sha256": digest}
    return found


def measure(inputs: list[str]) -> dict[str, dict[str, Any]]:
    with tempfile.TemporaryDirectory() as work:
        lake = Path(work) / "lake"
        ingest(inputs, lake, Path(work))
        return fingerprint(lake)


def main() -> None:
    stored = json.loads(GOLDEN.read_text()) if GOLDEN.is_file() else None
    inputs = stored["inputs"] if stored else current_inputs()
    found = {"inputs": inputs, "tables": measure(inputs)}
    text = json.dumps(found, indent=1) + "\n"
    if "--write" in sys.argv:
        GOLDEN.write_text(text, encoding="utf-8")
    print(text, end="")


if __name__ == "__main__":
    main()
