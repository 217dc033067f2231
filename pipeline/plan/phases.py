"""The migration plan (``plan.toml``): phases P0 to P8 with dates, a history of date changes,
measurable exit criteria, and a grace list; and the evaluation of those criteria.

Evaluation is pure: it is handed a ``measure(days)`` function that returns the lake's metrics
over the last ``days`` days (``pipeline.query.queries.plan_status`` wires it to DuckDB). A criterion is
``met``, ``not met`` or ``not measurable``; a phase is never reported met on missing data: a
criterion about logins needs every day of its window in the lake and a TLS coverage at or above
the plan's threshold.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Final, Literal

from pipeline.errors import ConfigError

Status = Literal["met", "not met", "not measurable"]
Measure = Callable[[int], Mapping[str, float | None]]

# metric → (what it counts, whether it needs full days and TLS coverage to be trusted)
METRICS: Final[Mapping[str, tuple[str, bool]]] = {
    "cleartext_logins": ("successful cleartext logins outside the grace list", True),
    "refused_cleartext_attempts": ("refused cleartext attempts outside the grace list", True),
    "legacy_tls_logins": ("logins over SSL, TLS 1.0 or 1.1 outside the grace list", True),
    "implicit_tls_logins": ("logins over modern implicit TLS (L3)", True),
    "l3_share": ("share of known-level logins at L3", True),
    "exposed_user_share": ("share of active users at L0 or L1", True),
    "coverage": ("share of logins whose TLS version and mode are known", False),
    "days_with_data": ("days with sessions in the lake", False),
    "reject_rate": ("rejected lines per line read, all ingests", False),
    "grace_entries": ("grace-list entries not yet expired", False),
}
COUNT_METRICS: Final = frozenset(
    {"cleartext_logins", "refused_cleartext_attempts", "legacy_tls_logins", "implicit_tls_logins"}
)
DEFAULT_DAYS: Final = 14
DEFAULT_COVERAGE: Final = 0.99
_PHASE_ID = re.compile(r"^P[0-8]$")


@dataclass(frozen=True, slots=True)
class Criterion:
    """A metric bound (``metric`` with ``min`` and/or ``max`` over ``days``), or a manual check
    described by ``text`` alone, which the lake cannot measure."""

    text: str
    metric: str | None = None
    min: float | None = None
    max: float | None = None
    days: int = DEFAULT_DAYS


@dataclass(frozen=True, slots=True)
class DateChange:
    changed_on: date
    moved_from: date | None
    moved_to: date | None
    reason: str
    by: str


@dataclass(frozen=True, slots=True)
class Phase:
    id: str
    name: str
    planned: date | None
    actual: date | None
    criteria: tuple[Criterion, ...]
    history: tuple[DateChange, ...]


@dataclass(frozen=True, slots=True)
class GraceEntry:
    user_name: str
    owner: str
    reason: str
    expires: date

    def is_active(self, on: date) -> bool:
        return on <= self.expires


@dataclass(frozen=True, slots=True)
class Plan:
    baseline: date | None
    coverage_threshold: float
    phases: tuple[Phase, ...]
    grace: tuple[GraceEntry, ...]

    def grace_users(self, on: date) -> list[str]:
        """Lower-cased names of the users whose grace has not expired on ``on``."""
        return sorted({g.user_name.lower() for g in self.grace if g.is_active(on)})


EMPTY_PLAN: Final = Plan(baseline=None, coverage_threshold=DEFAULT_COVERAGE, phases=(), grace=())


@dataclass(frozen=True, slots=True)
class CriterionResult:
    phase: str
    criterion: str
    value: float | None
    status: Status
    reason: str


@dataclass(frozen=True, slots=True)
class PhaseResult:
    phase: str
    name: str
    planned: date | None
    actual: date | None
    date_changes: int
    is_late: bool
    status: Status
    criteria: tuple[CriterionResult, ...]


def load_plan(path: Path) -> Plan:
    """Read and check ``plan.toml``; every mistake is a ConfigError naming the file."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"cannot read plan {path}: {exc.strerror}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"plan {path}: {exc}") from exc
    try:
        return parse_plan(data)
    except (KeyError, TypeError, ValueError) as exc:
        raise ConfigError(f"plan {path}: {exc}") from exc


def parse_plan(data: Mapping[str, Any]) -> Plan:
    phases = tuple(_phase(p) for p in data.get("phase", []))
    ids = [p.id for p in phases]
    if len(ids) != len(set(ids)):
        raise ValueError(f"phase ids repeat: {ids}")
    grace = tuple(
        GraceEntry(
            user_name=_text(g, "user"),
            owner=_text(g, "owner"),
            reason=_text(g, "reason"),
            expires=_date(g, "expires"),
        )
        for g in data.get("grace", [])
    )
    threshold = float(data.get("coverage_threshold", DEFAULT_COVERAGE))
    if not 0 <= threshold <= 1:
        raise ValueError(f"coverage_threshold {threshold} is not a share between 0 and 1")
    return Plan(_optional_date(data, "baseline"), threshold, phases, grace)


def _phase(data: Mapping[str, Any]) -> Phase:
    phase_id = _text(data, "id")
    if not _PHASE_ID.match(phase_id):
        raise ValueError(f"phase id {phase_id!r} is not one of P0…P8")
    history = tuple(
        DateChange(
            changed_on=_date(h, "changed_on"),
            moved_from=_optional_date(h, "from"),
            moved_to=_optional_date(h, "to"),
            reason=_text(h, "reason"),
            by=str(h.get("by", "")),
        )
        for h in data.get("history", [])
    )
    criteria = tuple(_criterion(phase_id, c) for c in data.get("criteria", []))
    return Phase(
        id=phase_id,
        name=_text(data, "name"),
        planned=_optional_date(data, "planned"),
        actual=_optional_date(data, "actual"),
        criteria=criteria,
        history=history,
    )


def _criterion(phase_id: str, data: Mapping[str, Any]) -> Criterion:
    metric = data.get("metric")
    if metric is None:
        return Criterion(text=_text(data, "text"))
    if metric not in METRICS:
        raise ValueError(f"{phase_id}: unknown metric {metric!r}; known: {', '.join(METRICS)}")
    low, high = data.get("min"), data.get("max")
    if low is None and high is None:
        raise ValueError(f"{phase_id}: criterion on {metric} needs min or max")
    days = int(data.get("days", DEFAULT_DAYS))
    if days < 1:
        raise ValueError(f"{phase_id}: criterion on {metric} needs days >= 1")
    bounds = " and ".join(
        part
        for part in (
            f">= {low:g}" if low is not None else "",
            f"<= {high:g}" if high is not None else "",
        )
        if part
    )
    text = str(data.get("text") or f"{metric} {bounds} over {days} days")
    return Criterion(
        text=text,
        metric=str(metric),
        min=None if low is None else float(low),
        max=None if high is None else float(high),
        days=days,
    )


def evaluate(plan: Plan, measure: Measure, as_of: date) -> list[PhaseResult]:
    """Every phase's status on ``as_of``; ``measure(days)`` gives the lake's metrics over the
    ``days`` days before ``as_of``."""
    cache: dict[int, Mapping[str, float | None]] = {}

    def metrics(days: int) -> Mapping[str, float | None]:
        if days not in cache:
            extra = {"grace_entries": float(len(plan.grace_users(as_of)))}
            cache[days] = {**measure(days), **extra}
        return cache[days]

    results = []
    for phase in plan.phases:
        criteria = tuple(
            _judge(phase.id, c, metrics(c.days), plan.coverage_threshold) for c in phase.criteria
        )
        results.append(
            PhaseResult(
                phase=phase.id,
                name=phase.name,
                planned=phase.planned,
                actual=phase.actual,
                date_changes=len(phase.history),
                is_late=phase.actual is None
                and phase.planned is not None
                and phase.planned < as_of,
                status=_phase_status(criteria),
                criteria=criteria,
            )
        )
    return results


def _judge(
    phase_id: str, criterion: Criterion, metrics: Mapping[str, float | None], threshold: float
) -> CriterionResult:
    def result(value: float | None, status: Status, reason: str) -> CriterionResult:
        return CriterionResult(phase_id, criterion.text, value, status, reason)

    if criterion.metric is None:
        return result(None, "not measurable", "manual check: the lake cannot measure it")
    value = metrics.get(criterion.metric)
    if value is None:
        return result(None, "not measurable", "no data in the window")
    is_within = (criterion.min is None or value >= criterion.min) and (
        criterion.max is None or value <= criterion.max
    )
    is_proven_by_presence = (
        criterion.metric in COUNT_METRICS and criterion.max is None and is_within
    )
    if METRICS[criterion.metric][1] and not is_proven_by_presence:
        days, coverage = metrics.get("days_with_data"), metrics.get("coverage")
        if days is None or days < criterion.days:
            return result(
                value, "not measurable", f"only {days or 0:g} of {criterion.days} days in the lake"
            )
        if coverage is None or coverage < threshold:
            shown = "none" if coverage is None else f"{coverage:.1%}"
            return result(value, "not measurable", f"TLS coverage {shown} below {threshold:.0%}")
    if is_within:
        return result(value, "met", "")
    return result(value, "not met", f"{criterion.metric} is {value:g}")


def _phase_status(criteria: tuple[CriterionResult, ...]) -> Status:
    if any(c.status == "not met" for c in criteria):
        return "not met"
    if criteria and all(c.status == "met" for c in criteria):
        return "met"
    return "not measurable"


def _text(data: Mapping[str, Any], key: str) -> str:
    value = data[key]
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{key!r} must be a non-empty string, not {value!r}")
    return value


def _date(data: Mapping[str, Any], key: str) -> date:
    value = _optional_date(data, key)
    if value is None:
        raise KeyError(key)
    return value


def _optional_date(data: Mapping[str, Any], key: str) -> date | None:
    value = data.get(key)
    if value is None or (isinstance(value, date) and not hasattr(value, "hour")):
        return value
    raise ValueError(f"{key!r} must be a TOML date like 2025-03-01, not {value!r}")
