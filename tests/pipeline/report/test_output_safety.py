"""What an attacker writes into a log never reaches an output raw (issue 12, points 3 to 6):
spreadsheet formulas in CSV, rich markup and escape sequences on a terminal, CR and look-alike
names in notices, passwords in rejects and in `mailtls explain`. Each case is the attack input."""

from __future__ import annotations

import csv
import email
import email.policy
import io
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from pipeline.cli import cli
from pipeline.report.document import Section, render
from pipeline.report.escapes import printable, spreadsheet_safe
from pipeline.report.notices import Notice, as_message, file_name, recipient
from pipeline.report.render import csv_text, text_table
from tests.fuzz.reports import a_report
from tests.pipeline.lakes import at, session, write_table

NAMES = [
    "=cmd|'/c calc'!A0",
    "+1-2",
    "-2+3",
    "@sum(1,2)",
    "\tx",
    "\rx",
    "a\rb@example.org",
    "nul\x00byte",
    "[/x]",
    "[link=https://evil.example]click[/link]",
    "\x1b[31mred\x1b[0m",
    "\x1b]8;;https://evil.example\x1b\\link\x1b]8;;\x1b\\",
    "right\u202eto-left",
]


def _frame() -> pd.DataFrame:
    return pd.DataFrame({"user_name": NAMES, "sessions_count": range(len(NAMES))})


def test_csv_cells_never_start_a_formula_nor_split_a_row() -> None:
    text = csv_text(_frame())
    rows = list(csv.reader(io.StringIO(text)))
    assert len(rows) == len(NAMES) + 1  # no CR or LF split a row
    for (name, count), original in zip(rows[1:], NAMES, strict=True):
        assert not name.startswith(("=", "+", "-", "@", "\t", "\r")), name
        assert not any(ord(c) < 32 or c == "\x7f" for c in name), name
        assert name.lstrip("'").replace("\\x1b", "\x1b").startswith(original[:1]) or "\\" in name
        assert count.isdigit()  # numbers stay numbers
    assert rows[1][0] == "'=cmd|'/c calc'!A0"
    assert "\x00" not in text


def test_csv_keeps_negative_numbers_and_plain_names() -> None:
    frame = pd.DataFrame({"user_name": ["alice@example.org"], "delta": [-3]})
    assert csv_text(frame) == "user_name,delta\nalice@example.org,-3\n"


def test_report_csv_is_neutralised_too() -> None:
    report = a_report((Section("Users", _frame()),), _frame(), "=1+1")
    text = render(report, "csv")
    cells = [row[3] for row in csv.reader(io.StringIO(text))][3:]
    assert all(not c.startswith(("=", "+", "@", "\t", "\r")) for c in cells)
    assert "'=cmd" in text and "\x1b" not in text


@pytest.mark.parametrize("styled", [False, True])
def test_terminal_tables_show_data_as_text(styled: bool) -> None:
    # "[/x]" crashed rich with a MarkupError; "[link=…]" became a live link; ESC passed through
    text = text_table(_frame(), title="users", styled=styled)
    assert "[/x]" in text
    assert "[link=https://evil.example]click[/link]" in text.replace("\n", "")
    for raw in ("\x1b[31m", "\x1b]8;", "\r", "\x00", "\u202e"):
        assert raw not in text.replace("\x1b[1m", "").replace("\x1b[0m", "") or styled
    if not styled:
        assert "\x1b" not in text
    else:  # rich's own styling only: no OSC 8 link, no data colour
        assert "\x1b]8;" not in text and "\x1b[31m" not in text


@pytest.mark.parametrize("fmt", ["table", "json", "csv"])
def test_users_and_sql_commands_print_hostile_names(tmp_path: Path, fmt: str) -> None:
    rows = [
        session(
            user_name=name,
            event_at=at("2025-03-10 08:00"),
            client_ip="198.51.100.1",
            service="imap",
            server_port=993,
            tls_mode="implicit",
            tls_version="TLSv1.3",
            security="modern_tls",
        )
        for name in NAMES
    ]
    write_table(tmp_path, "sessions", rows, "event_at")
    runner = CliRunner()
    users = runner.invoke(cli, ["users", "--lake", str(tmp_path), "--format", fmt])
    assert users.exit_code == 0, users.output
    sql = runner.invoke(
        cli, ["sql", "--lake", str(tmp_path), "--format", fmt, "SELECT user_name FROM stg_sessions"]
    )
    assert sql.exit_code == 0, sql.output
    for output in (users.output, sql.output):
        assert "\x1b" not in output and "\x00" not in output and "\r" not in output
        if fmt == "table":
            assert "[/x]" in output


def test_printable_escapes_every_control_character() -> None:
    assert printable("a\x1b[2Jb\r\n\t\x00\x7f\x9b\u202e\u2066z") == (
        "a\\x1b[2Jb\\r\\n\\t\\x00\\x7f\\x9b\\u202e\\u2066z"
    )
    assert printable("jürgen@example.org") == "jürgen@example.org"
    assert spreadsheet_safe(-1) == -1 and spreadsheet_safe("=1") == "'=1"


def _notice(name: str) -> Notice:
    return Notice(name, "L0", "subject", "body")


@pytest.mark.parametrize(
    "name",
    [
        "a\rb@example.org",
        "a@x,b@evil.example",
        "a@x, b@evil.example",
        "<a@x>",
        "alice",
        "a b@x.org",
        "a@x",
        '"a"@x.org',
        "a@x.org\nBcc: b@evil.example",
        "a@-x.org",
    ],
)
def test_a_notice_goes_to_one_valid_address_or_nowhere(name: str) -> None:
    assert recipient(name) is None
    with pytest.raises(ValueError, match="not one mail address"):
        as_message(_notice(name), sender="it@example.org", now=at("2025-03-01 00:00"))


def test_valid_addresses_including_utf8_ones_get_their_notice() -> None:
    for name in ("alice@example.org", "jürgen@exämple.org", "a.b+tag@mail.example.org"):
        assert recipient(name) == name
        message = as_message(_notice(name), sender="it@example.org", now=at("2025-03-01 00:00"))
        parsed = email.message_from_string(message.as_bytes().decode(), policy=email.policy.default)
        assert [a.addr_spec for a in parsed["To"].addresses] == [name]


def test_notice_file_names_never_collide() -> None:
    names = [
        "x/y@example.org",
        "x_y@example.org",
        "x:y@example.org",
        "jürgen@example.org",
        "jörgen@example.org",
        "alice@example.org",
        "..@example.org",
        "x_y@example.org.0123456789ab",
    ]
    files = [file_name(n) for n in names]
    assert len(set(files)) == len(names)
    assert all("/" not in f and not f.startswith(".") and f.endswith(".eml") for f in files)
    assert file_name("alice@example.org") == "alice@example.org.eml"


def test_notify_writes_one_file_per_user_and_skips_what_is_no_address(tmp_path: Path) -> None:
    users = [
        "x/y@example.org",
        "x_y@example.org",
        "jürgen@example.org",
        "jörgen@example.org",
        "a\rb@example.org",
        "a@x,b@evil.example",
    ]
    rows = [
        session(
            user_name=u,
            event_at=at("2025-03-10 08:00"),
            client_ip="198.51.100.1",
            service="pop3",
            server_port=110,
            tls_mode="none",
            security="cleartext",
        )
        for u in users
    ]
    lake = tmp_path / "lake"
    write_table(lake, "sessions", rows, "event_at")
    out = tmp_path / "out"
    result = CliRunner().invoke(
        cli, ["notify", "--lake", str(lake), "--from", "it@example.org", "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert "4 notices written" in result.output
    assert "2 users without a notice" in result.output and "a\\rb@example.org" in result.output
    written = sorted(out.iterdir())
    assert len(written) == 4
    recipients = {
        str(email.message_from_string(p.read_bytes().decode(), policy=email.policy.default)["To"])
        for p in written
    }
    assert len(recipients) == 4 and "a@x,b@evil.example" not in recipients
