"""The weekly report in a real browser: the sample history's HTML page printed to PDF and
captured as PNG by Debian's Chromium, as `mailtls report --format pdf` does. Saves the picture
to the test's temporary folder, or to ``$MAILTLS_REPORT_SCREENSHOT`` (the README's
docs/report.png)."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.cli import cli
from pipeline.report import pdf

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def history_lake(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if not any(shutil.which(name) for name in pdf.CANDIDATES):
        pytest.skip("needs Chromium (make e2e installs it)")
    lake = tmp_path_factory.mktemp("report") / "lake"
    history = ROOT / "sample_data" / "history"
    result = CliRunner().invoke(
        cli,
        [
            "ingest",
            str(history / "logs"),
            str(history / "maildir"),
            "--lake",
            str(lake),
            "--config",
            str(ROOT / "sample_data" / "mailtls.toml"),
        ],
    )
    assert result.exit_code == 0, result.output
    return lake


def _report(lake: Path, *options: str) -> CliRunner:
    return CliRunner().invoke(
        cli,
        [
            "report",
            "--lake",
            str(lake),
            "--plan",
            str(ROOT / "sample_data" / "plan.toml"),
            *options,
        ],
    )


def test_report_prints_to_pdf_in_chromium(history_lake: Path, tmp_path: Path) -> None:
    out = tmp_path / "report.pdf"
    result = _report(history_lake, "--format", "pdf", "-o", str(out))
    assert result.exit_code == 0, result.output
    data = out.read_bytes()
    assert data.startswith(b"%PDF")
    pages = len(re.findall(rb"/Type\s*/Page\b", data))
    assert 2 <= pages <= 8, pages  # A4, charts and tables kept whole


def test_report_page_renders_to_png_in_chromium(history_lake: Path, tmp_path: Path) -> None:
    page = tmp_path / "report.html"
    result = _report(history_lake, "--format", "html", "-o", str(page))
    assert result.exit_code == 0, result.output
    png = pdf.screenshot_png(page.read_text(encoding="utf-8"), width=900, height=2400)
    assert png.startswith(b"\x89PNG") and len(png) > 50_000  # a page of charts, not a blank
    target = Path(os.environ.get("MAILTLS_REPORT_SCREENSHOT") or tmp_path / "report.png")
    target.write_bytes(png)
