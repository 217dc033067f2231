"""The parse path compiled with mypyc against pure Python, side by side, old and new alternated.

    python benchmarks/bench_compiled.py --log bench-out/mail-rfc3164-s1-n1000000-*.log \
        --maildir bench-out/Maildir-s1-m20000-* --rounds 2

First copies ``parsers/`` and ``pipeline/`` to a scratch folder and compiles ``COMPILED`` there
in place with mypyc (installed with mypy; about 75 s of CPU); ``--tree DIR`` reuses such a
folder. The compiled build is the same interpreter with that folder first on ``PYTHONPATH``;
every measurement runs in a fresh process, from a scratch working folder so the checkout cannot
shadow it. Per round and build: ``LogLineParser`` over every line of the log and
``parse_received`` over every Received value of the Maildir (CPU time of the loop, caches
cold); then ``mailtls ingest`` of the log and of the Maildir into fresh lakes with
``--workers`` (wall time, and the CPU time of the process and its reaped workers). After the
rounds the lakes of the two builds are compared, and both builds ingest the test corpus and
sample_data once more for the same comparison: table by table, row by row, every column (run
ids and ingest times aside).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq

ROOT = Path(__file__).resolve().parent.parent
CORPUS = [ROOT / p for p in ("tests/data/logs", "tests/data/received", "sample_data/logs")]
CORPUS.append(ROOT / "sample_data/maildir")

# Left pure: parsers/records.py (new_log_event sets a frozen dataclass's slots through their
# descriptors, which a compiled class does not have), pipeline/ingest/spans.py (its frozen jobs go to
# worker processes, and a compiled frozen dataclass fails to unpickle: FrozenInstanceError) and
# package __init__ files (mypyc accepts them; they hold imports only).
PURE = {"parsers/records.py"}
COMPILED_PIPELINE = ["pipeline/sessions/sessioniser.py", "pipeline/ingest/stitch.py"]


def compiled_sources(extra: list[str]) -> list[str]:
    parsers = sorted(
        str(p.relative_to(ROOT))
        for p in (ROOT / "parsers").rglob("*.py")
        if p.name != "__init__.py"
    )
    return [p for p in parsers if p not in PURE] + COMPILED_PIPELINE + extra


def build_tree(python: str, tree: Path, extra: list[str]) -> Path:
    """``parsers/`` and ``pipeline/`` copied to ``tree`` and compiled there in place."""
    for package in ("parsers", "pipeline"):
        shutil.copytree(
            ROOT / package, tree / package, ignore=shutil.ignore_patterns("__pycache__")
        )
    shutil.copy(ROOT / "pyproject.toml", tree)  # mypy's settings
    cmd = [python, "-m", "mypyc", *compiled_sources(extra)]
    subprocess.run(cmd, cwd=tree, check=True, stdout=subprocess.DEVNULL)
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    print(f"compiled {len(cmd) - 3} modules ({usage.ru_utime + usage.ru_stime:.0f} s CPU)")
    return tree


TABLES = ("sessions", "received_hops", "messages", "rejects")
RUN_COLUMNS = {"ingested_at", "run_id"}  # differ between two equal runs

# Run inside each interpreter; prints one JSON object. CPU time of the parse loop only.
CHILD = r"""
import json, sys, time
from pathlib import Path
what, path = sys.argv[1], Path(sys.argv[2])
import parsers.logline
build = "compiled" if parsers.logline.__file__.endswith(".so") else "pure"
if what == "logline":
    from parsers.logline import LogLineParser
    with path.open(encoding="utf-8", errors="surrogateescape") as handle:
        lines = handle.read().splitlines()
    parse = LogLineParser(year=2024).parse
    began = time.process_time()
    kept = sum(1 for n, line in enumerate(lines, 1) if parse(line, n) is not None)
    took = time.process_time() - began
    print(json.dumps({"build": build, "units": len(lines), "cpu_s": took, "kept": kept}))
else:
    from parsers.received import parse_received
    from pipeline.ingest.mailbox import iter_messages
    files = sorted(p for d in ("cur", "new") for p in (path / d).glob("*") if p.is_file())
    values = [v for f in files for m in iter_messages(f) for v in m.received_values()]
    began = time.process_time()
    hops = [parse_received(v) for v in values]
    took = time.process_time() - began
    print(json.dumps({"build": build, "units": len(values), "cpu_s": took, "kept": len(hops)}))
"""


def child(python: str, what: str, path: Path, scratch: Path, env: dict[str, str]) -> dict[str, Any]:
    out = subprocess.run(
        [python, "-c", CHILD, what, str(path)],
        cwd=scratch,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    result: dict[str, Any] = json.loads(out.stdout)
    return result


def ingest(
    mailtls: str, sources: list[Path], lake: Path, workers: int, scratch: Path, env: dict[str, str]
) -> dict[str, Any]:
    shutil.rmtree(lake, ignore_errors=True)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    began = time.perf_counter()
    cmd = [mailtls, "ingest", *map(str, sources), "--lake", str(lake), "--workers", str(workers)]
    done = subprocess.run(cmd, cwd=scratch, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - began
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode not in (0, 3):
        raise SystemExit(f"{' '.join(cmd)} failed ({done.returncode}): {done.stderr[-500:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {"wall_s": wall, "cpu_s": cpu}


def table_rows(lake: Path, table: str) -> list[str]:
    rows = []
    for part in sorted((lake / table).rglob("*.parquet")):
        for row in pq.read_table(part).to_pylist():
            kept = {k: v for k, v in row.items() if k not in RUN_COLUMNS}
            rows.append(repr(sorted(kept.items())))
    return sorted(rows)


def ingested_rows(lake: Path) -> list[str]:
    path = lake / "_ingested.parquet"
    if not path.exists():
        return []
    rows = pq.read_table(path).to_pylist()
    return sorted(repr(sorted((k, v) for k, v in r.items() if k not in RUN_COLUMNS)) for r in rows)


def lake_differences(a: Path, b: Path) -> list[str]:
    """Tables whose rows differ between two lakes (empty: equal in every column)."""
    diffs = []
    for table in TABLES:
        left, right = table_rows(a, table), table_rows(b, table)
        if left != right:
            diffs.append(f"{table}: {len(left)} rows against {len(right)}")
    if ingested_rows(a) != ingested_rows(b):
        diffs.append("_ingested differs")
    return diffs


def rate(units: int, seconds: float) -> str:
    return f"{units / seconds:>10,.0f}/s"


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--pure", default=str(ROOT / ".venv/bin/python"))
    ap.add_argument("--log", type=Path, required=True)
    ap.add_argument("--maildir", type=Path, required=True)
    ap.add_argument("--log-lines", type=int, help="lines of --log (counted when not given)")
    ap.add_argument("--mail-fields", type=int, default=0, help="Received fields of --maildir")
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--tree", type=Path, help="a folder an earlier run compiled (kept)")
    ap.add_argument("--extra", nargs="*", default=[], help="more modules to compile (paths)")
    ap.add_argument("--skip-ingest", action="store_true")
    ap.add_argument("--skip-parse", action="store_true")
    args = ap.parse_args(argv)
    builds = {"pure": args.pure, "compiled": args.pure}
    scratch = Path(tempfile.mkdtemp(prefix="bench-compiled-"))
    tree = args.tree or build_tree(args.pure, scratch / "tree", args.extra)
    envs = {"pure": dict(os.environ), "compiled": dict(os.environ)}
    envs["compiled"]["PYTHONPATH"] = str(tree.resolve())
    results: dict[str, dict[str, list[dict[str, Any]]]] = {b: {} for b in builds}
    try:
        for n in range(args.rounds):
            order = list(builds) if n % 2 == 0 else list(reversed(builds))
            for build in order:
                python = builds[build]
                mailtls = str(Path(python).parent / "mailtls")
                got = results[build]
                parse_steps = (
                    () if args.skip_parse else (("logline", args.log), ("received", args.maildir))
                )
                for what, path in parse_steps:
                    r = child(python, what, path, scratch, envs[build])
                    assert r["build"] == build, f"{build} run loaded the {r['build']} build"
                    got.setdefault(what, []).append(r)
                    print(f"round {n} {build:<8} {what:<9} {rate(r['units'], r['cpu_s'])} CPU")
                if args.skip_ingest:
                    continue
                for what, path in (("ingest_log", args.log), ("ingest_mail", args.maildir)):
                    lake = scratch / f"lake-{build}-{what}"
                    r = ingest(mailtls, [path], lake, args.workers, scratch, envs[build])
                    got.setdefault(what, []).append(r)
                    print(
                        f"round {n} {build:<8} {what:<11} wall {r['wall_s']:.1f} s, CPU {r['cpu_s']:.1f} s"
                    )
        summary(results, args)
        if not args.skip_ingest:
            for what in ("ingest_log", "ingest_mail") if args.rounds else ():
                diffs = lake_differences(
                    scratch / f"lake-pure-{what}", scratch / f"lake-compiled-{what}"
                )
                print(f"lakes {what}: {'identical' if not diffs else '; '.join(diffs)}")
            for build in builds:
                mailtls = str(Path(builds[build]).parent / "mailtls")
                lake = scratch / f"lake-{build}-corpus"
                ingest(mailtls, CORPUS, lake, args.workers, scratch, envs[build])
            diffs = lake_differences(scratch / "lake-pure-corpus", scratch / "lake-compiled-corpus")
            print(f"lakes corpus + sample_data: {'identical' if not diffs else '; '.join(diffs)}")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return 0


def summary(results: dict[str, dict[str, list[dict[str, Any]]]], args: argparse.Namespace) -> None:
    lines = args.log_lines or sum(1 for _ in args.log.open("rb"))
    print(f"\nsummary (min–max over {args.rounds} rounds; CPU time unless marked wall)")
    for what in ("logline", "received", "ingest_log", "ingest_mail"):
        figures = {}
        for build, got in results.items():
            runs = got.get(what, [])
            if not runs:
                continue
            if what in ("logline", "received"):
                rates = [r["units"] / r["cpu_s"] for r in runs]
                figures[build] = f"{min(rates):,.0f}–{max(rates):,.0f}/s"
            else:
                units = lines if what == "ingest_log" else args.mail_fields
                walls = [units / r["wall_s"] for r in runs]
                cpus = [units / r["cpu_s"] for r in runs]
                figures[build] = (
                    f"wall {min(walls):,.0f}–{max(walls):,.0f}/s, CPU {min(cpus):,.0f}–{max(cpus):,.0f}/s"
                )
        if figures:
            print(f"  {what:<12} " + " | ".join(f"{b}: {f}" for b, f in figures.items()))


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
