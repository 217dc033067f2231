"""The lab's real logs and mail (sample_data/, recommended Dovecot profile) through `mailtls
ingest` and `user_posture`, checked row by row against a golden file written by hand."""

from __future__ import annotations

import csv
from pathlib import Path

from click.testing import CliRunner

from pipeline.cli import cli
from pipeline.query import queries
from pipeline.query.db import connect

ROOT = Path(__file__).resolve().parents[3]
GOLDEN = ROOT / "tests" / "data" / "golden" / "user_posture_lab_recommended.csv"


def _golden() -> dict[str, tuple[str, bool]]:
    with GOLDEN.open() as handle:
        rows = csv.DictReader(line for line in handle if not line.startswith("#"))
        return {r["user_name"]: (r["level"], r["password_reset_required"] == "true") for r in rows}


def test_user_posture_of_the_lab_matches_the_golden_file(tmp_path: Path) -> None:
    lake = tmp_path / "lake"
    result = CliRunner().invoke(
        cli,
        [
            "ingest",
            str(ROOT / "sample_data" / "logs" / "recommended"),
            str(ROOT / "sample_data" / "maildir"),
            "--lake",
            str(lake),
            "--config",
            str(ROOT / "sample_data" / "mailtls.toml"),
            "--workers",
            "1",
        ],
    )
    assert result.exit_code == 0, result.output
    with connect(lake) as con:
        frame = queries.user_posture(con)
    got = {
        r["user_name"]: (r["level"], bool(r["password_reset_required"]))
        for r in frame.to_dict("records")
    }
    want = _golden()
    differences = [
        f"{user}: expected {want.get(user)}, got {got.get(user)}"
        for user in sorted(set(want) | set(got))
        if want.get(user) != got.get(user)
    ]
    assert not differences, "\n".join(differences)
