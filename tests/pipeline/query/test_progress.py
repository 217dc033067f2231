"""pipeline.query.progress on hand-made frames: every phase state of the plan timeline, and one
user's devices and weekly logins from their level evidence only."""

from __future__ import annotations

from datetime import date

import pandas as pd

from pipeline.plan.phases import parse_plan
from pipeline.query.progress import plan_timeline, user_devices, user_weekly

AS_OF = date(2026, 11, 29)
PLAN = parse_plan(
    {
        "phase": [
            {
                "id": "P0",
                "name": "moved",
                "planned": date(2026, 11, 13),
                "actual": date(2026, 11, 13),
                "history": [
                    {
                        "changed_on": date(2026, 10, 30),
                        "from": date(2026, 11, 6),
                        "to": date(2026, 11, 13),
                        "reason": "waits",
                    }
                ],
            },
            {"id": "P1", "name": "late", "planned": date(2026, 11, 20)},
            {"id": "P2", "name": "ahead", "planned": date(2026, 12, 14)},
            {"id": "P3", "name": "upcoming", "planned": date(2027, 1, 11)},
            {"id": "P4", "name": "closed early", "planned": date(2026, 11, 1), "actual": AS_OF},
        ]
    }
)


def _status(phase: str, planned: date, actual: date | None, late: bool, status: str) -> dict:
    return {
        "phase": phase,
        "name": phase,
        "planned": planned,
        "actual": actual,
        "date_changes": 0,
        "is_late": late,
        "phase_status": status,
        "criterion": "c",
        "value": 1.0,
        "status": status,
        "reason": "",
    }


def test_every_phase_state() -> None:
    status = pd.DataFrame(
        [
            _status("P0", date(2026, 11, 13), date(2026, 11, 13), False, "met"),
            _status("P1", date(2026, 11, 20), None, True, "not met"),
            _status("P2", date(2026, 12, 14), None, False, "met"),
            _status("P3", date(2027, 1, 11), None, False, "not met"),
            _status("P4", date(2026, 11, 1), AS_OF, False, "not met"),
        ]
    )
    timeline = plan_timeline(status, PLAN, AS_OF).set_index("phase")
    assert timeline["state"].to_dict() == {
        "P0": "met",
        "P1": "late",
        "P2": "ahead",
        "P3": "upcoming",
        "P4": "done, not met",
    }
    assert timeline.loc["P0", "slip_days"] == 7
    assert timeline.loc["P1", "days_late"] == 9
    assert timeline["days_late"].drop("P1").eq(0).all()


def _session(at: str, ip: str, level: str, evidence: bool = True, tls: str | None = None) -> dict:
    return {
        "event_at": pd.Timestamp(at, tz="UTC"),
        "client_ip": ip,
        "service": "imap",
        "tls_version": tls,
        "level": level,
        "is_level_evidence": evidence,
    }


SESSIONS = pd.DataFrame(
    [
        _session("2026-10-05 09:00", "10.0.0.1", "L0"),
        _session("2026-10-20 09:00", "10.0.0.1", "L3", tls="TLSv1.3"),
        _session("2026-10-11 23:59", "10.0.0.2", "L1", tls="TLSv1"),
        # a wrong password from elsewhere is no device of the user's
        _session("2026-10-21 09:00", "192.0.2.9", "L0", evidence=False),
    ]
)


def test_devices_come_from_level_evidence_only() -> None:
    devices = user_devices(SESSIONS).set_index("client_ip")
    assert list(devices.index) == ["10.0.0.1", "10.0.0.2"]  # last seen first
    assert devices.loc["10.0.0.1", "worst_level"] == "L0"
    assert devices.loc["10.0.0.1", "last_level"] == "L3"
    assert devices.loc["10.0.0.1", "tls_versions"] == "TLSv1.3"
    assert devices.loc["10.0.0.2", "sessions"] == 1


def test_weekly_logins_start_on_monday() -> None:
    weekly = user_weekly(SESSIONS)
    assert weekly.to_dict("records") == [
        {"week": pd.Timestamp("2026-10-05"), "level": "L0", "logins": 1},
        {"week": pd.Timestamp("2026-10-05"), "level": "L1", "logins": 1},  # Sunday 23:59
        {"week": pd.Timestamp("2026-10-19"), "level": "L3", "logins": 1},
    ]
