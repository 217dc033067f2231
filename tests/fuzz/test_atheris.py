"""`make e2e`: a coverage-guided run (atheris) of each line and header parser target, seeded
with the real examples the project has, bounded in time (ATHERIS_SECONDS, default 60 per
target). A crash fails the test with the input that caused it: add that input to the fuzz
seeds or a parser test as its regression test."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from parsers.registry import all_dialects
from tests.fuzz.seeds import HOSTILE, RECEIVED_SEEDS

pytest.importorskip("atheris")
HARNESS = Path(__file__).with_name("atheris_targets.py")
ROOT = Path(__file__).resolve().parents[2]
SECONDS = int(os.environ.get("ATHERIS_SECONDS", "60"))


def _seeds(target: str) -> list[str]:
    if target == "logline":
        return sorted({e.line for d in all_dialects() for e in d.examples}) + HOSTILE
    if target == "received":
        return RECEIVED_SEEDS + HOSTILE
    return ["".join(f"Received: {v}\n" for v in RECEIVED_SEEDS[i : i + 3]) for i in range(0, 60, 3)]


@pytest.mark.slow
@pytest.mark.parametrize("target", ["logline", "received", "headers"])
def test_coverage_guided_run_finds_no_crash(tmp_path: Path, target: str) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for number, seed in enumerate(_seeds(target)):
        (corpus / f"seed-{number:04d}").write_bytes(seed.encode("utf-8", "surrogateescape"))
    run = subprocess.run(
        [
            sys.executable,
            str(HARNESS),
            target,
            str(corpus),
            f"-max_total_time={SECONDS}",
            "-max_len=4096",
            "-timeout=10",  # one input taking 10 s is a finding too (a regex that backtracks)
            f"-artifact_prefix={tmp_path}/",
            "-print_final_stats=1",
        ],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=SECONDS + 120,
        check=False,
    )
    crashes = [p for p in tmp_path.iterdir() if p.name.startswith(("crash-", "timeout-", "oom-"))]
    report = "\n".join(f"{p.name}: {p.read_bytes()[:300]!r}" for p in crashes)
    assert run.returncode == 0 and not crashes, f"{report}\n{run.stderr[-3000:]}"
    assert "stat::number_of_executed_units" in run.stderr  # it did run
