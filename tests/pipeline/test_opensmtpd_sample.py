"""sample_data's OpenSMTPD set (a real lab run, lab/make_sample_data.sh) through `mailtls
ingest` with the sample's mailtls.toml: every OpenSMTPD session the clients made is in the lake
as the ground truth says (tests/e2e/compare.py, the comparison `make e2e` runs)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from pipeline.config import load_config
from pipeline.ingest.run import ingest

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "sample_data"
sys.path.insert(0, str(ROOT / "tests" / "e2e"))
import compare  # noqa: E402


def test_opensmtpd_sample_matches_its_ground_truth(tmp_path: Path) -> None:
    pytest.importorskip("duckdb")
    lake = tmp_path / "lake"
    ingest([str(SAMPLE / "logs" / "opensmtpd")], lake, load_config(SAMPLE / "mailtls.toml"))
    truth = compare.read_truth_file(SAMPLE / "ground_truth" / "opensmtpd_sessions.csv")
    assert len(truth) == 32 and {r["server"] for r in truth} == {"opensmtpd"}
    expected = [compare.expected_session(r, "recommended") for r in truth]
    got = compare.lake_sessions(lake)
    assert len(got) == len(expected)
    assert compare.compare_sessions(expected, got) == []
    levels = {u: p["level"] for u, p in compare.expected_posture(expected).items()}
    assert levels == {
        "olivia@lab.example": "L2",
        "sybil@lab.example": "L1",
        "uma@lab.example": "L0",
    }
