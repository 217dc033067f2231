"""The dashboard in a real browser: ``streamlit run`` on a free localhost port over the
hand-written lake, Debian's Chromium driven by Playwright. Saves a screenshot of the overview
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
from tests.small_lake import EXPECTED_USERS, write_plan, write_small_lake

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
def dashboard_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("dashboard")
    lake = write_small_lake(folder / "lake")
    plan = write_plan(folder / "plan.toml")
    port = _free_port()
    command = streamlit_command(lake, port, plan, "127.0.0.1")
    env = {**os.environ, "STREAMLIT_SERVER_FILE_WATCHER_TYPE": "none"}
    server = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(url, server)
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()


@pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium (make e2e installs it)")
def test_overview_then_users_in_chromium(dashboard_url: str, tmp_path: Path) -> None:
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.goto(dashboard_url)
            kpis = page.get_by_test_id("stMetric")
            expect(kpis.first).to_be_visible(timeout=30_000)
            expect(page.get_by_text("L0 cleartext")).to_be_visible()
            expect(page.get_by_text("Offer implicit-TLS endpoints, late")).to_be_visible()
            page.wait_for_timeout(1500)  # let the chart finish drawing before the screenshot
            screenshot = Path(os.environ.get("MAILTLS_SCREENSHOT") or tmp_path / "overview.png")
            screenshot.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(screenshot))

            page.get_by_test_id("stSidebarNav").get_by_text("Users").click()
            grid = page.get_by_test_id("stDataFrame")
            expect(grid).to_be_visible(timeout=30_000)
            # the grid draws on a canvas; its accessible table mirrors the visible cells
            for user, (level, _) in EXPECTED_USERS.items():
                cells = grid.locator("tr").filter(has_text=user).locator("td")
                expect(cells.nth(0)).to_have_text(user)
                expect(cells.nth(1)).to_have_text(level)
        finally:
            browser.close()
