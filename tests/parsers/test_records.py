"""The hot path's record builders give the same values as the classes' own constructors."""

from __future__ import annotations

import dataclasses
import pickle
from datetime import UTC, datetime

import pytest

from parsers.envelopes.split import Split, with_message
from parsers.records import LogEvent, new_log_event


def test_new_log_event_is_the_log_event_the_constructor_builds() -> None:
    at = datetime(2024, 3, 4, 10, 0, 2, tzinfo=UTC)
    fields = {"client_ip": "192.0.2.1", "queue_id": None}
    args = ("postfix.smtpd.connect", at, "mx", "postfix/smtpd", 9, fields, 7)
    fast = new_log_event(*args)
    assert type(fast) is LogEvent
    assert fast == LogEvent(*args)
    assert (fast.kind, fast.host, fast.program, fast.pid, fast.line_no) == (
        "postfix.smtpd.connect",
        "mx",
        "postfix/smtpd",
        9,
        7,
    )
    assert fast.event_at == at and fast.fields == fields
    assert pickle.loads(pickle.dumps(fast)) == fast  # records travel back from pool workers
    with pytest.raises(dataclasses.FrozenInstanceError):
        fast.kind = "other"  # type: ignore[misc]


def test_with_message_builds_a_split() -> None:
    line = "Mar  4 10:00:00 mx postfix/smtpd[9]: [ID 197553 mail.info] connect from a[192.0.2.1]"
    split = with_message(line, line.index("[ID"), lambda: None, "mx", "postfix/smtpd", "9")
    assert type(split) is Split
    assert split[1:] == ("mx", "postfix/smtpd", 9, "connect from a[192.0.2.1]")
