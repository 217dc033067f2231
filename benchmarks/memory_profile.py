"""Where a command's peak memory is: per process of its tree, sampled like ``measure.py``.

    python benchmarks/memory_profile.py -- mailtls ingest LOG --lake /tmp/lake --workers 2

Prints the peak of summed PSS (the figure ``run.py`` reports) with each process's share at that
moment, each process's own peak PSS and RSS, and user + sys CPU of the tree; ``--timeline``
writes one line per sample (seconds, summed PSS, then each process) to see when the peak comes.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import psutil


class Sampler(threading.Thread):
    def __init__(self, pid: int, interval: float) -> None:
        super().__init__(daemon=True)
        self.pid, self.interval = pid, interval
        self.done = threading.Event()
        self.samples: list[tuple[float, dict[int, tuple[int, int]]]] = []  # pid -> (pss, rss)
        self.names: dict[int, str] = {}

    def run(self) -> None:
        try:
            root = psutil.Process(self.pid)
        except psutil.Error:
            return
        began = time.perf_counter()
        while not self.done.is_set():
            try:
                procs = [root, *root.children(recursive=True)]
            except psutil.Error:
                return
            now: dict[int, tuple[int, int]] = {}
            for p in procs:
                with contextlib.suppress(psutil.Error):
                    info = p.memory_full_info()
                    now[p.pid] = (getattr(info, "pss", info.rss), info.rss)
                    if p.pid not in self.names:
                        self.names[p.pid] = "parent" if p.pid == self.pid else f"child {p.pid}"
            self.samples.append((time.perf_counter() - began, now))
            self.done.wait(self.interval)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--interval", type=float, default=0.02)
    ap.add_argument("--timeline", type=Path, default=None)
    ap.add_argument("command", nargs=argparse.REMAINDER)
    args = ap.parse_args(argv)
    cmd = [c for c in args.command if c != "--"] if args.command[:1] == ["--"] else args.command
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL)
    sampler = Sampler(proc.pid, args.interval)
    sampler.start()
    _, status, usage = os.wait4(proc.pid, 0)
    sampler.done.set()
    sampler.join()
    if not sampler.samples:
        return 1
    mb = 1e6
    at, peak = max(sampler.samples, key=lambda s: sum(v[0] for v in s[1].values()))
    print(f"exit {os.waitstatus_to_exitcode(status)}, cpu {usage.ru_utime + usage.ru_stime:.2f} s")
    print(f"peak summed PSS {sum(v[0] for v in peak.values()) / mb:.1f} MB at {at:.1f} s:")
    for pid, (pss, rss) in peak.items():
        print(f"  {sampler.names[pid]:<14} PSS {pss / mb:7.1f}  RSS {rss / mb:7.1f}")
    print("each process's own peak:")
    for pid, name in sampler.names.items():
        values = [(t, s[pid]) for t, s in sampler.samples if pid in s]
        t_pss, (pss, _) = max(values, key=lambda v: v[1][0])
        rss = max(v[1][1] for v in values)
        print(f"  {name:<14} PSS {pss / mb:7.1f} (at {t_pss:.1f} s)  RSS {rss / mb:7.1f}")
    print(
        f"peak summed RSS {max(sum(v[1] for v in s.values()) for _, s in sampler.samples) / mb:.1f} MB"
    )
    if args.timeline:
        with args.timeline.open("w") as out:
            for t, s in sampler.samples:
                parts = " ".join(f"{sampler.names[p]}={v[0] / mb:.0f}" for p, v in s.items())
                out.write(f"{t:.2f} {sum(v[0] for v in s.values()) / mb:.0f} {parts}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
