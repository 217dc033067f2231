"""The per-day exposure summaries (pipeline/lake/derived.py): what they hold, read by hand from the
rows below, and a posture that does not depend on whether they are fresh, missing or stale."""

from __future__ import annotations

import shutil
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow.parquet as pq
import pytest

from pipeline.lake import derived
from pipeline.query import queries
from pipeline.query.db import connect
from pipeline.report.document import build_report, render
from tests import small_lake
from tests.pipeline.lakes import at, session, write_table

D1, D2, D3 = "2025-03-03", "2025-03-04", "2025-03-05"
CLEAR = {"service": "imap", "server_port": 143, "tls_mode": "none", "security": "cleartext"}
TLS10 = {"service": "pop3", "server_port": 995, "tls_mode": "implicit", "tls_version": "TLSv1.0"}
LEGACY = {**TLS10, "security": "legacy_tls"}
MODERN = {
    "service": "imap",
    "server_port": 993,
    "tls_mode": "implicit",
    "tls_version": "TLSv1.3",
    "security": "modern_tls",
}


def _login(when: str, user: str, **fields: Any) -> dict[str, Any]:
    return session(event_at=at(when), user_name=user, client_ip="192.0.2.7", **fields)


ROWS = [
    _login(f"{D1} 08:00", "alice@example.org", **CLEAR),  # L0
    _login(f"{D1} 10:00", "Bob@Example.org", **LEGACY),  # L1 (user_key is lower case)
    _login(f"{D1} 12:00", "gina@example.org", **CLEAR, is_trusted_hop=True),  # webmail: not L0
    # L0, but never in a summary: whether a refused attempt counts follows from other days
    # (frank logs in from the same address on D3) and the site's rule
    {
        **_login(f"{D2} 09:00", "frank@example.org", **CLEAR, auth_result="refused_cleartext"),
        "client_ip": "192.0.2.8",
    },
    _login(f"{D2} 10:00", "bob@example.org", **LEGACY),  # L1
    _login(f"{D2} 11:00", "root", **CLEAR, auth_result="failed", auth_failures=4),  # a guesser
    _login(f"{D3} 09:00", "alice@example.org", **CLEAR),  # L0
    _login(f"{D3} 11:00", "alice@example.org", **CLEAR),  # L0, after a mid-day `until`
    _login(f"{D3} 12:00", "carol@example.org", **MODERN),  # L3: no exposure
    {**_login(f"{D3} 12:30", "frank@example.org", **MODERN), "client_ip": "192.0.2.8"},
]
# the summary of each day, by hand: user → (last_cleartext_at, last_legacy_tls_at)
SUMMARIES = {
    D1: {
        "alice@example.org": (at(f"{D1} 08:00"), None),
        "bob@example.org": (None, at(f"{D1} 10:00")),
    },
    D2: {
        "bob@example.org": (None, at(f"{D2} 10:00")),
    },
    D3: {"alice@example.org": (at(f"{D3} 11:00"), None)},
}
SINCE = date(2025, 3, 1)
END = datetime(2025, 3, 6, tzinfo=UTC)  # after D3
MID_D3 = at(f"{D3} 10:00")


@pytest.fixture
def lake(tmp_path: Path) -> Path:
    root = tmp_path / "lake"
    write_table(root, "sessions", ROWS, "event_at")
    return root


MONTH = "2025-03"
SUMMARIES_DIR = Path(derived.DERIVED_DIR) / derived.EXPOSURE


def _summary(lake: Path, day: str) -> dict[str, tuple[Any, Any]]:
    days = derived.by_month(derived.session_parts(lake))[MONTH]
    path = derived.summary_path(lake, MONTH, derived.digest(MONTH, days))  # the fresh one
    return {
        r["user_key"]: (r["last_cleartext_at"], r["last_legacy_tls_at"])
        for r in pq.read_table(path).to_pylist()
        if r["day"] == date.fromisoformat(day)
    }


def _exposure(lake: Path, until: datetime, baseline: datetime | None = None) -> dict[str, Any]:
    with connect(lake) as con:
        frame = queries.user_posture(con, since=SINCE, until=until, baseline=baseline)
    return {
        r.user_name: (
            None if pd.isna(r.last_cleartext_at) else r.last_cleartext_at,
            None if pd.isna(r.last_legacy_tls_at) else r.last_legacy_tls_at,
            bool(r.password_reset_required),
        )
        for r in frame.itertuples()
    }


def _without_summaries(lake: Path, until: datetime) -> pd.DataFrame:
    """user_posture through the macro alone: every day computed from its sessions."""
    with connect(lake) as con:
        return con.execute(
            "SELECT * FROM user_posture($since, $until, NULL) ORDER BY user_name",
            {"since": datetime(2025, 3, 1, tzinfo=UTC), "until": until},
        ).df()


def _with_queries(lake: Path, until: datetime) -> pd.DataFrame:
    with connect(lake) as con:
        frame = queries.user_posture(con, since=SINCE, until=until)
    return frame.sort_values("user_name", ignore_index=True)


def test_refresh_writes_each_days_summary(lake: Path) -> None:
    assert derived.refresh(lake) == [MONTH]
    for day, expected in SUMMARIES.items():
        assert _summary(lake, day) == expected
    assert derived.refresh(lake) == []  # all fresh: nothing to write


@pytest.mark.parametrize("state", ["fresh", "missing", "stale"])
def test_posture_is_the_same_whatever_the_summaries(lake: Path, state: str) -> None:
    derived.refresh(lake)
    if state == "missing":
        shutil.rmtree(lake / derived.DERIVED_DIR)
    expected = {
        "alice@example.org": (at(f"{D3} 11:00"), None, True),
        "bob@example.org": (None, at(f"{D2} 10:00"), False),
        "frank@example.org": (at(f"{D2} 09:00"), None, True),
        "carol@example.org": (None, None, False),
        "gina@example.org": (None, None, False),  # a trusted hop only
    }
    if state == "stale":  # a part added to D2 after its summary: bob in cleartext at 14:00
        late = _login(f"{D2} 14:00", "bob@example.org", **CLEAR)
        write_table(lake / "late", "sessions", [late], "event_at")
        shutil.move(
            lake / "late/sessions" / f"date={D2}/part-0.parquet",
            lake / "sessions" / f"date={D2}/part-1.parquet",
        )
        expected["bob@example.org"] = (at(f"{D2} 14:00"), at(f"{D2} 10:00"), True)
    assert _exposure(lake, END) == expected
    pd.testing.assert_frame_equal(_with_queries(lake, END), _without_summaries(lake, END))


def test_until_mid_day_ignores_that_days_summary(lake: Path) -> None:
    derived.refresh(lake)  # D3's summary says 11:00; only alice's 09:00 is before `until`
    assert _exposure(lake, MID_D3)["alice@example.org"] == (at(f"{D3} 09:00"), None, True)
    pd.testing.assert_frame_equal(_with_queries(lake, MID_D3), _without_summaries(lake, MID_D3))


def test_baseline_reads_the_latest_cleartext_login(lake: Path) -> None:
    derived.refresh(lake)
    flagged = {u for u, row in _exposure(lake, END, at(f"{D2} 10:00")).items() if row[2]}
    assert flagged == {"alice@example.org"}  # frank's refused attempt was at 09:00


def test_refresh_replaces_a_stale_summary_and_drops_a_gone_month(lake: Path) -> None:
    derived.refresh(lake)
    shutil.rmtree(lake / "sessions" / f"date={D3}")  # a partition gone (rewritten elsewhere)
    (old,) = (lake / SUMMARIES_DIR / f"month={MONTH}").glob("*.parquet")
    cut = old.with_name(".x.parquet.0a1b2c3d.tmp")  # what a write cut by a crash leaves
    cut.write_bytes(b"")
    (lake / "sessions" / f"date={D2}" / "part-0.parquet").rename(
        lake / "sessions" / f"date={D2}" / "part-9.parquet"
    )
    assert derived.refresh(lake, [date(2025, 3, 4)]) == [MONTH]
    assert old.exists() and not cut.exists()  # a report may have chosen it: until next time
    assert [_summary(lake, day) for day in (D1, D2, D3)] == [SUMMARIES[D1], SUMMARIES[D2], {}]
    april = lake / SUMMARIES_DIR / "month=2025-04"
    april.mkdir()  # a month whose sessions are gone
    (april / "x.parquet").write_bytes(b"")
    assert derived.refresh(lake, [date(2025, 3, 9)]) == []  # fresh, and April not asked for
    assert april.is_dir()
    assert derived.refresh(lake) == []
    assert not april.exists() and not old.exists()


def test_a_cursor_sees_its_own_summaries(lake: Path) -> None:
    derived.refresh(lake)
    with connect(lake) as con:
        cursor = con.cursor()
        with derived.exposure(cursor, END) as live_days:
            assert live_days == []  # every day before END's day has a fresh summary
            assert cursor.execute("SELECT count(*) FROM exposure_summaries").fetchall() == [(4,)]
            assert con.execute("SELECT count(*) FROM exposure_summaries").fetchall() == [(0,)]
        assert cursor.execute("SELECT count(*) FROM exposure_summaries").fetchall() == [(0,)]


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_the_whole_report_is_the_same_with_summaries(tmp_path: Path, fmt: str) -> None:
    lake = small_lake.write_small_lake(tmp_path / "lake")
    plan = small_lake.write_plan(tmp_path / "plan.toml")
    from pipeline.plan.phases import load_plan

    def report() -> str:
        with connect(lake) as con:
            return render(build_report(con, plan=load_plan(plan)), fmt)

    before = report()
    assert derived.refresh(lake) == ["2025-03"]
    assert report() == before


def test_ingest_leaves_every_day_summarised(tmp_path: Path) -> None:
    from pipeline.config import SiteConfig
    from pipeline.ingest.run import ingest

    sample = Path(__file__).resolve().parents[3] / "sample_data" / "logs" / "recommended"
    lake = tmp_path / "lake"
    ingest([str(sample)], lake, SiteConfig(year=2026, timezone="UTC"))
    days = set(derived.session_parts(lake))
    files, live = derived.usable_summaries(lake, datetime(2100, 1, 1, tzinfo=UTC))
    assert days and not live and len(files) == len(derived.by_month(derived.session_parts(lake)))
    with connect(lake) as con:
        before = render(build_report(con), "json")
    shutil.rmtree(lake / derived.DERIVED_DIR)
    with connect(lake) as con:
        assert render(build_report(con), "json") == before
