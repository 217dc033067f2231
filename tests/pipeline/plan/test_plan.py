"""The plan file and the verdicts on its criteria: met, not met, or not measurable."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest

from pipeline.errors import ConfigError
from pipeline.plan.phases import Plan, evaluate, load_plan, parse_plan
from pipeline.query import queries
from pipeline.query.db import connect
from tests.pipeline.lakes import at, session, write_table

EXAMPLE = Path(__file__).parents[3] / "pipeline" / "plan" / "plan.example.toml"
AS_OF = date(2025, 5, 31)


def plan_with(*criteria: dict[str, object], grace: list[dict[str, object]] | None = None) -> Plan:
    return parse_plan(
        {
            "phase": [{"id": "P5", "name": "Cleartext cut", "criteria": list(criteria)}],
            "grace": grace or [],
        }
    )


def verdicts(plan: Plan, **metrics: float | None) -> list[str]:
    [phase] = evaluate(plan, lambda days: metrics, AS_OF)
    return [c.status for c in phase.criteria] + [phase.status]


ZERO_CLEARTEXT = {"metric": "cleartext_logins", "max": 0, "days": 14}


def test_example_plan_has_every_phase() -> None:
    plan = load_plan(EXAMPLE)
    assert [p.id for p in plan.phases] == [f"P{n}" for n in range(9)]
    assert plan.baseline == date(2025, 1, 6)
    assert plan.phases[0].history[0].moved_to == date(2025, 1, 27)


def test_zero_cleartext_with_full_data_is_met() -> None:
    plan = plan_with(ZERO_CLEARTEXT)
    assert verdicts(plan, cleartext_logins=0, days_with_data=14, coverage=1.0) == ["met", "met"]


def test_cleartext_seen_is_not_met() -> None:
    plan = plan_with(ZERO_CLEARTEXT)
    assert verdicts(plan, cleartext_logins=2, days_with_data=14, coverage=1.0) == [
        "not met",
        "not met",
    ]


@pytest.mark.parametrize(
    ("days", "coverage"),
    [(13, 1.0), (14, 0.5), (14, None)],
    ids=["a day missing", "low coverage", "no logins"],
)
def test_zero_on_missing_data_is_not_measurable(days: int, coverage: float | None) -> None:
    plan = plan_with(ZERO_CLEARTEXT)
    assert verdicts(plan, cleartext_logins=0, days_with_data=days, coverage=coverage) == [
        "not measurable",
        "not measurable",
    ]


def test_a_login_seen_proves_presence_even_on_partial_data() -> None:
    plan = plan_with({"metric": "implicit_tls_logins", "min": 1, "days": 7})
    assert verdicts(plan, implicit_tls_logins=3, days_with_data=2, coverage=0.2) == ["met", "met"]


def test_manual_check_keeps_a_phase_from_being_met() -> None:
    plan = plan_with(ZERO_CLEARTEXT, {"text": "owner signed off"})
    assert verdicts(plan, cleartext_logins=0, days_with_data=14, coverage=1.0) == [
        "met",
        "not measurable",
        "not measurable",
    ]


def test_grace_entries_count_only_unexpired_ones() -> None:
    grace = [
        {"user": "Printer@example.org", "owner": "it", "reason": "old", "expires": AS_OF},
        {
            "user": "old@example.org",
            "owner": "it",
            "reason": "gone",
            "expires": AS_OF - timedelta(days=1),
        },
    ]
    plan = plan_with({"metric": "grace_entries", "max": 0}, grace=grace)
    assert plan.grace_users(AS_OF) == ["printer@example.org"]
    [phase] = evaluate(plan, lambda days: {}, AS_OF)
    assert (phase.criteria[0].value, phase.status) == (1.0, "not met")


@pytest.mark.parametrize(
    ("text", "complaint"),
    [
        ('[[phase]]\nid = "P9"\nname = "x"', "P0…P8"),
        (
            '[[phase]]\nid = "P1"\nname = "x"\ncriteria = [{ metric = "logins", max = 0 }]',
            "unknown metric",
        ),
        ('[[phase]]\nid = "P1"\nname = "x"\ncriteria = [{ metric = "coverage" }]', "min or max"),
        ('[[phase]]\nid = "P1"\nname = "x"\nplanned = "soon"', "TOML date"),
        ("baseline = ", "plan"),
    ],
)
def test_mistakes_are_config_errors(tmp_path: Path, text: str, complaint: str) -> None:
    path = tmp_path / "plan.toml"
    path.write_text(text)
    with pytest.raises(ConfigError, match=complaint):
        load_plan(path)


def _fourteen_days(extra: list[dict[str, object]]) -> list[dict[str, object]]:
    # 2025-05-18 … 2025-05-31: one L3 login a day by ann
    days = [at(f"2025-05-{d:02d} 09:00") for d in range(18, 32)]
    l3 = {
        "service": "imap",
        "server_port": 993,
        "tls_mode": "implicit",
        "tls_version": "TLSv1.3",
        "security": "modern_tls",
    }
    return [session(user_name="ann@example.org", event_at=t, **l3) for t in days] + extra


SCANNER_CLEARTEXT = session(
    user_name="Scanner@example.org",
    event_at=at("2025-05-30 10:00"),
    service="submission",
    server_port=587,
    tls_mode="none",
    security="cleartext",
)
GRACE = [
    {
        "user": "scanner@example.org",
        "owner": "it",
        "reason": "printer",
        "expires": date(2025, 12, 31),
    }
]


@pytest.mark.parametrize(
    ("extra", "grace", "expected"),
    [
        ([], [], "met"),
        ([SCANNER_CLEARTEXT], [], "not met"),
        ([SCANNER_CLEARTEXT], GRACE, "met"),
        # one login of fifteen with unknown TLS: coverage 14/15 is below 99 %
        (
            [
                session(
                    user_name="bob@example.org",
                    event_at=at("2025-05-25 08:00"),
                    tls_mode="unknown",
                    security="tls_unknown",
                )
            ],
            [],
            "not measurable",
        ),
    ],
    ids=["clean", "cleartext", "cleartext on grace", "low coverage"],
)
def test_plan_status_from_a_lake(
    tmp_path: Path, extra: list[dict[str, object]], grace: list[dict[str, object]], expected: str
) -> None:
    write_table(tmp_path, "sessions", _fourteen_days(extra), "event_at")
    plan = plan_with(ZERO_CLEARTEXT, grace=grace)
    with connect(tmp_path) as con:
        status = queries.plan_status(con, plan)
    assert status.loc[0, "status"] == expected
