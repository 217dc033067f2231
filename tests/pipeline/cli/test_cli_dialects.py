"""`mailtls dialects --check` walks log and Received dialects and fails on a broken example."""

from __future__ import annotations

from click.testing import CliRunner

from parsers import registry
from parsers.dialect import Example
from pipeline.cli import cli


def test_check_passes_on_the_shipped_dialects() -> None:
    result = CliRunner().invoke(cli, ["dialects", "--check"])
    assert result.exit_code == 0, result.output
    assert "FAIL" not in result.output


def test_check_fails_on_a_wrong_expected_field() -> None:
    dialect = registry.all_dialects()[0]
    shipped = dialect.examples
    wrong = (Example(shipped[0].line, {"client_ip": "203.0.113.250"}),)
    object.__setattr__(dialect, "examples", wrong)  # frozen: patch in place, restore below
    try:
        result = CliRunner().invoke(cli, ["dialects", "--check"])
    finally:
        object.__setattr__(dialect, "examples", shipped)
    assert result.exit_code == 1
    assert f"FAIL {dialect.key}: field client_ip" in result.output
