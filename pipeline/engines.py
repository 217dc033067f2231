"""Where :func:`pipeline.segment.parse_file` runs: in this process, in a process pool, or on a
Dask distributed cluster. Every engine maps the same function over the same jobs, so the lake
is the same; Dask workers must see the input files and the lake at the same paths.
"""

from __future__ import annotations

import contextlib
import importlib
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

from pipeline.errors import MailtlsError
from pipeline.segment import FileJob, FileResult, Progress, parse_file

ENGINES = ("local", "dask")


def run_files(
    jobs: Sequence[FileJob],
    *,
    workers: int,
    engine: str = "local",
    scheduler: str | None = None,
    progress: Progress | None = None,
) -> dict[Path, FileResult]:
    """Each job's result, by its path."""
    if engine == "dask":
        results = _run_dask(jobs, workers, scheduler, progress)
    elif workers > 1 and len(jobs) > 1:
        with ProcessPoolExecutor(max_workers=min(workers, len(jobs))) as pool:
            results = []
            for job, done in zip(jobs, pool.map(parse_file, jobs), strict=True):
                _advance(progress, job)
                results.append(done)
    else:
        results = [parse_file(job, progress) for job in jobs]
    return {job.path: result for job, result in zip(jobs, results, strict=True)}


def _run_dask(
    jobs: Sequence[FileJob], workers: int, scheduler: str | None, progress: Progress | None
) -> list[FileResult]:
    try:
        # untyped: reached through Any
        distributed: Any = importlib.import_module("distributed")
    except ImportError:
        raise MailtlsError(
            "--engine dask needs Dask distributed: pip install 'mailtls[dask]'"
        ) from None
    cluster: Any = None
    try:
        if scheduler:
            client = distributed.Client(scheduler, timeout="10s")
        else:
            cluster = distributed.LocalCluster(
                n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None
            )
            client = distributed.Client(cluster)
    except (OSError, TimeoutError) as exc:
        raise MailtlsError(f"--scheduler {scheduler}: cannot connect ({exc})") from None
    try:
        futures = client.map(parse_file, list(jobs), pure=False)
        by_future = dict(zip(futures, jobs, strict=True))
        for future in distributed.as_completed(futures):
            _advance(progress, by_future[future])
        results: list[FileResult] = client.gather(futures)
        return results
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def _advance(progress: Progress | None, job: FileJob) -> None:
    if progress is not None:
        with contextlib.suppress(OSError):
            progress(job.path.stat().st_size)
