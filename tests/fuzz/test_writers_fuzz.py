"""Fuzz pass over every output writer (text, rich text, Markdown, HTML, CSV, JSON, the report
in each format, .eml notices and their file names) with attacker text for the names: a fixed
small budget per run (`make test`). What comes out is data, never a command: no control
character or escape sequence from the data on a terminal, no formula or split row in a CSV,
no markup in HTML, one valid address (or no notice) in an .eml."""

from __future__ import annotations

import csv
import email
import email.policy
import io
import json
import re
from datetime import UTC, datetime

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.query.queries import Window
from pipeline.report.document import FORMATS, render
from pipeline.report.notices import Notice, as_message, file_name, recipient
from pipeline.report.render import (
    FRAME_FORMATS,
    csv_text,
    frame_as,
    html_table,
    markdown_table,
    text_table,
)
from tests.fuzz.reports import real_report_with
from tests.fuzz.seeds import HOSTILE

BUDGET = settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
# what the lake can hold: valid UTF-8 (the writer keeps a non-UTF-8 byte as "\\xff")
VALID = [h for h in HOSTILE if h.isprintable() or not any(0xD800 <= ord(c) < 0xE000 for c in h)]
NAME = st.one_of(
    st.text(st.characters(blacklist_categories=("Cs",)), max_size=40), st.sampled_from(VALID)
)
NAMES = st.lists(NAME, min_size=1, max_size=6)
SGR = re.compile(r"\x1b\[[0-9;]*m")  # rich's own colours and bold: the only escapes allowed
RAW_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
WINDOW = Window(datetime(2025, 3, 1, tzinfo=UTC), datetime(2025, 3, 31, tzinfo=UTC))


def _frame(names: list[str]) -> pd.DataFrame:
    return pd.DataFrame(
        {"user_name": names, "level": ["L0"] * len(names), "sessions_count": range(len(names))}
    )


def _terminal_safe(text: str) -> None:
    without_styling = SGR.sub("", text)
    assert "\x1b" not in without_styling
    assert not RAW_CONTROL.search(without_styling)


@BUDGET
@given(NAMES, st.booleans())
def test_text_tables(names: list[str], styled: bool) -> None:
    _terminal_safe(text_table(_frame(names), title="users", styled=styled))
    _terminal_safe(markdown_table(_frame(names)))


@BUDGET
@given(NAMES)
def test_html(names: list[str]) -> None:
    html = html_table(_frame(names))
    assert html.count("<tr>") == len(names) + 1  # no row made or hidden by the data
    assert "<script" not in html and not RAW_CONTROL.search(html)


@BUDGET
@given(NAMES)
def test_csv(names: list[str]) -> None:
    text = csv_text(_frame(names))
    rows = list(csv.reader(io.StringIO(text)))
    assert len(rows) == len(names) + 1
    for row in rows[1:]:
        assert not row[0].startswith(("=", "+", "-", "@", "\t", "\r"))
        assert not RAW_CONTROL.search(row[0]) and "\n" not in row[0]


@BUDGET
@given(NAMES, st.sampled_from(FRAME_FORMATS))
def test_command_formats(names: list[str], fmt: str) -> None:
    text = frame_as(_frame(names), fmt, styled=True)
    if fmt == "json":
        assert [r["user_name"] for r in json.loads(text)] == names  # JSON keeps data exactly
        assert not RAW_CONTROL.search(text)  # …as escapes
    else:
        _terminal_safe(text)


@BUDGET
@given(NAMES, st.sampled_from(FORMATS))
def test_report_formats(names: list[str], fmt: str) -> None:
    report = real_report_with(names)
    text = render(report, fmt, styled=fmt == "text")
    if fmt == "json":
        json.loads(text)
    elif fmt == "csv":
        for row in list(csv.reader(io.StringIO(text)))[1:]:
            assert not str(row[3]).startswith(("=", "+", "@", "\t", "\r"))
    elif fmt == "html":
        assert "<script" not in text.lower() or "<script" in text.lower().split("</head>")[0]
        assert not RAW_CONTROL.search(text.replace("\t", ""))
    else:
        _terminal_safe(text)


@BUDGET
@given(NAME)
def test_eml_has_one_valid_address_or_is_not_written(name: str) -> None:
    notice = Notice(name, "L0", "subject", "body")
    now = datetime(2025, 3, 1, tzinfo=UTC)
    if recipient(name) is None:
        try:
            as_message(notice, sender="it@example.org", now=now)
        except ValueError:
            return
        raise AssertionError(f"a notice was made for {name!r}")
    data = as_message(notice, sender="it@example.org", now=now).as_bytes()
    parsed = email.message_from_string(data.decode(), policy=email.policy.default)
    assert [a.addr_spec for a in parsed["To"].addresses] == [name]


@BUDGET
@given(st.lists(NAME, min_size=2, max_size=8, unique=True))
def test_notice_file_names_are_distinct_and_safe(names: list[str]) -> None:
    files = [file_name(n) for n in names]
    assert len(set(files)) == len(files)
    for f in files:
        assert "/" not in f and "\x00" not in f and not f.startswith(".") and len(f) < 200
