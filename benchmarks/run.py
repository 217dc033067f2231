"""``make bench``: generate (cached), then measure mailtls against pflogsumm in one run.

    python benchmarks/run.py                 # 1M log lines, 20k messages, flatness at 10M
    python benchmarks/run.py --quick         # a smoke run in seconds
    python benchmarks/run.py --lines 10000000 --no-flatness
    python benchmarks/run.py --reingest-gb 10       # also re-ingest over an unchanged 10 GB set

`mailtls report` and `mailtls users` are timed over a synthetic lake of --report-sessions
sessions (default 10M, written by benchmarks/generate_lake.py and cached; 200k with --quick).

Prints a table and writes ``bench-out/results.json``. A step whose tool is missing (a command
not merged yet, pflogsumm not installed) prints ``skipped: <reason>`` and the run goes on. The
figures are facts about this machine, never a pass/fail test.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make the repository importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import generate_lake, generate_logs, generate_mail, reingest
from benchmarks.measure import Run, machine, median_run, run_tree, timed
from pipeline.lake import derived

HERE = Path(__file__).resolve().parent
MAILTLS = Path(sys.executable).with_name("mailtls")
TARGETS = {
    "ingest_lines_per_s": 1_500_000,
    "ratio_to_pflogsumm": 3.0,
    "peak_rss_mb": 400,
    "rss_growth_10x": 0.10,
    "received_fields_per_s": 100_000,
    "reingest_s": 2.0,  # over an unchanged 10 GB set (--reingest-gb)
    "report_s": 3.0,  # over 10 million sessions (--report-sessions)
}
Step = dict[str, Any]


def source_tag(*names: str) -> str:
    """A short hash of the generator sources, so a changed generator never reuses a stale cache."""
    digest = hashlib.sha256()
    for name in names:
        digest.update((HERE / name).read_bytes())
    return digest.hexdigest()[:8]


def cached_log(out: Path, lines: int, seed: int, fmt: str) -> tuple[Path, Step]:
    tag = source_tag("generate_logs.py", "sessions.py", "population.py")
    path = out / f"mail-{fmt}-s{seed}-n{lines}-{tag}.log"
    if path.exists():
        return path, {"cached": True, "path": str(path)}
    took, size = timed(
        lambda: generate_logs.write(
            path, generate_logs.generate(lines, seed=seed, fmt=fmt), compress=False
        )
    )
    return path, {
        "cached": False,
        "path": str(path),
        "seconds": round(took, 2),
        "lines_per_s": round(lines / took),
        "mb": round(size / 1e6, 1),
    }


def cached_mail(out: Path, messages: int, seed: int) -> tuple[Path, Step]:
    tag = source_tag("generate_mail.py", "population.py")
    path = out / f"Maildir-s{seed}-m{messages}-{tag}"
    meta = path.with_suffix(".json")
    if meta.exists():
        return path, {"cached": True, **json.loads(meta.read_text())}
    shutil.rmtree(path, ignore_errors=True)
    took, fields = timed(lambda: generate_mail.generate(path, messages, seed=seed))
    info = {"path": str(path), "messages": messages, "received_fields": fields}
    meta.write_text(json.dumps(info))
    return path, {"cached": False, "seconds": round(took, 2), **info}


def has_command(*args: str) -> str | None:
    """The command's --help text, or None when it does not exist (not merged yet)."""
    if not MAILTLS.exists():
        return None
    done = subprocess.run([str(MAILTLS), *args, "--help"], capture_output=True, text=True)
    return done.stdout if done.returncode == 0 else None


def ingest_cmd(
    paths: list[Path], lake: Path, workers: int, help_text: str, parser: str | None = None
) -> list[str]:
    cmd = [str(MAILTLS), "ingest", *map(str, paths), "--lake", str(lake)]
    if "--workers" in help_text:
        cmd += ["--workers", str(workers)]
    if parser and "--parser" in help_text:
        cmd += ["--parser", parser]
    return cmd


def run_summary(run: Run) -> Step:
    return {
        "seconds": round(run.seconds, 3),
        "peak_rss_tree_mb": run.peak_rss_tree_mb,
        "peak_rss_process_mb": run.peak_rss_process_mb,
    }


def ingest_runs(
    source: Path,
    lakes: list[Path],
    help_text: str,
    args: argparse.Namespace,
    parser: str | None = None,
) -> list[Run] | str:
    """One fresh-lake ingest of ``source`` per lake; the failure reason if any run fails."""
    runs = []
    for lake in lakes:
        shutil.rmtree(lake, ignore_errors=True)
        run = run_tree(ingest_cmd([source], lake, args.workers, help_text, parser))
        if run.returncode != 0:
            return (
                f"`mailtls ingest {source.name}` failed (exit {run.returncode}): {run.stderr_tail}"
            )
        runs.append(run)
    return runs


def step_ingest(log: Path, lines: int, out: Path, args: argparse.Namespace) -> Step:
    help_text = has_command("ingest")
    if help_text is None:
        return {"skipped": "`mailtls ingest` is not available yet (not merged into this branch)"}
    runs = ingest_runs(log, [out / f"lake-log-{i}" for i in range(args.runs)], help_text, args)
    if isinstance(runs, str):
        return {"skipped": runs}
    best = median_run(runs)
    size = log.stat().st_size
    result = run_summary(best) | {
        "runs": [round(r.seconds, 3) for r in runs],
        "workers": args.workers if "--workers" in help_text else None,
        "lines_per_s": round(lines / best.seconds),
        "mb_per_s": round(size / 1e6 / best.seconds, 1),
        "lake": str(out / f"lake-log-{args.runs - 1}"),
    }
    again = run_tree(ingest_cmd([log], Path(result["lake"]), args.workers, help_text))
    result["reingest_s"] = (
        round(again.seconds, 3) if again.returncode == 0 else f"failed: {again.stderr_tail}"
    )
    return result


def step_ingest_duckdb(log: Path, lines: int, out: Path, args: argparse.Namespace) -> Step:
    """The same ingest with the vectorised parser (``--parser duckdb``, issue 17)."""
    help_text = has_command("ingest")
    if help_text is None or "--parser" not in help_text:
        return {"skipped": "`mailtls ingest --parser` is not available"}
    lakes = [out / f"lake-duckdb-{i}" for i in range(args.runs)]
    runs = ingest_runs(log, lakes, help_text, args, parser="duckdb")
    if isinstance(runs, str):
        return {"skipped": runs}
    best = median_run(runs)
    for lake in lakes:
        shutil.rmtree(lake, ignore_errors=True)
    return run_summary(best) | {
        "runs": [round(r.seconds, 3) for r in runs],
        "lines_per_s": round(lines / best.seconds),
    }


def step_flatness(small: Step, out: Path, args: argparse.Namespace) -> Step:
    if "skipped" in small:
        return {"skipped": "needs `mailtls ingest`"}
    if args.no_flatness:
        return {"skipped": "--no-flatness"}
    big_lines = args.lines * 10
    log, gen = cached_log(out, big_lines, args.seed, args.format)
    lake = out / "lake-log-10x"
    shutil.rmtree(lake, ignore_errors=True)
    run = run_tree(ingest_cmd([log], lake, args.workers, has_command("ingest") or ""))
    shutil.rmtree(lake, ignore_errors=True)
    if run.returncode != 0:
        return {"skipped": f"`mailtls ingest` failed on {big_lines:,} lines: {run.stderr_tail}"}
    key = "peak_rss_tree_mb" if run.peak_rss_tree_mb is not None else "peak_rss_process_mb"
    growth = getattr(run, key) / small[key] - 1
    return run_summary(run) | {
        "lines": big_lines,
        "generator": gen,
        "lines_per_s": round(big_lines / run.seconds),
        "rss_growth": round(growth, 3),
        "measured_on": key,
    }


def step_pflogsumm(log: Path, lines: int, args: argparse.Namespace) -> Step:
    exe = shutil.which("pflogsumm")
    if exe is None and os.geteuid() == 0 and shutil.which("apt-get"):
        subprocess.run(["apt-get", "install", "-y", "-q", "pflogsumm"], capture_output=True)
        exe = shutil.which("pflogsumm")
    if exe is None:
        return {
            "skipped": "pflogsumm not installed (Debian package `pflogsumm`; not root, so not installed here)"
        }
    runs = [run_tree([exe, str(log)]) for _ in range(args.runs)]
    best = median_run(runs)
    if best.returncode != 0:
        return {"skipped": f"pflogsumm failed: {best.stderr_tail}"}
    return run_summary(best) | {
        "runs": [round(r.seconds, 3) for r in runs],
        "lines_per_s": round(lines / best.seconds),
        "mb_per_s": round(log.stat().st_size / 1e6 / best.seconds, 1),
    }


def step_parse_log(log: Path, lines: int) -> Step:
    """The pure parser alone, one core: LogLineParser over every line (no I/O beyond reading)."""
    try:
        from parsers.logline import LogLineParser
        from parsers.registry import all_dialects
    except ImportError as exc:
        return {"skipped": f"parsers.logline not importable: {exc}"}
    parser = LogLineParser(year=2024)
    events = rejects = 0
    began = time.perf_counter()
    with log.open(encoding="utf-8", errors="surrogateescape") as handle:
        for n, line in enumerate(handle, 1):
            got = parser.parse(line.rstrip("\n"), n)
            if got is not None:
                if hasattr(got, "reason"):
                    rejects += 1
                else:
                    events += 1
    took = time.perf_counter() - began
    return {
        "seconds": round(took, 2),
        "lines_per_s": round(lines / took),
        "events": events,
        "rejects": rejects,
        "dialects": len(all_dialects()),
    }


def step_mail(maildir: Path, gen: Step, out: Path, args: argparse.Namespace) -> Step:
    help_text = has_command("ingest")
    if help_text is None:
        return {"skipped": "`mailtls ingest` is not available yet"}
    if not any(word in help_text for word in ("Maildir", "mbox", "mail folders")):
        return {
            "skipped": "`mailtls ingest` reads logs only so far (its help names no Maildir/mbox)"
        }
    runs = ingest_runs(maildir, [out / "lake-mail"] * args.runs, help_text, args)
    if isinstance(runs, str):
        return {"skipped": runs}
    best = median_run(runs)
    return run_summary(best) | {
        "fields_per_s": round(gen["received_fields"] / best.seconds),
        "fields": gen["received_fields"],
    }


def received_values(maildir: Path) -> list[str]:
    """Every Received field of the Maildir, unfolded, without the field name."""
    values: list[str] = []
    for path in sorted((maildir / "cur").iterdir()):
        head = path.read_bytes().split(b"\n\n", 1)[0].decode("utf-8", "surrogateescape")
        for field in head.replace("\n\t", " ").replace("\n ", " ").split("\n"):
            if field.startswith("Received:"):
                values.append(field[9:].strip())
    return values


def step_parse_received(maildir: Path) -> Step:
    try:
        from parsers.received import parse_received
    except ImportError as exc:
        return {"skipped": f"parsers.received.parse_received not available yet ({exc})"}
    values = received_values(maildir)
    took, _ = timed(lambda: [parse_received(v) for v in values])
    return {
        "fields": len(values),
        "seconds": round(took, 2),
        "fields_per_s_1core": round(len(values) / took),
    }


def step_report(lake: Path | None, args: argparse.Namespace, command: str = "report") -> Step:
    if has_command(command) is None:
        return {"skipped": f"`mailtls {command}` is not available yet"}
    if lake is None:
        return {"skipped": "no lake (ingest was skipped)"}
    runs = [run_tree([str(MAILTLS), command, "--lake", str(lake)]) for _ in range(args.runs)]
    best = median_run(runs)
    if best.returncode != 0:
        return {"skipped": f"`mailtls {command}` failed: {best.stderr_tail}"}
    return run_summary(best) | {
        "runs": [round(r.seconds, 3) for r in runs],
        "cpu_s": best.cpu_seconds,
    }


def cached_sessions_lake(out: Path, sessions: int, seed: int) -> tuple[Path, Step]:
    """The synthetic lake of ``sessions`` sessions (benchmarks/generate_lake.py), cached."""
    tag = source_tag("generate_lake.py", "population.py")
    path = out / f"lake-sessions-s{seed}-n{sessions}-{tag}"
    meta = path.with_suffix(".json")
    if meta.exists() and path.is_dir():  # summaries of the current definition, as ingest would
        refreshed = len(derived.refresh(path))
        return path, {
            "cached": True,
            "summaries_refreshed": refreshed,
            **json.loads(meta.read_text()),
        }
    info = generate_lake.generate(path, sessions, seed=seed, first=generate_lake.FIRST_DAY)
    meta.write_text(json.dumps(info))
    return path, {"cached": False, **info}


def step_report_sessions(out: Path, args: argparse.Namespace) -> dict[str, Step]:
    """`mailtls report` and `mailtls users` over a synthetic lake of --report-sessions."""
    lake, gen = cached_sessions_lake(out, args.report_sessions, args.seed)
    report = step_report(lake, args) | {"sessions": args.report_sessions}
    users = step_report(lake, args, "users") | {"sessions": args.report_sessions}
    return {"generate_lake": gen, "report_sessions": report, "users_sessions": users}


def step_reingest(out: Path, args: argparse.Namespace) -> Step:
    if not args.reingest_gb:
        return {"skipped": "opt-in: --reingest-gb 10 (the first ingest of the set takes long)"}
    return reingest.measure(out, args.reingest_gb, workers=args.workers, runs=args.runs)


def verdicts(steps: dict[str, Step]) -> dict[str, Any]:
    """Each target next to the measured figure (None when the step did not run)."""
    ing, pfl, flat = steps["ingest"], steps["pflogsumm"], steps["flatness"]
    mail, report, again = steps["mail_ingest"], steps["report_sessions"], steps["reingest"]
    rss = ing.get("peak_rss_tree_mb") or ing.get("peak_rss_process_mb")
    ratio = (
        ing["lines_per_s"] / pfl["lines_per_s"]
        if "lines_per_s" in ing and "lines_per_s" in pfl
        else None
    )
    got = {
        "ingest_lines_per_s": ing.get("lines_per_s"),
        "ratio_to_pflogsumm": round(ratio, 2) if ratio else None,
        "peak_rss_mb": rss,
        "rss_growth_10x": flat.get("rss_growth"),
        "received_fields_per_s": mail.get("fields_per_s"),
        "reingest_s": again.get("seconds"),
        "report_s": report.get("seconds"),
    }
    lower_is_better = {"peak_rss_mb", "rss_growth_10x", "reingest_s", "report_s"}
    return {
        k: {
            "target": TARGETS[k],
            "measured": v,
            "met": None
            if v is None
            else (v <= TARGETS[k] if k in lower_is_better else v >= TARGETS[k]),
        }
        for k, v in got.items()
    }


def print_table(result: dict[str, Any]) -> None:
    m = result["machine"]
    print(
        f"\nmachine: {m['cpu']}, {m['cores']} cores, {m['ram_gib']} GiB RAM, Python {m['python']}"
    )
    print(
        f"input: {result['lines']:,} log lines ({result['format']}), {result['messages']:,} messages, seed {result['seed']}\n"
    )
    for name, step in result["steps"].items():
        if "skipped" in step:
            print(f"  {name:<16} skipped: {step['skipped']}")
        else:
            shown = {
                k: v for k, v in step.items() if k not in ("path", "lake", "runs", "generator")
            }
            print(
                f"  {name:<16} "
                + ", ".join(
                    f"{k}={v:,}" if isinstance(v, int) and not isinstance(v, bool) else f"{k}={v}"
                    for k, v in shown.items()
                )
            )
    print(f"\n  {'target':<22} {'goal':>12} {'measured':>12}  met")
    for name, v in result["targets"].items():
        measured = "-" if v["measured"] is None else f"{v['measured']:,}"
        met = {True: "yes", False: "NO", None: "-"}[v["met"]]
        print(f"  {name:<22} {v['target']:>12,} {measured:>12}  {met}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--messages", type=int, default=20_000)
    parser.add_argument("--quick", action="store_true", help="50k lines, 1k messages, one run each")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--format", choices=("rfc3164", "rfc3339"), default="rfc3164")
    parser.add_argument(
        "--runs", type=int, default=3, help="runs per timed step (the median is kept)"
    )
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument(
        "--no-flatness", action="store_true", help="skip the 10x input memory check"
    )
    parser.add_argument(
        "--report-sessions",
        type=int,
        default=10_000_000,
        help="sessions in the synthetic lake that report and users are timed over",
    )
    parser.add_argument(
        "--reingest-gb",
        type=float,
        default=0,
        help="time re-ingest over an unchanged set of this many GB (opt-in: slow first ingest)",
    )
    parser.add_argument("--out", type=Path, default=Path("bench-out"))
    args = parser.parse_args(argv)
    if args.quick:
        args.lines, args.messages, args.runs = 50_000, 1_000, 1
        args.report_sessions = min(args.report_sessions, 200_000)
    args.out.mkdir(parents=True, exist_ok=True)
    steps: dict[str, Step] = {}
    log, steps["generate_log"] = cached_log(args.out, args.lines, args.seed, args.format)
    maildir, steps["generate_mail"] = cached_mail(args.out, args.messages, args.seed)
    steps["parse_log"] = step_parse_log(log, args.lines)
    steps["ingest"] = step_ingest(log, args.lines, args.out, args)
    steps["ingest_duckdb"] = step_ingest_duckdb(log, args.lines, args.out, args)
    steps["pflogsumm"] = step_pflogsumm(log, args.lines, args)
    for name in ("ingest", "ingest_duckdb"):
        if "lines_per_s" in steps[name] and "lines_per_s" in steps["pflogsumm"]:
            ratio = steps[name]["lines_per_s"] / steps["pflogsumm"]["lines_per_s"]
            steps[name]["ratio_to_pflogsumm"] = round(ratio, 2)
    steps["flatness"] = step_flatness(steps["ingest"], args.out, args)
    steps["mail_ingest"] = step_mail(maildir, steps["generate_mail"], args.out, args)
    steps["parse_received"] = step_parse_received(maildir)
    lake = Path(steps["ingest"]["lake"]) if "lake" in steps["ingest"] else None
    steps["report"] = step_report(lake, args)
    steps.update(step_report_sessions(args.out, args))
    steps["reingest"] = step_reingest(args.out, args)
    result = {
        "machine": machine(),
        "lines": args.lines,
        "messages": args.messages,
        "format": args.format,
        "seed": args.seed,
        "steps": steps,
    }
    result["targets"] = verdicts(steps)
    print_table(result)
    (args.out / "results.json").write_text(json.dumps(result, indent=2) + "\n")
    print(f"\nwrote {args.out / 'results.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
