"""Issue 16, defect 7: no year-less line is dated after its file's last change, and months out
of order do not add a year each.

Real lines: fail2ban's Postfix fixture (tests/data/logs/postfix/fail2ban__postfix.log), whose
year-less lines run Feb, Jul, Aug, May, Jan, Dec, … (samples of many years, out of order).
"""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

from parsers.envelope import EnvelopeParser
from pipeline.config import SiteConfig
from pipeline.ingest.run import ingest

DATA = Path(__file__).parents[1] / "data" / "logs"
FAIL2BAN = DATA / "postfix" / "fail2ban__postfix.log"
DEC_21 = next(
    line for line in FAIL2BAN.read_text(encoding="utf-8").splitlines() if line.startswith("Dec 21")
)
INGESTED_ON = datetime(2026, 12, 6, 12, 0, tzinfo=UTC)


def dates(lines: list[str], not_after: datetime | None, year: int | None = None) -> list[datetime]:
    parser = EnvelopeParser(tz=UTC, not_after=not_after, year=year)
    found = (parser.parse(line) for line in lines)
    return [e.event_at for e in found if e is not None and e.event_at is not None]


def test_a_december_line_read_early_in_december_is_from_last_year() -> None:
    (at,) = dates([DEC_21], INGESTED_ON)
    assert at == datetime(2025, 12, 21, 21, 17, 29, tzinfo=UTC)


def test_months_out_of_order_never_reach_beyond_the_file() -> None:
    lines = [ln for ln in FAIL2BAN.read_text(encoding="utf-8").splitlines() if ln[:1].isalpha()]
    found = dates(lines, INGESTED_ON)
    assert len(found) > 60
    assert max(found) <= INGESTED_ON
    assert {at.year for at in found} <= {2025, 2026}


def test_a_file_across_new_year_still_gets_both_years() -> None:
    lines = [
        "Dec 31 23:59:58 mx postfix/smtpd[1]: connect from unknown[192.0.2.1]",
        "Jan  1 00:00:02 mx postfix/smtpd[1]: disconnect from unknown[192.0.2.1]",
    ]
    first, second = dates(lines, datetime(2027, 1, 3, tzinfo=UTC))
    assert (first.year, second.year) == (2026, 2027)


def test_an_ingested_file_is_dated_by_its_modification_time(tmp_path: Path) -> None:
    log = tmp_path / "mail.log"
    log.write_text(
        "Dec 21 21:17:29 xxx dovecot: pop3-login: Info: Login: user=<test@yourdomain.net>,"
        " method=PLAIN, rip=172.17.0.1, lip=172.17.0.2, mpid=18, TLS,"
        " session=<PeYcgjjOGOisEQAB>\n",
        encoding="utf-8",
    )
    os.utime(log, (INGESTED_ON.timestamp(), INGESTED_ON.timestamp()))
    lake = tmp_path / "lake"
    ingest([str(log)], lake, SiteConfig(timezone="UTC"))
    (day,) = [p.name for p in (lake / "sessions").iterdir()]
    assert day == "date=2025-12-21"


def test_explain_dates_a_files_lines_as_ingest_does(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from pipeline.cli.explain import explain

    log = tmp_path / "mail.log"
    log.write_text(
        "Dec 21 21:17:29 xxx dovecot: pop3-login: Info: Login: user=<test@yourdomain.net>,"
        " method=PLAIN, rip=172.17.0.1, lip=172.17.0.2, mpid=18, TLS,"
        " session=<PeYcgjjOGOisEQAB>\n",
        encoding="utf-8",
    )
    os.utime(log, (INGESTED_ON.timestamp(), INGESTED_ON.timestamp()))
    result = CliRunner().invoke(explain, [str(log)])
    assert "time     2025-12" in result.output, result.output  # not 2026: after the file
