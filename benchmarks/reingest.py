"""Re-ingest over an unchanged set of logs: build a set of distinct files of a given total size
(one seed per file, each in its own folder, so each is its own rotated set and its own
content), ingest it once, then time ``mailtls ingest`` over the same, unchanged set.

    python benchmarks/reingest.py --gb 2 --out bench-out        # build (cached), ingest, time

The first ingest reads every byte (minutes per GB at today's parse rate); the timed second run
reads no log line, so its time depends on how many files and ``_ingested`` rows there are, not
on their bytes.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make the repository importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import generate_logs
from benchmarks.measure import median_run, run_tree

BYTES_PER_LINE = 151  # measured mean of the generated RFC 3164 log
MAILTLS = Path(sys.executable).with_name("mailtls")


def _one_file(path: Path, lines: int, seed: int) -> int:
    if path.exists():
        return path.stat().st_size
    return generate_logs.write(path, generate_logs.generate(lines, seed=seed), compress=False)


def build_set(folder: Path, gb: float, file_mb: int, workers: int) -> list[Path]:
    """``gb`` GB of distinct log files of about ``file_mb`` MB, ``s<seed>/mail.log`` each."""
    count = max(1, round(gb * 1000 / file_mb))
    lines = file_mb * 1_000_000 // BYTES_PER_LINE
    paths = [folder / f"s{seed:03d}" / "mail.log" for seed in range(1, count + 1)]
    with ProcessPoolExecutor(workers) as pool:
        list(pool.map(_one_file, paths, [lines] * count, range(1, count + 1)))
    return paths


def ingest(paths: list[Path], lake: Path, workers: int) -> Any:
    return run_tree(
        [str(MAILTLS), "ingest", *map(str, paths), "--lake", str(lake), "--workers", str(workers)]
    )


def measure(
    out: Path, gb: float, *, file_mb: int = 100, workers: int = 2, runs: int = 3
) -> dict[str, Any]:
    """Build (cached), ingest once (cached: the lake is kept with a marker), time re-ingests."""
    folder = out / f"reingest-{gb:g}gb-{file_mb}mb"
    paths = build_set(folder, gb, file_mb, workers)
    size = sum(p.stat().st_size for p in paths)
    lake = folder / "lake"
    marker = folder / "first-ingest.json"
    if not marker.exists():
        shutil.rmtree(lake, ignore_errors=True)
        first = ingest(paths, lake, workers)
        if first.returncode != 0:
            return {"skipped": f"first ingest failed: {first.stderr_tail}"}
        marker.write_text(json.dumps({"seconds": round(first.seconds, 1)}))
    first_s = json.loads(marker.read_text())["seconds"]
    again = [ingest(paths, lake, workers) for _ in range(runs)]
    best = median_run(again)
    if best.returncode != 0:
        return {"skipped": f"re-ingest failed: {best.stderr_tail}"}
    return {
        "files": len(paths),
        "gb": round(size / 1e9, 2),
        "first_ingest_s": first_s,
        "seconds": round(best.seconds, 3),
        "runs": [round(r.seconds, 3) for r in again],
        "peak_rss_process_mb": best.peak_rss_process_mb,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--gb", type=float, default=10.0)
    parser.add_argument("--file-mb", type=int, default=100)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--out", type=Path, default=Path("bench-out"))
    args = parser.parse_args(argv)
    result = measure(args.out, args.gb, file_mb=args.file_mb, workers=args.workers, runs=args.runs)
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
