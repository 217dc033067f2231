"""Which files a run reads: every visible file once, by its real path, however it was named."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from pipeline.cli import cli
from pipeline.ingest.sources import expand

SAMPLE = Path(__file__).resolve().parents[3] / "sample_data" / "logs" / "recommended"


def test_a_folder_reached_through_a_link_and_a_linked_file_are_read_once(tmp_path: Path) -> None:
    logs = tmp_path / "logs"
    (logs / "old").mkdir(parents=True)
    (logs / "mail.log").write_text("a\n")
    (logs / "old" / "mail.log.1").write_text("b\n")
    (logs / ".hidden.log").write_text("c\n")
    (logs / "current.log").symlink_to(logs / "mail.log")
    (tmp_path / "via-link").symlink_to(logs)

    found, problems = expand([str(tmp_path / "via-link"), str(logs / "mail.log")])

    assert problems == []
    assert found == [logs / "mail.log", logs / "old" / "mail.log.1"]


def test_a_missing_path_is_a_problem_not_an_error(tmp_path: Path) -> None:
    found, problems = expand([str(tmp_path / "nope.log")])
    assert found == []
    assert problems == [f"{tmp_path / 'nope.log'}: no such file or directory"]


def test_a_fifo_a_link_loop_and_an_unreadable_folder_are_each_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    logs = tmp_path / "logs"
    (logs / "locked").mkdir(parents=True)
    (logs / "locked" / "mail.log").write_text("a\n")
    (logs / "mail.log").write_text("b\n")
    os.mkfifo(logs / "pipe.log")
    (logs / "loop.log").symlink_to(logs / "loop.log")
    # the tests run as root, whom permissions do not stop: the folder refuses as EACCES would
    real_scandir = os.scandir

    def scandir(path: Any) -> Any:
        if Path(path).name == "locked":
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)

    found, problems = expand([str(logs)])

    assert found == [logs / "mail.log"]
    assert sorted(problems) == [
        f"{logs / 'locked'}: folder not readable (Permission denied); skipped",
        f"{logs / 'loop.log'}: symbolic link loop; skipped",
        f"{logs / 'pipe.log'}: a FIFO, not a log file; skipped",
    ]


def test_a_fifo_in_a_log_folder_ends_the_run_with_exit_3(tmp_path: Path) -> None:
    logs = tmp_path / "logs"
    logs.mkdir()
    shutil.copy2(SAMPLE / "dovecot.log", logs / "dovecot.log")
    os.mkfifo(logs / "pipe.log")
    result = CliRunner().invoke(
        cli, ["ingest", str(logs), "--lake", str(tmp_path / "lake"), "--workers", "1"]
    )
    assert result.exit_code == 3, result.output
    assert "pipe.log: a FIFO, not a log file; skipped" in result.output
    assert "dovecot.log: 1 file" in result.output
