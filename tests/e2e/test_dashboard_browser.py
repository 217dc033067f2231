"""The dashboard in a real browser: ``streamlit run`` on a free localhost port over the lab's
eight-week history with the demo plan (what `make demo` shows), Debian's Chromium driven by
Playwright: the overview's trend spans every week, the plan page shows met, late and upcoming
phases, the users page lists every user at their level. Saves a screenshot of the overview
to the test's temporary folder, or to ``$MAILTLS_SCREENSHOT`` (``make screenshot`` points it at
docs/dashboard.png, so a test run leaves the README's image alone)."""

from __future__ import annotations

import os
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from pipeline.cli.dashboard import streamlit_command
from pipeline.query import db, queries
from tests.history_lake import PLAN, write_history_lake

pytestmark = pytest.mark.e2e

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
START_TIMEOUT = 60.0
VISIBLE_ROWS = 8


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _wait_healthy(url: str, server: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"streamlit exited with {server.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise TimeoutError(f"streamlit did not answer on {url} within {START_TIMEOUT:g}s")


@pytest.fixture(scope="module")
def dashboard(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """The dashboard's URL and its lake."""
    folder = tmp_path_factory.mktemp("dashboard")
    lake = write_history_lake(folder / "lake")
    port = _free_port()
    command = streamlit_command(lake, port, PLAN, "127.0.0.1")
    env = {**os.environ, "STREAMLIT_SERVER_FILE_WATCHER_TYPE": "none"}
    server = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(url, server)
        yield url, lake
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()


@pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium (make e2e installs it)")
def test_overview_plan_and_users_in_chromium(dashboard: tuple[str, Path], tmp_path: Path) -> None:
    from playwright.sync_api import expect, sync_playwright

    url, lake = dashboard
    with db.connect(lake) as con:
        weeks = len(queries.weekly_trend(con, since=queries.history_window(con).since))
        posture = queries.user_posture(con)
    assert weeks == 8  # sample_data/history, 2026-10-05 to 2026-11-29
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1300})
            page.goto(url)
            kpis = page.get_by_test_id("stMetric")
            expect(kpis.first).to_be_visible(timeout=30_000)
            expect(page.get_by_text("L0 cleartext")).to_be_visible()
            expect(page.get_by_text("Notify and fix, late")).to_be_visible()
            # the trend spans the whole history, not the 30-day window's five weeks
            expect(page.get_by_text(f"{weeks} weeks from 2026-10-05")).to_be_visible()
            charts = page.get_by_test_id("stVegaLiteChart")
            expect(charts.nth(1)).to_be_visible(timeout=30_000)
            page.wait_for_timeout(2000)  # let the charts finish drawing before the screenshot
            screenshot = Path(os.environ.get("MAILTLS_SCREENSHOT") or tmp_path / "overview.png")
            screenshot.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(screenshot), full_page=True)

            page.get_by_test_id("stSidebarNav").get_by_text("Migration plan").click()
            metrics = page.get_by_test_id("stMetric")
            for state, count in (("met", 3), ("late", 1), ("upcoming", 2), ("ahead", 1)):
                metric = metrics.filter(has_text=f"Phases {state}")
                expect(metric.get_by_test_id("stMetricValue")).to_have_text(str(count))
            expander = page.get_by_test_id("stExpander")
            expect(expander.filter(has_text="P3 Notify and fix")).to_contain_text("late")
            expect(expander.filter(has_text="P6 Legacy-TLS cut")).to_contain_text("upcoming")
            expect(expander.filter(has_text="P0 Instrument and baseline")).to_contain_text("met")
            expect(page.get_by_test_id("stVegaLiteChart").first).to_be_visible()
            expect(page.get_by_test_id("stDataFrame").first).to_be_visible()
            page.wait_for_timeout(2000)
            page.screenshot(path=str(tmp_path / "plan.png"), full_page=True)

            page.get_by_test_id("stSidebarNav").get_by_text("Users").click()
            grid = page.get_by_test_id("stDataFrame").first
            expect(grid).to_be_visible(timeout=30_000)
            # the grid draws on a canvas; its accessible table mirrors the visible cells only:
            # the first rows, the worst levels
            top = posture.head(VISIBLE_ROWS)
            for user, level in zip(top["user_name"], top["level"], strict=True):
                cells = grid.locator("tr").filter(has_text=user).locator("td")
                expect(cells.nth(0)).to_have_text(user)
                expect(cells.nth(1)).to_have_text(level)
        finally:
            browser.close()
