"""Issue 16, coverage in plain words: when most logins have no TLS version, the report names
the setting that would give it, and shares print as percentages.

Dovecot: the stock 2.3 login line (``%c`` flag ``TLS``, no ``%k``) of a real log
(crowdsec hub's dovecot-logs.log in tests/data/logs/dovecot, see SOURCES.md).
Postfix: the submission session of test_truth_received_join (``smtpd_tls_loglevel = 0``).
"""

from __future__ import annotations

from pathlib import Path

from pipeline.config import SiteConfig
from pipeline.ingest.run import ingest
from pipeline.query import queries
from pipeline.query.db import connect
from pipeline.report.document import build_report, render
from pipeline.report.render import cell
from tests.pipeline.test_truth_received_join import LOG as POSTFIX_LOG

DOVECOT_LOGIN = (
    "Oct 13 09:22:59 canyon dovecot: pop3-login: Info: Login: user=<test@yourdomain.net>,"
    " method=PLAIN, rip=172.17.0.1, lip=172.17.0.2, mpid=18, TLS, session=<PeYcgjjOGOisEQAB>"
)


def report_of(tmp_path: Path, text: str, year: int) -> tuple[str, object]:
    log = tmp_path / "mail.log"
    log.write_text(text, encoding="utf-8")
    lake = tmp_path / "lake"
    ingest([str(log)], lake, SiteConfig(timezone="UTC", year=year))
    with connect(lake) as con:
        report = build_report(con)
        advice = queries.coverage_advice(con)
    return render(report, "text"), advice


def test_dovecot_without_k_names_the_setting(tmp_path: Path) -> None:
    text, advice = report_of(tmp_path, DOVECOT_LOGIN + "\n", 2023)
    assert list(advice["missing"]) == ["version"]  # type: ignore[index]
    assert "%k to login_log_format_elements" in text
    assert "100 %" in text  # the share, as a percentage


def test_postfix_without_tls_lines_names_the_setting(tmp_path: Path) -> None:
    text, _ = report_of(tmp_path, POSTFIX_LOG, 2009)
    assert "smtpd_tls_loglevel = 1" in text
    assert "smtpd_tls_received_header = yes" in text


def test_shares_print_as_percentages() -> None:
    from pipeline.report.render import Share

    assert cell(Share(0.857)) == "85.7 %"
    assert cell(0.857, share=True) == "85.7 %"
    assert cell(0.857) == "0.857"
    assert cell(Share(1.0)) == "100 %"
