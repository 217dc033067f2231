"""Many small logs (issue 13): ``--files`` one-line logs (100 folders), ingested once, then
ingested again unchanged. Prints both wall times and the peak RSS; the re-ingest should only
``stat`` each file (the figure the README quotes; a measurement, never a pass/fail test).

    python benchmarks/many_files.py --files 100000 --out bench-out
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make the repository importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.measure import run_tree

REPO = Path(__file__).resolve().parent.parent
LINE = (
    "Mar {day:02d} {hour:02d}:{minute:02d}:{second:02d} mail{host} dovecot: imap-login: Login: "
    "user=<u{n}@example.org>, method=PLAIN, rip=192.0.2.{ip}, lip=192.0.2.1, mpid={n}, TLS, "
    "session=<s{n}>\n"
)


def build(folder: Path, files: int) -> list[Path]:
    """``files`` distinct one-line logs, ``f<folder>/host<n>.log``; kept when already there."""
    marker = folder / f"built-{files}"
    paths = [folder / f"f{n % 100:02d}" / f"host{n}.log" for n in range(files)]
    if marker.exists():
        return paths
    shutil.rmtree(folder, ignore_errors=True)
    for n, path in enumerate(paths):
        path.parent.mkdir(parents=True, exist_ok=True)
        second = n % 86400
        path.write_text(
            LINE.format(
                day=1 + n // 86400 % 28,
                hour=second // 3600,
                minute=second // 60 % 60,
                second=second % 60,
                host=n % 7,
                n=n,
                ip=n % 250 + 1,
            )
        )
    marker.write_text("")
    return paths


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=100_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--out", type=Path, default=Path("bench-out"))
    args = parser.parse_args()
    folder = args.out / f"many-files-{args.files}"
    build(folder / "logs", args.files)
    lake = folder / "lake"
    shutil.rmtree(lake, ignore_errors=True)
    os.environ["PYTHONPATH"] = str(REPO)  # this checkout's mailtls, whatever is installed
    command = [
        sys.executable,
        "-m",
        "pipeline",
        "ingest",
        str(folder / "logs"),
        "--lake",
        str(lake),
    ]
    command += ["--workers", str(args.workers)]
    first = run_tree(command)
    again = run_tree(command)
    result = {
        "files": args.files,
        "first_ingest_s": round(first.seconds, 2),
        "first_peak_rss_mb": first.peak_rss_tree_mb,
        "reingest_s": round(again.seconds, 2),
        "reingest_peak_rss_mb": again.peak_rss_tree_mb,
        "exit_codes": [first.returncode, again.returncode],
    }
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
