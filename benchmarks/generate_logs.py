"""Write a seeded, realistic mixed Postfix + Dovecot syslog file of exactly N lines.

    python benchmarks/generate_logs.py --lines 1000000 --seed 1 -o bench-out/mail.log
    python benchmarks/generate_logs.py --lines 10000000 --format rfc3339 --gzip -o mail.log.gz

Sessions (see ``benchmarks/sessions.py``) start at random times in one-minute windows whose rate
follows a day curve; the records of a window are sorted and written once no later session can
precede them, so timestamps never go backwards and sessions interleave as on a real server.
The same seed and options always give the same bytes.
"""

from __future__ import annotations

import argparse
import gzip
import random
import sys
import time
from bisect import bisect_left
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from operator import itemgetter
from pathlib import Path
from typing import IO

if __package__ in (None, ""):  # run as a script: make the repository importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.population import make_users
from benchmarks.sessions import Site

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
WINDOW = 60.0  # seconds of sessions generated, sorted and written at a time
LINES_PER_SESSION = 5.0  # measured mean of the session mix; sets the session rate
# relative traffic by local hour: quiet nights, a working-day plateau (mean 1.0)
DAY_CURVE = (
    0.25,
    0.2,
    0.2,
    0.2,
    0.25,
    0.4,
    0.7,
    1.2,
    1.6,
    1.7,
    1.6,
    1.5,
    1.4,
    1.5,
    1.6,
    1.6,
    1.5,
    1.3,
    1.1,
    1.0,
    0.9,
    0.7,
    0.5,
    0.35,
)
DAY_CURVE = tuple(x * 24 / sum(DAY_CURVE) for x in DAY_CURVE)


class Stamper:
    """Formats epoch seconds as the envelope's timestamp, caching the per-second part."""

    def __init__(self, fmt: str, utc_offset: timedelta) -> None:
        self.rfc3339 = fmt == "rfc3339"
        self.offset = utc_offset
        self.zone = _zone(utc_offset)
        self._second = -1
        self._text = ""

    def local(self, second: int) -> datetime:
        return datetime(1970, 1, 1) + timedelta(seconds=second) + self.offset

    def rfc3164(self, second: int) -> str:
        d = self.local(second)
        return f"{MONTHS[d.month - 1]} {d.day:2d} {d.hour:02d}:{d.minute:02d}:{d.second:02d}"

    def __call__(self, t: float) -> str:
        second = int(t)
        if second != self._second:
            self._second = second
            self._text = (
                self.local(second).strftime("%Y-%m-%dT%H:%M:%S")
                if self.rfc3339
                else self.rfc3164(second)
            )
        if self.rfc3339:
            return f"{self._text}.{int((t - second) * 1e6):06d}{self.zone}"
        return self._text


def _zone(offset: timedelta) -> str:
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    return f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def generate(
    lines: int,
    *,
    seed: int = 1,
    fmt: str = "rfc3164",
    start: str = "2024-03-04",
    utc_offset: str = "+01:00",
    lines_per_day: int = 400_000,
    users: int | None = None,
) -> Iterator[str]:
    """Yield text chunks (many lines each) that together hold exactly ``lines`` lines."""
    rng = random.Random(seed)
    population = make_users(rng, users or max(300, lines // 400))
    site = Site(rng, population)
    sign = -1 if utc_offset.startswith("-") else 1
    hh, mm = utc_offset.lstrip("+-").split(":")
    offset = sign * timedelta(hours=int(hh), minutes=int(mm))
    stamp = Stamper(fmt, offset)
    local_start = datetime.fromisoformat(start)
    w = (local_start - offset).replace(tzinfo=UTC).timestamp()
    sessions_per_window = lines_per_day / LINES_PER_SESSION / 86400 * WINDOW
    pending: list[tuple[float, str, str, str]] = []
    written = 0
    by_time = itemgetter(0)
    while written < lines:
        hour = stamp.local(int(w)).hour
        expected = sessions_per_window * DAY_CURVE[hour]
        count = int(expected) + (rng.random() < expected % 1)
        one_session = site.one_session
        for t in sorted(w + rng.random() * WINDOW for _ in range(count)):
            one_session(t)
        if int(w) % 600 == 0:
            site.anvil(w, stamp.rfc3164(int(w)))
        pending.extend(site.out)
        site.out.clear()
        pending.sort(key=by_time)
        end = w + WINDOW
        split = bisect_left(pending, end, key=by_time)
        ready, pending = pending[:split], pending[split:]
        if written + len(ready) > lines:
            ready = ready[: lines - written]
        written += len(ready)
        if ready:
            yield "".join([f"{stamp(t)} {host} {tag}: {msg}\n" for t, host, tag, msg in ready])
        w = end


def write(path: Path, chunks: Iterator[str], *, compress: bool) -> int:
    """Write the chunks in large blocks; returns the bytes written (uncompressed)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    size = 0
    block: list[str] = []
    held = 0
    tmp = path.with_name(path.name + ".part")
    stream: IO[bytes] = gzip.open(tmp, "wb", compresslevel=1) if compress else open(tmp, "wb")  # noqa: SIM115
    with stream:
        for chunk in chunks:
            block.append(chunk)
            held += len(chunk)
            if held >= 8 << 20:
                data = "".join(block).encode()
                stream.write(data)
                size += len(data)
                block, held = [], 0
        data = "".join(block).encode()
        stream.write(data)
        size += len(data)
    tmp.replace(path)
    return size


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--lines", type=int, default=1_000_000, help="lines to write (default 1,000,000)"
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--format",
        choices=("rfc3164", "rfc3339"),
        default="rfc3164",
        help="envelope: traditional 'Mar  4 00:31:06' or high-precision RFC 3339",
    )
    parser.add_argument("--start", default="2024-03-04", help="local date-time of the first window")
    parser.add_argument("--utc-offset", default="+01:00", help="the servers' local zone")
    parser.add_argument("--lines-per-day", type=int, default=400_000, help="traffic density")
    parser.add_argument("--users", type=int, default=None, help="mailboxes (default lines/400)")
    parser.add_argument("--gzip", action="store_true", help="gzip the output (level 1)")
    parser.add_argument("-o", "--output", type=Path, default=Path("bench-out/mail.log"))
    args = parser.parse_args(argv)
    began = time.perf_counter()
    chunks = generate(
        args.lines,
        seed=args.seed,
        fmt=args.format,
        start=args.start,
        utc_offset=args.utc_offset,
        lines_per_day=args.lines_per_day,
        users=args.users,
    )
    size = write(args.output, chunks, compress=args.gzip)
    took = time.perf_counter() - began
    print(
        f"{args.output}: {args.lines:,} lines, {size / 1e6:,.1f} MB in {took:.1f} s "
        f"({args.lines / took:,.0f} lines/s)",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
