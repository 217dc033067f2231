"""Received parsing alone and mail ingest, on one core, over a generated Maildir (or mbox).

    python benchmarks/generate_mail.py --messages 20000 -o bench-out/Maildir
    python benchmarks/bench_received.py bench-out/Maildir
    python benchmarks/bench_received.py bench-out/Maildir --profile   # cProfile of mail ingest

Prints (CPU time, best of ``--runs``; wall time for ``--workers``): bare ``parse_received`` fields/s over every Received
value of the mailbox and over the test corpus; the per-message loop of mail ingest (read,
split headers, parse, build rows) in messages/s and hops/s; and ``ingest_mail`` end to end
into a fresh lake; with ``--workers N`` also on 1 and N processes, wall time and the CPU time of
all processes (the pool's workers included). To compare two commits on the same data, call it
with ``PYTHONPATH`` set to each checkout in turn (``--runs 1``: every cache starts cold, as in
one ingest).
"""

from __future__ import annotations

import argparse
import cProfile
import multiprocessing.forkserver
import pstats
import resource
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make the repository importable
    sys.path.append(str(Path(__file__).resolve().parent.parent))  # PYTHONPATH goes first

from parsers.received import parse_received
from pipeline.config import SiteConfig
from pipeline.ingest.mail import ingest_mail
from pipeline.ingest.mailbox import OwnServers, iter_messages, message_rows

OWN = ("example.org", "example.net")


def best_cpu(
    fn: Callable[[], Any], runs: int, clock: Callable[[], float] = time.process_time
) -> float:
    times = []
    for _ in range(runs):
        began = clock()
        fn()
        times.append(clock() - began)
    return min(times)


def files_of(path: Path) -> list[Path]:
    if path.is_dir():
        return sorted(p for d in ("cur", "new") for p in (path / d).glob("*") if p.is_file())
    return [path]


def values_of(files: list[Path]) -> list[str]:
    return [v for f in files for m in iter_messages(f) for v in m.received_values()]


def corpus_values() -> list[str]:
    try:
        from tests.parsers.received.corpus import header_values, message_fields
    except ImportError:
        return []
    return [v for _, _, v in message_fields()] + header_values()


def message_loop(files: list[Path]) -> tuple[int, int]:
    own = OwnServers.of(OWN)
    messages = hops = 0
    for path in files:
        for message in iter_messages(path):
            _, rows = message_rows(message, own)
            messages += 1
            hops += len(rows)
    return messages, hops


def ingest(files: list[Path], workers: int) -> None:
    with tempfile.TemporaryDirectory() as lake:
        ingest_mail(files, Path(lake), "bench", SiteConfig(own_hosts=OWN), [], workers=workers)


def ingest_wall_cpu(files: list[Path], workers: int) -> tuple[float, float]:
    """Wall and CPU seconds of one ingest, the pool's processes included: they are children of
    the forkserver, which counts their time once it is stopped and reaped."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu, wall = time.process_time(), time.perf_counter()
    ingest(files, workers)
    wall = time.perf_counter() - wall
    stop = getattr(multiprocessing.forkserver, "_forkserver", None)
    if stop is not None and hasattr(stop, "_stop"):
        stop._stop()  # private, in a benchmark only: the next pool starts a new forkserver
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    spent = after.ru_utime + after.ru_stime - children.ru_utime - children.ru_stime
    return wall, time.process_time() - cpu + spent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("mail", type=Path, help="a Maildir or an mbox")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--profile", action="store_true", help="cProfile the message loop")
    parser.add_argument(
        "--workers", type=int, default=1, help="also time ingest_mail on N processes"
    )
    args = parser.parse_args()
    files = files_of(args.mail)
    if args.profile:
        cProfile.runctx("message_loop(files)", globals(), {"files": files}, "/tmp/rcv.prof")
        pstats.Stats("/tmp/rcv.prof").sort_stats("tottime").print_stats(30)
        return
    values = values_of(files)
    took = best_cpu(lambda: [parse_received(v) for v in values], args.runs)
    print(f"parse_received, mailbox: {len(values)} fields, {len(values) / took:,.0f} fields/s")
    corpus = corpus_values()
    if corpus:
        took = best_cpu(lambda: [parse_received(v) for v in corpus], args.runs)
        print(f"parse_received, corpus:  {len(corpus)} fields, {len(corpus) / took:,.0f} fields/s")
    messages, hops = message_loop(files)
    took = best_cpu(lambda: message_loop(files), args.runs)
    print(f"message loop: {messages / took:,.0f} messages/s, {hops / took:,.0f} hops/s")
    took = best_cpu(lambda: ingest(files, 1), args.runs)
    print(f"ingest_mail:  {messages / took:,.0f} messages/s, {hops / took:,.0f} hops/s")
    if args.workers > 1:
        for workers in (1, args.workers):
            runs = [ingest_wall_cpu(files, workers) for _ in range(args.runs)]
            wall, cpu = min(w for w, _ in runs), min(c for _, c in runs)
            print(
                f"ingest_mail, {workers} worker(s): wall {hops / wall:,.0f} hops/s, "
                f"CPU {hops / cpu:,.0f} hops/s ({messages / wall:,.0f} / "
                f"{messages / cpu:,.0f} messages/s)"
            )


if __name__ == "__main__":
    main()
