"""A Report to render with any sections and users left: the fuzzers' and output tests' way to put
attacker text into every part of the report without a lake behind it."""

from __future__ import annotations

import dataclasses
import functools
import tempfile
from datetime import UTC, date, datetime
from pathlib import Path

import pandas as pd

from pipeline.query.queries import Window
from pipeline.report.document import Report, Section
from pipeline.report.summary import Summary

WINDOW = Window(datetime(2025, 3, 1, tzinfo=UTC), datetime(2025, 3, 31, tzinfo=UTC))


LEVELS = pd.DataFrame(
    {
        "level": ["L0", "L1", "L2", "L3", "unknown"],
        "user_count": [1, 0, 0, 0, 0],
        "reset_required_count": [1, 0, 0, 0, 0],
    }
)


def a_report(sections: tuple[Section, ...], users_left: pd.DataFrame, headline: str) -> Report:
    """A report of ``sections`` (and the "Users per level" the page draws) with ``users_left``
    and ``headline`` in its summary."""
    sections = (Section("Users per level", LEVELS), *sections)
    summary = Summary(
        headline=headline,
        kpis=pd.DataFrame(columns=["key", "measure", "now", "before", "change", "is_better"]),
        weekly=pd.DataFrame(),
        timeline=pd.DataFrame(),
        users_left=users_left,
        endpoints=pd.DataFrame(),
        caveats=(headline,),
        as_of=date(2025, 3, 30),
        previous=Window(datetime(2025, 1, 29, tzinfo=UTC), WINDOW.since),
        is_pseudonymised=False,
    )
    return Report(WINDOW, sections, summary)


@functools.cache
def _real_report() -> Report:
    from pipeline.query.db import connect
    from pipeline.report.document import build_report
    from tests.small_lake import write_small_lake

    lake = write_small_lake(Path(tempfile.mkdtemp(prefix="mailtls-fuzz-")) / "lake")
    with connect(lake) as con:
        return build_report(con, names=True)


def real_report_with(names: list[str]) -> Report:
    """The small lake's real report (tests/small_lake.py), its user names replaced by ``names``
    wherever the page and the tables show them."""
    report = _real_report()

    def renamed(frame: pd.DataFrame) -> pd.DataFrame:
        if "user_name" not in frame or frame.empty:
            return frame
        out = frame.copy()
        out["user_name"] = [names[i % len(names)] for i in range(len(out))]
        return out

    sections = tuple(dataclasses.replace(s, frame=renamed(s.frame)) for s in report.sections)
    summary = dataclasses.replace(
        report.summary,
        users_left=renamed(report.summary.users_left),
        headline=names[0],
    )
    return dataclasses.replace(report, sections=sections, summary=summary)
