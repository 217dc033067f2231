"""Envelopes: the same messages written in many envelopes give the same parts.

Expected values are read by hand from the lines: journalctl printed with TZ=Europe/Berlin, so
``Mar 14 00:31:06`` CET is 2023-03-13 23:31:06 UTC, and journald's __REALTIME_TIMESTAMP of the
first entry, 1678750266294639 µs, is that same instant with .294639.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from parsers.envelope import EnvelopeParser
from parsers.records import Envelope
from tests.parsers.census import DATA, lines_of

BERLIN = ZoneInfo("Europe/Berlin")
V6 = "2a02:8109:b240:41c8:9264:99a9:1b0d:15c8"
FIRST = (
    datetime(2023, 3, 13, 23, 31, 6, 294639, tzinfo=UTC),
    "helga",
    "postfix/submission/smtpd",
    303987,
    f"connect from unknown[{V6}]",
)


def envelopes(name: str, *, year: int = 2023, tz: ZoneInfo | None = BERLIN) -> list[Envelope]:
    parser = EnvelopeParser(year=year, tz=tz)
    found = [parser.parse(line) for line in lines_of(DATA / "generated" / name)]
    assert all(e is not None for e in found), name
    return [e for e in found if e is not None]


def parts(e: Envelope, *, to_second: bool = False) -> tuple[object, ...]:
    when = e.event_at.replace(microsecond=0) if (to_second and e.event_at) else e.event_at
    return (when, e.host, e.program, e.pid, e.message)


PRECISE = [
    "journalctl-252__json.log",
    "journalctl-252__short-iso-precise.log",
    "journalctl-252__short-precise.log",
    "journalctl-252__short-unix.log",
]
TO_SECOND = [
    "journalctl-252__short.log",
    "journalctl-252__short--all.log",
    "journalctl-252__short-iso.log",
    "journalctl-252__short-full.log",
]


@pytest.mark.parametrize("name", PRECISE)
def test_journalctl_precise_modes_agree(name: str) -> None:
    got = envelopes(name)
    assert parts(got[0]) == FIRST
    reference = envelopes("journalctl-252__json.log")
    # the 9th entry is the binary postscreen line: each mode prints it differently
    assert [parts(e) for e in got[:8]] == [parts(e) for e in reference[:8]]


@pytest.mark.parametrize("name", TO_SECOND)
def test_journalctl_second_modes_agree(name: str) -> None:
    got = envelopes(name)
    assert parts(got[0], to_second=True) == (FIRST[0].replace(microsecond=0), *FIRST[1:])
    reference = envelopes("journalctl-252__json.log")
    assert [parts(e, to_second=True) for e in got[:8]] == [
        parts(e, to_second=True) for e in reference[:8]
    ]


def test_journal_json_binary_message_is_decoded_without_loss() -> None:
    binary = envelopes("journalctl-252__json.log")[8]
    assert binary.program == "postfix/postscreen"
    assert binary.message.startswith("COMMAND PIPELINING from [43.135.123.64]:60542 after")
    raw = binary.message.encode("utf-8", "surrogateescape")
    assert b"\xc9\x89" in raw  # bytes 201, 137 of the MESSAGE array, kept as they were


def test_journal_short_shows_blob_placeholder() -> None:
    assert envelopes("journalctl-252__short.log")[8].message == "[412B blob data]"


LAB = "lab-postfix3.7.11-dovecot2.3.19.1__mail-"


def test_lab_three_rsyslog_templates_agree() -> None:
    rfc3339 = envelopes(LAB + "rfc3339.log", year=2026, tz=UTC)
    traditional = envelopes(LAB + "traditional.log", year=2026, tz=UTC)
    rfc5424 = envelopes(LAB + "rfc5424.log", year=2026, tz=UTC)
    assert len(rfc3339) == len(traditional) == len(rfc5424) == 80
    assert [parts(e, to_second=True) for e in rfc3339] == [
        parts(e, to_second=True) for e in traditional
    ]
    for full, short in zip(rfc3339, rfc5424, strict=True):
        # rsyslog's RFC 5424 output cuts APP-NAME at the first "/"
        assert (short.event_at, short.host, short.pid, short.message) == (
            full.event_at,
            full.host,
            full.pid,
            full.message,
        )
        assert short.program == full.program.split("/")[0]
    assert rfc3339[3].event_at == datetime(2026, 11, 29, 4, 13, 44, 526044, tzinfo=UTC)
    assert rfc5424[3].message == "connect from unknown[127.0.0.2]"  # leading space dropped


def test_rsyslog_from_rfc5424_input_agrees_across_templates_and_new_year() -> None:
    names = ["fileformat", "rfc5424", "traditional"]
    got = {n: envelopes(f"rsyslog-8.2302__from-rfc5424-input__{n}.log") for n in names}
    expected = [parts(e, to_second=True) for e in got["fileformat"]]
    assert [parts(e, to_second=True) for e in got["rfc5424"]] == expected
    # the traditional template drops the tag's colon and the year; 2023 is pinned, and the
    # Dec 31 / Jan 1 lines must come out as 2022-12-31 22:59:58 and 2023-01-01 UTC
    assert [parts(e, to_second=True) for e in got["traditional"]] == expected
    times = [e.event_at for e in got["traditional"]]
    assert times[6] == datetime(2022, 12, 31, 22, 59, 58, tzinfo=UTC)
    assert times[7] == datetime(2022, 12, 31, 23, 0, 1, tzinfo=UTC)
    assert times[8] == datetime(2023, 1, 5, 8, 7, 3, tzinfo=UTC)
    assert got["traditional"][0].program == "postfix/submission/smtpd"


def test_rsyslog_from_rfc3164_input() -> None:
    traditional = envelopes(
        "rsyslog-8.2302__from-rfc3164-input__traditional.log", year=2026, tz=UTC
    )
    stamped = envelopes("rsyslog-8.2302__from-rfc3164-input__fileformat.log", year=2026, tz=UTC)
    short = envelopes("rsyslog-8.2302__from-rfc3164-input__rfc5424.log", year=2026, tz=UTC)
    # rsyslog stamped every line with its own year (2026): Dec 31 then Jan 1 of the same year
    assert stamped[4].event_at == datetime(2026, 1, 1, 0, 0, 1, tzinfo=UTC)
    # read in order, March then December reads as a December before March (a forward jump of
    # more than six months), then January follows it: the same rule that gets the true dates of
    # the RFC 5424 fixture (2023-03-14, 2022-12-31, 2023-01-01) right
    assert traditional[3].event_at == datetime(2025, 12, 31, 23, 59, 58, tzinfo=UTC)
    assert traditional[4].event_at == datetime(2026, 1, 1, 0, 0, 1, tzinfo=UTC)
    assert (
        [e.message for e in traditional]
        == [e.message for e in stamped]
        == [e.message for e in short]
    )
    assert [e.program for e in short] == ["postfix", "postfix", "postfix", "dovecot", "dovecot"]


def parse(line: str, **kwargs: object) -> Envelope:
    found = EnvelopeParser(**kwargs).parse(line)  # type: ignore[arg-type]
    assert found is not None, line
    return found


def test_new_year_rollover_and_late_line() -> None:
    parser = EnvelopeParser(year=2022, tz=UTC)
    lines = [
        "Dec 31 23:59:59 mx postfix/smtpd[1]: connect from a[192.0.2.1]",
        "Jan  1 00:00:00 mx postfix/smtpd[1]: connect from a[192.0.2.1]",
        "Dec 31 23:59:59 mx postfix/smtpd[2]: connect from a[192.0.2.1]",  # written late
        "Jan 01 00:00:02 mx postfix/smtpd[1]: connect from a[192.0.2.1]",
        "Feb  1 00:00:00 mx postfix/smtpd[1]: connect from a[192.0.2.1]",
    ]
    years = [e.event_at.year for line in lines if (e := parser.parse(line)) and e.event_at]
    assert years == [2022, 2023, 2022, 2023, 2023]


def test_pinned_year_and_site_zone() -> None:
    e = parse("Jul  4 12:00:00 mx postfix/smtpd[1]: x", year=2019, tz=BERLIN)
    assert e.event_at == datetime(2019, 7, 4, 10, 0, tzinfo=UTC)  # CEST, UTC+2
    e = parse("Jan  4 12:00:00 mx postfix/smtpd[1]: x", year=2019, tz=BERLIN)
    assert e.event_at == datetime(2019, 1, 4, 11, 0, tzinfo=UTC)  # CET, UTC+1


def test_unpinned_year_is_never_in_the_future() -> None:
    now = datetime.now(UTC)
    ahead = (now.replace(day=1) + timedelta(days=40)).strftime("%b")
    e = parse(f"{ahead} 10 12:00:00 mx postfix/smtpd[1]: x", tz=UTC)
    assert e.event_at is not None
    expected = now.year if now.month == 12 else now.year - 1
    assert e.event_at.year == expected


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        # Dovecot log_path: no host, program dovecot, message from the service on
        (
            "Jun 13 20:20:21 imap-login: Info: Login: user=<a@b>, method=PLAIN, rip=192.0.2.1",
            (
                datetime(2023, 6, 13, 20, 20, 21, tzinfo=UTC),
                "",
                "dovecot",
                None,
                "imap-login: Info: Login: user=<a@b>, method=PLAIN, rip=192.0.2.1",
            ),
        ),
        (
            "2012-06-09 09:45:08 imap-login: Info: Login: user=<marione>, method=PLAIN",
            (
                datetime(2012, 6, 9, 9, 45, 8, tzinfo=UTC),
                "",
                "dovecot",
                None,
                "imap-login: Info: Login: user=<marione>, method=PLAIN",
            ),
        ),
        (
            "Jun 12 23:06:05 auth-worker(57065): Info: conn unix:auth-worker (uid=143): x",
            (
                datetime(2023, 6, 12, 23, 6, 5, tzinfo=UTC),
                "",
                "dovecot",
                None,
                "auth-worker(57065): Info: conn unix:auth-worker (uid=143): x",
            ),
        ),
        # Solaris message id after the tag
        (
            "Jan  8 10:00:01 sol postfix/smtpd[7]: [ID 197553 mail.info] connect from a[192.0.2.1]",
            (
                datetime(2023, 1, 8, 10, 0, 1, tzinfo=UTC),
                "sol",
                "postfix/smtpd",
                7,
                "connect from a[192.0.2.1]",
            ),
        ),
        # RFC 5424 with structured data (an escaped "]" inside a value), BOM, nil PROCID
        (
            '<22>1 2023-03-14T00:31:06Z mx postfix/smtpd - ID47 [ex@32473 a="x\\]y" b="2"][o@1 c="3"] \ufeffconnect from a[192.0.2.1]',
            (
                datetime(2023, 3, 14, 0, 31, 6, tzinfo=UTC),
                "mx",
                "postfix/smtpd",
                None,
                "connect from a[192.0.2.1]",
            ),
        ),
        # RFC 5424 nil timestamp and host
        ("<22>1 - - postfix 12 - - hello", (None, "", "postfix", 12, "hello")),
        # PRI in front of an RFC 3164 header (the raw network form)
        (
            "<22>Mar 14 00:31:06 mx postfix/smtpd[9]: hello",
            (datetime(2023, 3, 14, 0, 31, 6, tzinfo=UTC), "mx", "postfix/smtpd", 9, "hello"),
        ),
        # journalctl -o short-full with an abbreviation it knows and one it does not (site zone)
        (
            "Tue 2023-03-14 00:31:06 CET helga postfix/smtpd[1]: hi",
            (datetime(2023, 3, 13, 23, 31, 6, tzinfo=UTC), "helga", "postfix/smtpd", 1, "hi"),
        ),
        (
            "Tue 2023-03-14 00:31:06 XYZT helga postfix/smtpd[1]: hi",
            (datetime(2023, 3, 14, 0, 31, 6, tzinfo=UTC), "helga", "postfix/smtpd", 1, "hi"),
        ),
        # docker compose prefix and Docker's json-file driver around a syslog line
        (
            "postfix-mailcow-1  | Mar 14 00:31:06 mx postfix/smtpd[9]: hello",
            (datetime(2023, 3, 14, 0, 31, 6, tzinfo=UTC), "mx", "postfix/smtpd", 9, "hello"),
        ),
        (
            '{"log":"Mar 14 00:31:06 mx postfix/smtpd[9]: hello\\n","stream":"stdout","time":"2023-03-14T00:31:06.20764059Z"}',
            (datetime(2023, 3, 14, 0, 31, 6, tzinfo=UTC), "mx", "postfix/smtpd", 9, "hello"),
        ),
        (
            '{"log":"postfix/smtpd[9]: hello\\n","stream":"stderr","time":"2023-03-14T00:31:06.20764059Z"}',
            (datetime(2023, 3, 14, 0, 31, 6, 207640, tzinfo=UTC), "", "postfix/smtpd", 9, "hello"),
        ),
        # mailcow's syslog-ng JSON: epoch seconds, the tag already split
        (
            '{"time":"1678750266","priority":"info","program":"postfix/smtpd","message":"hello"}',
            (datetime(2023, 3, 13, 23, 31, 6, tzinfo=UTC), "", "postfix/smtpd", None, "hello"),
        ),
        # a date that cannot exist keeps the rest of the line
        ("Feb 30 10:00:00 mx postfix/smtpd[1]: hello", (None, "mx", "postfix/smtpd", 1, "hello")),
    ],
)
def test_envelope_forms(line: str, expected: tuple[object, ...]) -> None:
    assert parts(parse(line, year=2023, tz=UTC)) == expected


@pytest.mark.parametrize(
    "line",
    [
        "",
        "   ",
        "# failJSON: {}",
        "Jan",
        "Jan 1 00:00:00",
        "Foo 1 00:00:00 hostname",
        "Jan 1 00:00:00 hostname postfix/postscreen[12345",
        '{"MESSAGE": null}',
        "[1, 2]",
        '{"MESSAGE": [300, 1]}',
        "<999>",
        "<22>1 2023-03-14T00:31:06Z h a p m [unterminated",
    ],
)
def test_no_envelope(line: str) -> None:
    assert EnvelopeParser(year=2023, tz=UTC).parse(line) is None
