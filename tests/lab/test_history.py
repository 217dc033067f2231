"""lab/history.py and lab/week.py, offline: moving a lab run onto the calendar changes the
timestamps and nothing else, and the weekly ground truth follows DESIGN.md's level rules."""

from __future__ import annotations

import gzip
import importlib
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

LAB = Path(__file__).resolve().parents[2] / "lab"
sys.path.insert(0, str(LAB))
history = importlib.import_module("history")
week = importlib.import_module("week")

# a run that started its days at 00:48:04 and 00:48:10 (real), moved to Oct 5 and Oct 6
REAL = datetime(2026, 12, 7, 0, 48, 4, tzinfo=UTC).timestamp()
SHIFT = history.Shift(
    (REAL, REAL + 6),
    (datetime(2026, 10, 5, 9, 0, 0, tzinfo=UTC), datetime(2026, 10, 6, 14, 30, 0, tzinfo=UTC)),
)

POSTFIX_LINE = (
    b"Dec 07 00:48:11 mail postfix/submission/smtpd[17994]: Anonymous TLS connection "
    b"established from unknown[127.0.0.201]: TLSv1 with cipher ECDHE-RSA-AES256-SHA (256/256 bits)\n"
)
MESSAGE = (
    b"Return-Path: <heidi@lab.example>\n"
    b"Delivered-To: dave@lab.example\n"
    b"Received: from mail.lab.example\n"
    b"\tby mail.lab.example with LMTP\n"
    b"\tid MA0jBF0CFmtSRgAAg+zDdQ\n"
    b"\t(envelope-from <heidi@lab.example>)\n"
    b"\tfor <dave@lab.example>; Mon, 07 Dec 2026 00:48:05 +0000\n"
    b"Received: from heidi-pc.client.example (unknown [127.0.0.18])\n"
    b"\t(using TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 (256/256 bits))\n"
    b"\tby mail.lab.example (Postfix) with ESMTPSA id 1056920E8B0\n"
    b"\tfor <dave@lab.example>; Mon,  7 Dec 2026 00:48:04 +0000 (UTC)\n"
    b"Subject: sent Mon, 07 Dec 2026 00:48:04 -0000 (not a date field)\n"
    b"Date: Mon, 07 Dec 2026 00:48:04 -0000\n"
    b"\n"
    b"Body: Mon, 07 Dec 2026 00:48:04 -0000\n"
)


def test_log_line_moves_its_stamp_and_keeps_every_other_byte() -> None:
    moved = history.shift_log_line(POSTFIX_LINE, SHIFT, 2026)
    assert moved == b"Oct 06 14:30:01" + POSTFIX_LINE[15:]


def test_log_line_before_the_first_day_moves_with_it_and_lines_without_stamp_stay() -> None:
    startup = b"Dec 07 00:48:03 mail postfix/master[17935]: daemon started\n"
    assert history.shift_log_line(startup, SHIFT, 2026).startswith(b"Oct 05 08:59:59 ")
    assert history.shift_log_line(b"not a log line\n", SHIFT, 2026) == b"not a log line\n"


def test_space_padded_log_day_stays_space_padded() -> None:
    line = b"Dec  7 00:48:04 host dovecot: imap-login: Info: x\n"
    shift = history.Shift((REAL,), (datetime(2026, 11, 2, 8, 0, tzinfo=UTC),))
    assert (
        history.shift_log_line(line, shift, 2026)
        == b"Nov  2 08:00:00 host dovecot: imap-login: Info: x\n"
    )


def test_message_moves_received_and_date_fields_in_their_own_form_only() -> None:
    moved = history.shift_message(MESSAGE, SHIFT)
    expected = (
        MESSAGE.replace(b"Mon, 07 Dec 2026 00:48:05 +0000\n", b"Mon, 05 Oct 2026 09:00:01 +0000\n")
        .replace(b"Mon,  7 Dec 2026 00:48:04 +0000 (UTC)", b"Mon,  5 Oct 2026 09:00:00 +0000 (UTC)")
        .replace(b"Date: Mon, 07 Dec 2026 00:48:04 -0000", b"Date: Mon, 05 Oct 2026 09:00:00 -0000")
    )
    assert moved == expected
    assert len(moved) == len(MESSAGE)
    assert b"Subject: sent Mon, 07 Dec 2026" in moved  # not a Received: or Date: field
    assert moved.endswith(b"Body: Mon, 07 Dec 2026 00:48:04 -0000\n")


def test_maildir_name_moves_the_delivery_time_and_recomputes_the_sizes() -> None:
    data = b"a\nbb\n"
    name, moved = history.maildir_name(f"{int(REAL) + 7}.M76779P18002.vm,S=1,W=1:2,S", data, SHIFT)
    day2 = int(datetime(2026, 10, 6, 14, 30, 1, tzinfo=UTC).timestamp())
    assert name == f"{day2}.M76779P18002.vm,S=5,W=7:2,S"
    assert moved == day2


def test_rotated_set_is_the_newest_week_plain_then_dot_one_then_gzip(tmp_path: Path) -> None:
    history.write_rotated(tmp_path, "postfix.log", [b"w1\n", b"w2\n", b"w3\n", b"w4\n"])
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "postfix.log",
        "postfix.log.1",
        "postfix.log.2.gz",
        "postfix.log.3.gz",
    ]
    assert (tmp_path / "postfix.log").read_bytes() == b"w4\n"
    assert (tmp_path / "postfix.log.1").read_bytes() == b"w3\n"
    assert gzip.decompress((tmp_path / "postfix.log.3.gz").read_bytes()) == b"w1\n"


def _session(user: str, **kw: str) -> dict[str, str]:
    row = dict(
        user=user,
        service="imap",
        tls_mode="implicit",
        security="modern_tls",
        auth_result="ok",
        is_trusted_hop="false",
    )
    return {**row, **kw}


def test_a_guessed_at_user_keeps_their_own_level_and_the_reset_flag_is_cumulative() -> None:
    users = [
        {"user": "heidi@lab.example", "profile": "careful"},
        {"user": "ken@lab.example", "profile": "clear"},
    ]
    guesses = [
        _session("heidi@lab.example", tls_mode="none", security="cleartext", auth_result="failed")
    ] * 5
    exposed: set[str] = set()
    first = history.weekly_levels(
        1,
        [
            _session("heidi@lab.example"),
            *guesses,
            _session(
                "ken@lab.example",
                tls_mode="none",
                security="cleartext",
                auth_result="refused_cleartext",
            ),
        ],
        users,
        exposed,
    )
    second = history.weekly_levels(2, [_session("ken@lab.example")], users, exposed)
    assert [(r["user"], r["level"], r["password_reset_required"]) for r in first] == [
        ("heidi@lab.example", "L3", "no"),
        ("ken@lab.example", "L0", "yes"),
    ]
    assert [(r["level"], r["password_reset_required"]) for r in second] == [
        ("", "no"),
        ("L3", "yes"),
    ]


@pytest.mark.parametrize(
    ("name", "weeks", "expected"),
    [
        ("carol", (1, 3, 6), [("none", None), ("starttls", None), ("implicit", None)]),
        ("dave", (1, 8), [("implicit", "TLSv1.0"), ("implicit", "TLSv1.0")]),
        ("ken", (1, 8), [("none", None), ("none", None)]),
    ],
)
def test_week_timeline(
    name: str, weeks: tuple[int, ...], expected: list[tuple[str, str | None]]
) -> None:
    got = []
    for w in weeks:
        user = next(u for u in week.users_for_week(w) if u.name == name)
        got.append({(h.tls_mode, h.version) for h in user.habits})
    assert got == [{e} for e in expected]


def test_after_the_cut_the_guesser_never_tries_cleartext_imap_or_pop3() -> None:
    import random

    phase, planned = week.plan_week(week.CUT_WEEK, random.Random(1))
    assert phase == "cut"
    guesses = [p for p in planned if p.user is None and p.habit.service in ("imap", "pop3")]
    assert guesses and all(p.habit.tls_mode != "none" for p in guesses)
