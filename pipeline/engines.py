"""Where :func:`pipeline.segment.parse_file` runs: in this process, in a process pool, or on a
Dask distributed cluster. Every engine maps the same function over the same jobs, so the lake
is the same; Dask workers must see the input files and the lake at the same paths.
"""

from __future__ import annotations

import contextlib
import importlib
from collections import deque
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
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
) -> Iterator[FileResult]:
    """Each job's result in the order of the jobs, as soon as it and the ones before it are
    done, so the caller can stitch and drop them as they come (memory stays flat however
    many jobs a run has)."""
    if engine == "dask":
        yield from _run_dask(jobs, workers, scheduler, progress)
    elif workers > 1 and len(jobs) > 1:
        with ProcessPoolExecutor(max_workers=min(workers, len(jobs))) as pool:
            futures = deque((job, pool.submit(parse_file, job)) for job in jobs)
            while futures:
                job, future = futures.popleft()
                result = future.result()
                _advance(progress, job)
                yield result
    else:
        for job in jobs:
            yield parse_file(job, progress)


def _run_dask(
    jobs: Sequence[FileJob], workers: int, scheduler: str | None, progress: Progress | None
) -> Iterator[FileResult]:
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
        futures = deque(zip(jobs, client.map(parse_file, list(jobs), pure=False), strict=True))
        while futures:
            job, future = futures.popleft()
            result: FileResult = future.result()
            future.release()  # the worker may drop it
            _advance(progress, job)
            yield result
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def _advance(progress: Progress | None, job: FileJob) -> None:
    """Count a job's bytes: the whole file, or its span's share of it."""
    if progress is None:
        return
    span = job.span
    with contextlib.suppress(OSError):
        end = span.end if span is not None and span.end is not None else job.path.stat().st_size
        progress(end - (span.counted_from if span is not None else 0))
