"""The opt-in compiled build (``make compiled``, setup.py) against the pure one.

Runs in the pure environment: when a compiled interpreter is found (``MAILTLS_COMPILED_PYTHON``,
else ``.venv-compiled/bin/python`` in the checkout), the same inputs go through both builds and
every record, every Received hop and every lake row must come out the same. Without one these
tests skip. Under the compiled interpreter itself, the build check below runs instead.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

from pipeline.build import compiled_modules
from pipeline.cli import cli
from tests.pipeline.lake_content import lake_content

ROOT = Path(__file__).resolve().parents[2]
LOGS = sorted(
    p for d in (ROOT / "tests/data/logs", ROOT / "sample_data/logs") for p in d.rglob("*.log")
)
RECEIVED_VALUES = (
    ROOT / "tests/data/received/stalwart-mailparser__resources__received-header-values.txt"
)
INGEST_INPUTS = [ROOT / "tests/data/logs", ROOT / "sample_data/logs", ROOT / "sample_data/maildir"]


def compiled_python() -> Path | None:
    given = os.environ.get("MAILTLS_COMPILED_PYTHON")
    path = Path(given) if given else ROOT / ".venv-compiled/bin/python"
    return path if path.exists() else None


COMPILED = compiled_python()
this_build_is_compiled = bool(compiled_modules())
needs_both = pytest.mark.skipif(
    COMPILED is None or this_build_is_compiled,
    reason="needs this pure build and a compiled one beside it (make compiled)",
)

# Run by each interpreter in a scratch folder (so the checkout cannot shadow the installed
# modules): every record of every log line and every hop of every Received value, as JSON.
DUMP = r"""
import dataclasses, json, sys
from parsers.logline import LogLineParser
from parsers.received import parse_received
from pipeline.build import compiled_modules

def plain(obj):
    if dataclasses.is_dataclass(obj):
        return [type(obj).__name__, {f.name: plain(getattr(obj, f.name)) for f in dataclasses.fields(obj)}]
    if isinstance(obj, (list, tuple)):
        return [plain(x) for x in obj]
    if isinstance(obj, dict):
        return {k: plain(v) for k, v in obj.items()}
    if obj is None or isinstance(obj, (str, int, float, bool)):
        return obj
    return repr(obj)

out = {"compiled": compiled_modules(), "logs": {}, "received": []}
values_file, *logs = sys.argv[1:]
for path in logs:
    parse = LogLineParser(year=2024).parse
    with open(path, encoding="utf-8", errors="surrogateescape") as handle:
        out["logs"][path] = [plain(parse(line.rstrip("\n"), n)) for n, line in enumerate(handle, 1)]
text = open(values_file, "rb").read().decode("utf-8", "replace")
for block in text.split("\n%%\n")[1:]:
    out["received"].append(plain(parse_received(block)))
json.dump(out, sys.stdout)
"""


def dump(python: Path | str, scratch: Path) -> dict[str, object]:
    done = subprocess.run(
        [str(python), "-c", DUMP, str(RECEIVED_VALUES), *map(str, LOGS)],
        cwd=scratch,
        check=True,
        capture_output=True,
        text=True,
    )
    result: dict[str, object] = json.loads(done.stdout)
    return result


def ingest(python: Path | str, lake: Path, scratch: Path) -> int:
    mailtls = Path(python).with_name("mailtls")
    cmd = [str(mailtls), "ingest", *map(str, INGEST_INPUTS), "--lake", str(lake), "--workers", "2"]
    return subprocess.run(cmd, cwd=scratch, capture_output=True, text=True).returncode


def ingested_rows(lake: Path) -> list[dict[str, object]]:
    rows = pq.read_table(lake / "_ingested.parquet").to_pylist()
    for row in rows:
        del row["ingested_at"], row["run_id"]  # when and by which run: differ between equal runs
    return sorted(rows, key=repr)


def test_version_names_the_build_that_runs() -> None:
    import parsers.logline

    compiled = not parsers.logline.__file__.endswith(".py")
    out = CliRunner().invoke(cli, ["--version"]).output
    assert ("compiled with mypyc" in out) == compiled
    assert ("pure Python" in out) == (not compiled)


@pytest.mark.skipif(not this_build_is_compiled, reason="pure build")
def test_the_compiled_build_compiles_the_hot_path_and_keeps_records_pure() -> None:
    import parsers.logline
    import parsers.received.parse
    import parsers.records
    import pipeline.segment
    import pipeline.sessions

    for module in (parsers.logline, parsers.received.parse, pipeline.sessions):
        assert not module.__file__.endswith(".py"), module.__name__
    # left pure on purpose (setup.py says why)
    assert parsers.records.__file__.endswith(".py")
    assert pipeline.segment.__file__.endswith(".py")


@needs_both
def test_both_builds_give_the_same_records_and_hops(tmp_path: Path) -> None:
    assert COMPILED is not None
    pure, compiled = dump(sys.executable, tmp_path), dump(COMPILED, tmp_path)
    assert pure["compiled"] == [] and compiled["compiled"], "each interpreter runs its own build"
    assert compiled["logs"] == pure["logs"]
    assert compiled["received"] == pure["received"]


@needs_both
def test_both_builds_write_the_same_lake(tmp_path: Path) -> None:
    assert COMPILED is not None
    codes = [ingest(sys.executable, tmp_path / "pure", tmp_path)]
    codes.append(ingest(COMPILED, tmp_path / "compiled", tmp_path))
    assert codes[0] in (0, 3) and codes[1] == codes[0]
    pure, compiled = lake_content(tmp_path / "pure"), lake_content(tmp_path / "compiled")
    assert pure["sessions"] and pure["messages"], "the inputs gave rows to compare"
    assert compiled == pure
    assert ingested_rows(tmp_path / "compiled") == ingested_rows(tmp_path / "pure")
