"""How a scheduled report gets out: named periods, the staleness line, the mail handed to a
sendmail, and the one-line error when no browser can print the PDF."""

from __future__ import annotations

import email
import os
import re
import stat
from datetime import UTC, date, datetime
from email.message import EmailMessage
from pathlib import Path

import pytest

from pipeline.report import mail, pdf
from pipeline.report.periods import period_bounds, staleness


@pytest.mark.parametrize(
    ("name", "today", "expected"),
    [
        ("last-week", date(2026, 12, 7), (date(2026, 11, 30), date(2026, 12, 6))),  # a Monday
        ("last-week", date(2026, 12, 6), (date(2026, 11, 23), date(2026, 11, 29))),  # a Sunday
        ("last-month", date(2026, 12, 7), (date(2026, 11, 1), date(2026, 11, 30))),
        ("last-month", date(2027, 1, 1), (date(2026, 12, 1), date(2026, 12, 31))),
        ("last-month", date(2028, 3, 31), (date(2028, 2, 1), date(2028, 2, 29))),
    ],
)
def test_period_bounds(name: str, today: date, expected: tuple[date, date]) -> None:
    assert period_bounds(name, today) == expected


def test_staleness_is_one_line_naming_the_newest_session() -> None:
    newest = datetime(2026, 11, 29, 12, 16, tzinfo=UTC)
    now = datetime(2026, 12, 7, 0, 16, tzinfo=UTC)
    assert staleness(newest, 8, now) is None
    line = staleness(newest, 7, now)
    assert line == (
        "stale data: the newest session is from 2026-11-29 12:16 UTC, 7.5 days ago "
        "(--fail-if-stale 7)"
    )
    assert staleness(None, 7, now) == "the lake holds no session at all (--fail-if-stale 7)"


def _message() -> EmailMessage:
    return mail.build_message(
        subject="mailtls report: 7 users still send passwords unsafely",
        sender="mailtls@example.org",
        recipients=["security@example.org", "boss@example.org"],
        page="<!doctype html><html><body><p>report</p></body></html>",
        text="report as text\n",
        pdf=b"%PDF-1.4 fake",
    )


def test_the_mail_has_the_page_as_body_the_text_as_alternative_and_the_pdf_attached() -> None:
    parsed = email.message_from_bytes(_message().as_bytes())
    assert parsed["To"] == "security@example.org, boss@example.org"
    assert parsed["Auto-Submitted"] == "auto-generated"
    types = [part.get_content_type() for part in parsed.walk()]
    assert types == [
        "multipart/mixed",
        "multipart/alternative",
        "text/plain",
        "text/html",
        "application/pdf",
    ]
    attachment = next(p for p in parsed.walk() if p.get_content_type() == "application/pdf")
    assert attachment.get_filename() == "mailtls-report.pdf"
    assert attachment.get_payload(decode=True) == b"%PDF-1.4 fake"


def _fake_sendmail(tmp_path: Path, exit_code: int) -> Path:
    script = tmp_path / "sendmail"
    script.write_text(
        f'#!/bin/sh\necho "$@" > "{tmp_path}/args"\ncat > "{tmp_path}/stdin"\n'
        f'echo "sendmail: fake failure" >&2\nexit {exit_code}\n'
    )
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return script


def test_sendmail_gets_the_message_on_stdin_with_t_and_oi(tmp_path: Path) -> None:
    script = _fake_sendmail(tmp_path, 0)
    via = mail.send(_message(), sendmail=str(script))
    assert via == str(script)
    assert (tmp_path / "args").read_text().split() == ["-t", "-oi"]
    sent = email.message_from_bytes((tmp_path / "stdin").read_bytes())
    assert sent["Subject"].startswith("mailtls report")


def test_a_refusing_sendmail_is_one_line_error(tmp_path: Path) -> None:
    script = _fake_sendmail(tmp_path, 75)
    with pytest.raises(mail.MailError, match=r"exited 75: sendmail: fake failure$"):
        mail.send(_message(), sendmail=str(script))


def test_smtp_to_a_closed_port_is_one_line_error() -> None:
    with pytest.raises(mail.MailError, match=r"SMTP to 127\.0\.0\.1:9 failed"):
        mail.send(_message(), smtp="127.0.0.1:9")


def test_no_browser_says_what_pdf_output_needs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", os.devnull)
    monkeypatch.delenv(pdf.BROWSER_ENV, raising=False)
    with pytest.raises(pdf.BrowserError, match="apt-get install chromium"):
        pdf.print_pdf("<html></html>")


def test_mail_to_prints_the_pdf_and_hands_page_and_pdf_to_sendmail_quietly(
    tmp_path: Path,
) -> None:
    from click.testing import CliRunner

    from pipeline.cli import cli
    from tests import small_lake

    lake = small_lake.write_small_lake(tmp_path / "lake")
    browser = tmp_path / "chromium"  # writes a PDF where --print-to-pdf= says, as Chromium does
    browser.write_text(
        '#!/bin/sh\nfor a in "$@"; do case "$a" in --print-to-pdf=*) '
        'printf "%%PDF-1.4 fake" > "${a#--print-to-pdf=}";; esac; done\n'
    )
    browser.chmod(browser.stat().st_mode | stat.S_IXUSR)
    script = _fake_sendmail(tmp_path, 0)
    result = CliRunner().invoke(
        cli,
        [
            "report",
            "--lake",
            str(lake),
            "--mail-to",
            "security@example.org",
            "--mail-from",
            "mailtls@example.org",
            "--sendmail",
            str(script),
            "--chromium",
            str(browser),
        ],
    )
    assert result.exit_code == 0, result.output
    assert result.output == ""  # cron mails any output: a good run says nothing
    sent = email.message_from_bytes((tmp_path / "stdin").read_bytes())
    assert sent["To"] == "security@example.org"
    parts = {p.get_content_type(): p for p in sent.walk()}
    page = parts["text/html"].get_payload(decode=True).decode()
    assert "Who still sends mail passwords unsafely" in page
    assert parts["application/pdf"].get_payload(decode=True) == b"%PDF-1.4 fake"
    if "multipart/related" in parts:  # the two weekly charts as PNG by content id (no plan)
        images = [p for p in sent.walk() if p.get_content_type() == "image/png"]
        cids = {p["Content-ID"].strip("<>") for p in images}
        assert cids == set(re.findall(r'src="cid:([^"]+)"', page)) and len(cids) == 2
        assert "<svg" not in page
