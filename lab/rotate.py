#!/usr/bin/env python3
"""Split one lab run's logs into rotated files the way logrotate leaves them.

    rotate.py RUN_LOG_DIR DEST_DIR

Writes DEST_DIR/postfix.log.2.gz, postfix.log.1, postfix.log and the same for dovecot.log.
Postfix is cut at two points; the cut between postfix.log.1 and postfix.log is placed inside
an smtpd session (after its TLS line, before its disconnect), so a session spans the rotation.
Dovecot is cut at the same moments (first line at or after the Postfix cut time). gzip output is
written without a name/mtime, so reruns on the same input give identical bytes.
"""

from __future__ import annotations

import gzip
import re
import sys
from pathlib import Path

SMTPD = re.compile(r"^\S+ +\d+ [\d:]+ \S+ (postfix/[\w/]*smtpd)\[(\d+)\]: (connect from|disconnect from|Anonymous TLS)")


def stamp(line: str) -> str:
    return line[:15]  # "Mmm dd hh:mm:ss": every line of one run is on one day


def spanning_cut(lines: list[str], target: int) -> int:
    """Index i (cut before lines[i]) near target that falls inside an smtpd session."""
    open_at: dict[tuple[str, str], int] = {}
    candidates: list[int] = []
    for i, line in enumerate(lines):
        m = SMTPD.match(line)
        if not m:
            continue
        key = (m.group(1), m.group(2))
        if m.group(3) == "connect from":
            open_at[key] = i
        elif m.group(3) == "Anonymous TLS" and key in open_at and "submission" in key[0]:
            candidates.append(i + 1)  # after the TLS line, the session is still open
        elif key in open_at:
            del open_at[key]
    if not candidates:
        raise SystemExit("no smtpd session to span the rotation boundary")
    return min(candidates, key=lambda i: abs(i - target))


def write(path: Path, lines: list[str]) -> None:
    data = "".join(lines).encode()
    if path.suffix == ".gz":
        with open(path, "wb") as raw, gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0) as gz:
            gz.write(data)
    else:
        path.write_bytes(data)


def main() -> int:
    src, dest = Path(sys.argv[1]), Path(sys.argv[2])
    dest.mkdir(parents=True, exist_ok=True)
    pf = (src / "postfix.log").read_text().splitlines(keepends=True)
    dc = (src / "dovecot.log").read_text().splitlines(keepends=True)
    cut1 = len(pf) // 3
    cut2 = spanning_cut(pf, 2 * len(pf) // 3)
    # Never split inside one second on the first cut, so that Dovecot can follow it exactly.
    while 0 < cut1 < len(pf) and stamp(pf[cut1]) == stamp(pf[cut1 - 1]):
        cut1 += 1
    t1, t2 = stamp(pf[cut1]), stamp(pf[cut2])
    d1 = next((i for i, line in enumerate(dc) if stamp(line) >= t1), len(dc))
    d2 = next((i for i, line in enumerate(dc) if stamp(line) >= t2), len(dc))
    for name, lines, a, b in (("postfix.log", pf, cut1, cut2), ("dovecot.log", dc, d1, d2)):
        write(dest / f"{name}.2.gz", lines[:a])
        write(dest / f"{name}.1", lines[a:b])
        write(dest / name, lines[b:])
        print(f"{name}: {a} / {b - a} / {len(lines) - b} lines (.2.gz / .1 / current)")
    print(f"postfix.log.1 ends inside a session: last line {pf[cut2 - 1].strip()[:110]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
