"""Which files a run reads: every visible file once, by its real path, however it was named."""

from __future__ import annotations

from pathlib import Path

from pipeline.ingest.sources import expand


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
