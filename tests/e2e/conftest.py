"""Fixtures for the lab end-to-end tier: one real lab run per Dovecot logging profile."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
PROFILES = ("default", "recommended")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "e2e: needs root and Debian packages (real Postfix/Dovecot); run by make e2e"
    )


def _lab_unavailable() -> str | None:
    if os.geteuid() != 0:
        return "the mail lab needs root (it installs and runs Postfix and Dovecot)"
    if shutil.which("apt-get") is None or not Path("/etc/debian_version").exists():
        return "the mail lab needs Debian (apt-get)"
    return None


@pytest.fixture(scope="session")
def lab_runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Run lab/run.sh for both profiles (about 40 s each); {profile: run directory}.

    MAILTLS_LAB_RUNS=DIR reuses runs made earlier with `lab/run.sh PROFILE DIR/PROFILE`.
    """
    reuse = os.environ.get("MAILTLS_LAB_RUNS")
    if reuse:
        return {p: Path(reuse) / p for p in PROFILES}
    reason = _lab_unavailable()
    if reason:
        pytest.skip(reason)
    base = tmp_path_factory.mktemp("lab")
    runs = {}
    for profile in PROFILES:
        out = base / profile
        proc = subprocess.run(
            ["bash", str(REPO / "lab" / "run.sh"), profile, str(out)],
            capture_output=True, text=True, timeout=600,
        )
        if proc.returncode != 0:
            pytest.fail(f"lab/run.sh {profile} failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}")
        runs[profile] = out
    return runs
