"""Issue 16, the log-line side: real lines of forms other installations write (sources in
tests/data/SOURCES.md, "logs/wild"), each read for what it says. Every test here failed on the
code before the fix: the line was a reject, the wrong kind, no row, or the file was skipped."""

from __future__ import annotations

from pathlib import Path

import pyarrow.parquet as pq
from click.testing import CliRunner

from parsers.logline import LogLineParser
from parsers.records import LogEvent, Reject
from pipeline.cli import cli
from pipeline.config import SiteConfig
from pipeline.ingest.run import ingest
from pipeline.query import queries
from pipeline.query.db import connect
from pipeline.sessions.sessioniser import Sessioniser

WILD = Path(__file__).resolve().parents[1] / "data" / "logs" / "wild"
CONFIG = SiteConfig(year=2024, timezone="UTC")


def _records(name: str) -> list[LogEvent | Reject | None]:
    parser = LogLineParser(year=2024)
    lines = (WILD / name).read_text().splitlines()
    return [parser.parse(line, n) for n, line in enumerate(lines, 1)]


def _rows(name: str) -> list[dict]:
    """The sessions rows of a file fed whole, open sessions closed at its end."""
    sessions = Sessioniser(CONFIG)
    for record in _records(name):
        if isinstance(record, LogEvent):
            sessions.feed(record, name)
    sessions.flush_stale(everything=True)
    return sessions.take_rows()


def _lake_sessions(lake: Path) -> list[dict]:
    return [
        row
        for part in sorted((lake / "sessions").rglob("*.parquet"))
        for row in pq.read_table(part).to_pylist()
    ]


def test_dovecot_24_logged_in_is_a_successful_login() -> None:
    # defect 1: "Logged in:" (Dovecot 2.4) with and without a dovecot[pid] envelope
    records = _records("dovecot-2.4-logged-in.log")
    assert [r.kind for r in records if r is not None] == ["dovecot.login.ok"] * 2
    rows = _rows("dovecot-2.4-logged-in.log")
    assert [(r["user_name"], r["auth_result"]) for r in rows] == [
        ("ceo@example.com", "ok"),
        ("testuser", "ok"),
    ]


def test_refused_plaintext_of_an_unknown_user_makes_a_row(tmp_path: Path) -> None:
    # defect 4: "Login failed: Plaintext authentication disabled: user=<>" alone in the data
    ingest([str(WILD / "dovecot-refused-plaintext.log")], tmp_path, CONFIG)
    rows = _lake_sessions(tmp_path)
    assert [(r["user_name"], r["auth_result"], r["client_ip"]) for r in rows] == [
        (None, "refused_cleartext", "151.1.221.25")
    ]


def test_refused_plaintext_of_an_unknown_user_shows_in_the_report(tmp_path: Path) -> None:
    # defect 4, the report side: an exposure event of an unknown user, in the headline and trend
    ingest([str(WILD / "dovecot-refused-plaintext.log")], tmp_path, CONFIG)
    with connect(tmp_path) as con:
        head = queries.overview(con).iloc[0]
        trend = queries.daily_trend(con)
    assert (head["unknown_user_refused_count"], head["login_count"]) == (1, 0)
    assert trend["cleartext_logins"].tolist() == [1]


def test_postfix_tls_line_without_trust_word_gives_the_version() -> None:
    # defect 2: Postfix < 2.5 "TLS connection established from …: TLSv1 with cipher …", and the
    # "setting up TLS connection from …" line before it is known noise, not a reject
    records = _records("postfix-2.x-tls-no-trust-word.log")
    assert not [r for r in records if not isinstance(r, LogEvent)]
    assert [r.kind for r in records if isinstance(r, LogEvent)][1:3] == [
        "postfix.smtpd.tls_setup",
        "postfix.smtpd.tls_established",
    ]
    (row,) = _rows("postfix-2.x-tls-no-trust-word.log")
    assert (row["tls_version"], row["tls_cipher"], row["user_name"], row["auth_result"]) == (
        "TLSv1.0",
        "DHE-RSA-AES256-SHA",
        "administrator",
        "ok",
    )


def test_before_queue_proxy_noqueue_client_lines() -> None:
    # defect 5: smtpd in front of a before-queue content filter logs "NOQUEUE: client=…"
    plain = _records("postfix-noqueue-client.log")
    assert [r.kind if r else None for r in plain] == ["postfix.smtpd.connect"] + [
        "postfix.smtpd.client"
    ] * 2
    (sasl,) = _records("postfix-noqueue-client-sasl.log")
    assert isinstance(sasl, LogEvent)
    assert (sasl.fields["queue_id"], sasl.fields["user_name"], sasl.fields["auth_method"]) == (
        None,
        "user@domain.example",
        "PLAIN",
    )
    (row,) = _rows("postfix-noqueue-client-sasl.log")
    assert (row["user_name"], row["auth_result"]) == ("user@domain.example", "ok")


def test_after_data_byte_counts_are_read() -> None:
    # defect 6: "… after DATA (N bytes) from …" (and the 2.6 snapshots' "(approximately N
    # bytes)", a dialect example: no real line of it was found)
    records = _records("postfix-after-bytes.log")
    assert [r.fields["bytes"] for r in records if isinstance(r, LogEvent)] == ["0", "0", "0"]


def test_a_log_whose_lines_start_with_a_word_and_colon_is_not_mail(tmp_path: Path) -> None:
    # defect 8: "dovecot: pop3-login: …" lines were read as one message without Received
    summary = ingest([str(WILD / "dovecot-no-envelope.log")], tmp_path, CONFIG)
    assert [s.name for s in summary.sets] != ["mail"]
    assert not (tmp_path / "messages").exists()
    (problem,) = [f.problem for s in summary.sets for f in s.files]
    assert problem is not None and "Dovecot log, but none of its lines recognised" in problem


def test_outbound_relay_log_is_a_postfix_log_without_logins(tmp_path: Path) -> None:
    # defect 9: delivery lines only; was "skipped: not a mail log?" with exit 3
    runner = CliRunner()
    log = str(WILD / "postfix-outbound-only.log")
    result = runner.invoke(cli, ["ingest", log, "--lake", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "Postfix log, no client logins" in result.output
    assert "skipped" not in result.output


def test_skipped_files_do_not_count_as_ingested(tmp_path: Path) -> None:
    notes = tmp_path / "notes.log"
    notes.write_text("shopping list\neggs\n")
    log = WILD / "dovecot-2.4-logged-in.log"
    copy = tmp_path / "mail.log"
    copy.write_bytes(log.read_bytes())
    result = CliRunner().invoke(
        cli, ["ingest", str(copy), str(notes), "--lake", str(tmp_path / "lake")]
    )
    assert result.exit_code == 3
    assert "skipped" in result.output
    assert f"{notes}: 1 file" not in result.output
    assert f"{copy}: 1 file, 2 lines, 2 recognised, 2 sessions" in result.output


def test_unknown_shapes_are_counted_and_listed(tmp_path: Path) -> None:
    # gaps visible: an smtpd line no dialect reads is counted by shape at ingest and listed by
    # explain --unknown with its count and an example (with its line number)
    log = tmp_path / "mail.log"
    log.write_text(
        (WILD.parent / "postfix" / "crowdsec-hub__postfix-relay.log").read_text()
        + (WILD / "postfix-2.x-tls-no-trust-word.log").read_text()
    )
    runner = CliRunner()
    ingested = runner.invoke(cli, ["ingest", str(log), "--lake", str(tmp_path / "lake")])
    assert "not recognised: postfix 2 lines in 1 shape" in ingested.output
    listed = runner.invoke(cli, ["explain", "--unknown", str(log)])
    assert listed.exit_code == 0
    assert "postfix: 2 lines not recognised, 1 shape" in listed.output
    assert "NOQUEUE: reject: RCPT from *[*]: N N <*>: Relay access denied" in listed.output
    assert "line 1: 2024-08-25T10:04:35.051238+00:00 machine postfix/smtpd" in listed.output


def test_explain_file_numbers_its_lines() -> None:
    result = CliRunner().invoke(cli, ["explain", str(WILD / "postfix-after-bytes.log")])
    assert "line 3: dialect  postfix.smtpd.timeout" in result.output


def test_refused_then_logged_in_is_two_rows_and_the_login_keeps_its_failures() -> None:
    # the lab's wording (Dovecot 2.3.19): a cleartext LOGIN refused, a wrong password, then a
    # login in the same connection; the refusal is an exposure of its own
    lines = [
        "Nov 29 05:24:10 vm dovecot: imap-login: Login failed: Plaintext authentication disabled: user=<>, rip=127.0.0.21, lip=127.0.0.1, session=<Zh3DgGNhddx/AAAV>",
        "Nov 29 05:24:11 vm dovecot: auth: passwd-file(ken@lab.example,127.0.0.21,<Zh3DgGNhddx/AAAV>): Password mismatch",
        "Nov 29 05:24:12 vm dovecot: imap-login: Login: user=<ken@lab.example>, method=PLAIN, rip=127.0.0.21, lip=127.0.0.1, mpid=4711, TLS, session=<Zh3DgGNhddx/AAAV>",
    ]
    parser = LogLineParser(year=2026)
    sessions = Sessioniser(CONFIG)
    for number, line in enumerate(lines, 1):
        record = parser.parse(line, number)
        assert isinstance(record, LogEvent), line
        sessions.feed(record, "mail.log")
    sessions.flush_stale(everything=True)
    rows = sessions.take_rows()
    assert [(r["user_name"], r["auth_result"], r["auth_failures"]) for r in rows] == [
        ("ken@lab.example", "ok", 1),
        (None, "refused_cleartext", 0),
    ]
