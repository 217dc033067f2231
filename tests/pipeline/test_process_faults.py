"""Processes a run leaves behind (issue 13): pool workers and the dashboard's Streamlit server
end with the process that started them, however it ends, and the lake's lock with it.

Slow (real processes, real signals): run by ``make e2e``. No timing is asserted: each wait
polls until the state is reached or a generous limit passes."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

SAMPLE = Path(__file__).resolve().parents[2] / "sample_data" / "logs" / "recommended"
REPO = Path(__file__).resolve().parents[2]
LIMIT = 60.0


def _children(pid: int) -> set[int]:
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.add(int(entry.name))
    return found


def _alive(pid: int) -> bool:
    try:
        state = (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _until(condition, what: str) -> None:
    deadline = time.monotonic() + LIMIT
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"still not {what} after {LIMIT:.0f} s")
        time.sleep(0.1)


def _mailtls(*args: str, **kwargs) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.Popen([sys.executable, "-m", "pipeline", *args], env=env, **kwargs)


def test_killed_ingest_leaves_no_worker_and_no_lock(tmp_path: Path) -> None:
    logs = tmp_path / "logs"
    logs.mkdir()
    data = (SAMPLE / "dovecot.log").read_bytes() * 150  # ≈ 6 MB each: seconds of parsing
    for n in range(4):
        (logs / f"host{n}.log").write_bytes(data)
    lake = tmp_path / "lake"
    run = _mailtls(
        "ingest",
        str(logs),
        "--lake",
        str(lake),
        "--workers",
        "2",
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    _until(lambda: len(_children(run.pid)) >= 2 or run.poll() is not None, "forking workers")
    workers = _children(run.pid)
    assert run.poll() is None and len(workers) >= 2
    run.kill()
    run.wait()
    _until(lambda: not any(_alive(w) for w in workers), "ended with their parent")
    again = subprocess.run(
        [
            sys.executable,
            "-m",
            "pipeline",
            "ingest",
            str(logs),
            "--lake",
            str(lake),
            "--workers",
            "1",
        ],
        env={**os.environ, "PYTHONPATH": str(REPO)},
        capture_output=True,
        text=True,
    )
    assert again.returncode == 0, again.stderr
    assert "in use" not in again.stderr


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.mark.parametrize("ending", [signal.SIGTERM, signal.SIGKILL], ids=["SIGTERM", "SIGKILL"])
def test_the_dashboard_server_ends_with_the_command(tmp_path: Path, ending: int) -> None:
    pytest.importorskip("streamlit")
    command = _mailtls(
        "dashboard",
        "--lake",
        str(tmp_path / "lake"),
        "--port",
        str(_free_port()),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    _until(lambda: _children(command.pid) or command.poll() is not None, "serving")
    [server] = _children(command.pid)
    command.send_signal(ending)
    command.wait()
    _until(lambda: not _alive(server), "ended with the command")
