"""Where :func:`pipeline.segment.parse_file` runs: in this process, in a process pool, or on a
Dask distributed cluster. Every engine maps the same function over the same jobs, so the lake
is the same; Dask workers must see the input files and the lake at the same paths.
"""

from __future__ import annotations

import contextlib
import importlib
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from itertools import chain, islice
from typing import Any

from pipeline.errors import MailtlsError
from pipeline.segment import FileJob, FileResult, Progress, parse_file

ENGINES = ("local", "dask")


def run_files(
    jobs: Iterable[FileJob],
    *,
    workers: int,
    engine: str = "local",
    scheduler: str | None = None,
    progress: Progress | None = None,
) -> Iterator[FileResult]:
    """Each job's result in the order of the jobs, as soon as it and the ones before it are
    done, so the caller can stitch and drop them as they come (memory stays flat however
    many jobs a run has). Jobs are handed out as ``jobs`` yields them: workers start while
    later ones are still being planned."""
    jobs = iter(jobs)
    first = list(islice(jobs, 2))
    if engine == "dask":
        yield from _run_dask(chain(first, jobs), workers, scheduler, progress)
    elif workers > 1 and len(first) > 1:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            yield from _in_order(
                chain(first, jobs), lambda job: pool.submit(parse_file, job), progress
            )
    else:
        for job in chain(first, jobs):
            yield parse_file(job, progress)


def _in_order(
    jobs: Iterable[FileJob], submit: Callable[[FileJob], Any], progress: Progress | None
) -> Iterator[FileResult]:
    """Submit every job, then each result in job order, letting each go once it is yielded."""
    futures = deque((job, submit(job)) for job in jobs)
    while futures:
        job, future = futures.popleft()
        result: FileResult = future.result()
        if hasattr(future, "release"):
            future.release()  # a Dask future: the worker may drop the result
        _advance(progress, job)
        yield result


def _run_dask(
    jobs: Iterable[FileJob], workers: int, scheduler: str | None, progress: Progress | None
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
        yield from _in_order(jobs, lambda job: client.submit(parse_file, job, pure=False), progress)
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
