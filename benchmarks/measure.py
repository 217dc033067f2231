"""Measuring tools for the benchmark: the machine, a timed child process tree, medians."""

from __future__ import annotations

import contextlib
import os
import platform
import statistics
import subprocess
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

try:
    import psutil
except ImportError:  # psutil comes with the dask extra; without it only the largest process counts
    psutil = None


def machine() -> dict[str, Any]:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.partition(":")[2].strip()
                break
    except OSError:
        pass
    ram = 0
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                ram = int(line.split()[1]) * 1024
    except OSError:
        pass
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "ram_gib": round(ram / 2**30, 1),
        "python": platform.python_version(),
        "platform": platform.platform(),
        # other work on the machine skews every figure: record how busy it was
        "load_average_1m": round(os.getloadavg()[0], 2),
    }


@dataclass(frozen=True, slots=True)
class Run:
    seconds: float
    returncode: int
    peak_rss_tree_mb: float | None  # PSS summed over the process and its children, sampled
    peak_rss_process_mb: float  # the largest single process in the tree (sampled when possible)
    stderr_tail: str
    cpu_seconds: float = 0.0  # user + system of the process and the children it waited for


class _TreeSampler(threading.Thread):
    """Samples the memory of a process and its descendants every ``interval`` seconds.

    The tree's figure sums proportional set sizes (PSS): pages that forked workers share with
    their parent count once, split between them, where summed RSS would count them per process.
    """

    def __init__(self, pid: int, interval: float = 0.02) -> None:
        super().__init__(daemon=True)
        self.pid, self.interval, self.peak, self.peak_single = pid, interval, 0, 0
        self.done = threading.Event()

    def run(self) -> None:
        assert psutil is not None
        try:
            root = psutil.Process(self.pid)
        except psutil.Error:
            return
        while not self.done.is_set():
            try:
                procs = [root, *root.children(recursive=True)]
                total = 0
                for p in procs:
                    with contextlib.suppress(psutil.Error):
                        info = p.memory_full_info()
                        total += getattr(info, "pss", info.rss)
                        self.peak_single = max(self.peak_single, info.rss)
                self.peak = max(self.peak, total)
            except psutil.Error:
                return
            self.done.wait(self.interval)


def run_tree(
    cmd: Sequence[str], *, cwd: Path | None = None, stdout: int | None = subprocess.DEVNULL
) -> Run:
    """Run ``cmd`` to completion; wall time and peak memory of its whole process tree."""
    began = time.perf_counter()
    proc = subprocess.Popen(list(cmd), cwd=cwd, stdout=stdout, stderr=subprocess.PIPE)
    sampler = _TreeSampler(proc.pid) if psutil is not None else None
    if sampler is not None:
        sampler.start()
    err_chunks: list[bytes] = []
    reader = threading.Thread(
        target=lambda: err_chunks.append(proc.stderr.read() if proc.stderr else b""), daemon=True
    )
    reader.start()
    _, status, usage = os.wait4(proc.pid, 0)
    took = time.perf_counter() - began
    proc.returncode = os.waitstatus_to_exitcode(status)
    reader.join()
    if sampler is not None:
        sampler.done.set()
        sampler.join()
    # The kernel's ru_maxrss of a child counts the memory of the process that forked it (Linux
    # keeps the high-water mark across exec), so a benchmark that grew big itself would be
    # charged to every command it times: the sampled figure is used when there is one.
    largest = usage.ru_maxrss * 1024 / 1e6  # KiB on Linux
    if sampler is not None and sampler.peak_single:
        largest = sampler.peak_single / 1e6
    tail = b"".join(err_chunks).decode(errors="replace").strip().splitlines()[-5:]
    return Run(
        seconds=took,
        returncode=proc.returncode,
        peak_rss_tree_mb=round(sampler.peak / 1e6, 1) if sampler is not None else None,
        peak_rss_process_mb=round(largest, 1),
        stderr_tail="\n".join(tail),
        cpu_seconds=round(usage.ru_utime + usage.ru_stime, 2),
    )


def median_run(runs: list[Run]) -> Run:
    """The run with the median wall time (the memory figures are its own)."""
    ordered = sorted(runs, key=lambda r: r.seconds)
    return ordered[len(ordered) // 2]


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    began = time.perf_counter()
    result = fn()
    return time.perf_counter() - began, result


def median(values: Sequence[float]) -> float:
    return statistics.median(values)
