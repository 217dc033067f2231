"""The report's HTML page printed to PDF (or captured as PNG) by a headless Chromium: the same
engine people read it with, so the PDF is the page. Needs a Chromium or Chrome binary (Debian:
``apt-get install chromium``); nothing is fetched, the page has no external reference."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Final

from pipeline.errors import MailtlsError

BROWSER_ENV: Final = "MAILTLS_CHROMIUM"
CANDIDATES: Final = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
# headless, no first-run or background traffic, a throw-away profile; --no-sandbox because cron
# jobs often run as root, where Chromium's sandbox refuses to start (the page has no script)
FLAGS: Final = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
)
TIMEOUT_SECONDS: Final = 120


class BrowserError(MailtlsError):
    """No browser, or the browser did not produce the file."""


def find_browser(explicit: str | None = None) -> str:
    """``explicit``, else $MAILTLS_CHROMIUM, else the first Chromium or Chrome on PATH."""
    for name in (explicit, os.environ.get(BROWSER_ENV), *CANDIDATES):
        if name and (found := shutil.which(name)):
            return found
    raise BrowserError(
        "PDF output needs Chromium or Chrome (Debian: apt-get install chromium), "
        f"or its path in --chromium / ${BROWSER_ENV}"
    )


def print_pdf(page: str, browser: str | None = None) -> bytes:
    """``page`` (a complete HTML document) as PDF bytes, A4 as the page's print rules say."""
    return _render(
        page,
        browser,
        "report.pdf",
        lambda out: [f"--print-to-pdf={out}", "--no-pdf-header-footer"],
        b"%PDF",
    )


def screenshot_png(
    page: str, browser: str | None = None, width: int = 900, height: int = 3000
) -> bytes:
    """``page`` as a PNG of ``width`` by ``height`` CSS pixels (the README's picture)."""
    return _render(
        page,
        browser,
        "report.png",
        lambda out: [f"--screenshot={out}", f"--window-size={width},{height}"],
        b"\x89PNG",
    )


def _render(
    page: str,
    browser: str | None,
    name: str,
    output_flags: Callable[[Path], list[str]],
    magic: bytes,
) -> bytes:
    executable = find_browser(browser)
    with tempfile.TemporaryDirectory(prefix="mailtls-browser-") as tmp:
        folder = Path(tmp)
        source, out = folder / "report.html", folder / name
        source.write_text(page, encoding="utf-8")
        command = [
            executable,
            *FLAGS,
            f"--user-data-dir={folder / 'profile'}",
            *output_flags(out),
            source.as_uri(),
        ]
        try:
            proc = subprocess.run(
                command, capture_output=True, text=True, timeout=TIMEOUT_SECONDS, check=False
            )
        except subprocess.TimeoutExpired:
            raise BrowserError(f"{executable} did not finish within {TIMEOUT_SECONDS} s") from None
        data = out.read_bytes() if out.exists() else b""
        if not data.startswith(magic):
            last = (proc.stderr.strip().splitlines() or ["no message"])[-1]
            raise BrowserError(f"{executable} wrote no {name} (exit {proc.returncode}): {last}")
        return data
