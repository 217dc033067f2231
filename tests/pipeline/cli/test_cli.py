"""The query commands end to end, and every command's help carries an example."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.cli import COMMANDS, cli

REQUIRED_USER_COLUMNS = [
    "user_name",
    "level",
    "password_reset_required",
    "last_cleartext_at",
    "last_legacy_tls_at",
    "coverage",
    "sessions_count",
    "failed_count",
]
MARCH = ["--since", "2025-03-01", "--until", "2025-03-31"]


@pytest.mark.parametrize("name", COMMANDS)
def test_every_command_help_has_an_example(name: str) -> None:
    result = CliRunner().invoke(cli, [name, "--help"])
    assert result.exit_code == 0
    assert "Examples:" in result.output and f"mailtls {name}" in result.output, result.output


def test_every_command_module_is_listed() -> None:
    """Commands are imported lazily by name: a command module missing from COMMANDS would be
    unreachable, and nothing else would notice."""
    import importlib
    import pkgutil

    import click

    import pipeline.cli as package

    found = set()
    for info in pkgutil.iter_modules(package.__path__):
        module = importlib.import_module(f"pipeline.cli.{info.name}")
        if isinstance(getattr(module, info.name, None), click.Command):
            found.add(info.name)
    assert found == set(COMMANDS)


def test_users_csv_columns_and_rows(lake: Path) -> None:
    result = CliRunner().invoke(
        cli, ["users", "--lake", str(lake), *MARCH, "--level", "L0", "--format", "csv"]
    )
    assert result.exit_code == 0, result.output
    table = list(csv.DictReader(io.StringIO(result.output)))
    assert list(table[0])[: len(REQUIRED_USER_COLUMNS)] == REQUIRED_USER_COLUMNS
    assert [
        (r["user_name"], r["password_reset_required"], r["last_cleartext_at"]) for r in table
    ] == [
        ("dave@example.org", "True", "2025-03-12T07:30:00+00:00"),
        ("judy@example.org", "True", "2025-03-14T06:00:00+00:00"),
        ("nina@example.org", "True", "2025-03-21T09:00:00+00:00"),
    ]


def test_users_table_and_json(lake: Path) -> None:
    runner = CliRunner()
    table = runner.invoke(cli, ["users", "--lake", str(lake), *MARCH, "--level", "L1"])
    assert table.exit_code == 0 and "erin@example.org" in table.output
    doc = runner.invoke(
        cli, ["users", "--lake", str(lake), *MARCH, "--level", "L1", "--format", "json"]
    )
    assert [u["user_name"] for u in json.loads(doc.output)] == ["erin@example.org"]


def test_report_to_file(lake: Path, tmp_path: Path) -> None:
    out = tmp_path / "r.html"
    result = CliRunner().invoke(
        cli, ["report", "--lake", str(lake), *MARCH, "--format", "html", "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert out.read_text().startswith("<!doctype html>")


def test_report_reads_the_lake_from_the_environment(lake: Path) -> None:
    result = CliRunner().invoke(
        cli, ["report", *MARCH, "--format", "json"], env={"MAILTLS_LAKE": str(lake)}
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["since"] == "2025-03-01T00:00:00+00:00"


def test_sql_runs_one_query_over_the_views(lake: Path) -> None:
    query = "SELECT count(*) AS n FROM session_levels WHERE level = 'L0' AND is_level_evidence"
    result = CliRunner().invoke(cli, ["sql", "--lake", str(lake), "--format", "csv", query])
    # dave, judy, leo's February login and carol's April one
    assert result.output == "n\n4\n"


def test_sql_error_is_one_line(lake: Path) -> None:
    result = CliRunner().invoke(cli, ["sql", "--lake", str(lake), "SELECT * FROM nowhere"])
    assert result.exit_code == 1
    assert "nowhere" in result.output


def test_missing_lake_is_an_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["report", "--lake", str(tmp_path / "none")])
    assert result.exit_code == 1
    assert "no lake at" in str(result.exception)


def test_bad_date_is_a_usage_error(lake: Path) -> None:
    result = CliRunner().invoke(cli, ["users", "--lake", str(lake), "--since", "March"])
    assert result.exit_code == 2
    assert "is not a date" in result.output


def test_users_pseudonymised_keeps_levels_and_hides_names(
    lake: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    args = ["users", "--lake", str(lake), *MARCH, "--level", "L0", "--format", "csv"]
    plain = list(csv.DictReader(io.StringIO(CliRunner().invoke(cli, args).output)))
    monkeypatch.setenv("MAILTLS_PSEUDONYM_KEY", "test-key")
    result = CliRunner().invoke(cli, [*args, "--pseudonymise"])
    assert result.exit_code == 0, result.output
    hidden = list(csv.DictReader(io.StringIO(result.output)))
    assert "@" not in result.output
    assert len(hidden) == len(plain) == 3
    assert {r["user_name"] for r in hidden}.isdisjoint({r["user_name"] for r in plain})
    assert sorted(r["last_cleartext_at"] for r in hidden) == sorted(
        r["last_cleartext_at"] for r in plain
    )


def test_users_pseudonymise_without_a_key_is_a_usage_error(
    lake: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("MAILTLS_PSEUDONYM_KEY", raising=False)
    result = CliRunner().invoke(cli, ["users", "--lake", str(lake), "--pseudonymise"])
    assert result.exit_code == 2
    assert "MAILTLS_PSEUDONYM_KEY" in result.output
