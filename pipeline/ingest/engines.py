"""Where a unit of ingest work runs (:func:`pipeline.ingest.spans.parse_file` for logs,
:func:`pipeline.ingest.mail.read_unit` for mail): in this process, in a process pool, or on a
Dask distributed cluster. Every engine maps the same function over the same jobs, so the lake
is the same; Dask workers must see the input files and the lake at the same paths.
"""

from __future__ import annotations

import contextlib
import gc
import importlib
import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from itertools import chain, islice
from typing import Any, TypeVar

from pipeline.children import die_with_parent
from pipeline.errors import MailtlsError
from pipeline.ingest.results import FileResult, Progress
from pipeline.ingest.spans import FileJob, parse_file
from pipeline.lake.journal import close_inherited_locks
from pipeline.lake.writer import load_row_conversion

ENGINES = ("local", "dask")
# Workers forked from this process start at once and share its memory; Python 3.14 makes
# forkserver the default, where every worker would import and load everything again.
_FORK = multiprocessing.get_context("fork")

Job = TypeVar("Job")
Result = TypeVar("Result")
# A unit of work: a module-level function (workers import it by name) of the job and, when it
# runs in this process, the progress callback; elsewhere ``counted(job)`` is reported once done.
Task = Callable[[Job, Progress | None], Result]


def run_files(
    jobs: Iterable[FileJob],
    *,
    workers: int,
    engine: str = "local",
    scheduler: str | None = None,
    progress: Progress | None = None,
) -> Iterator[FileResult]:
    """:func:`run_jobs` of :func:`~pipeline.ingest.spans.parse_file` over log files and spans."""
    return run_jobs(
        parse_file,
        jobs,
        counted=_span_bytes,
        workers=workers,
        engine=engine,
        scheduler=scheduler,
        progress=progress,
    )


def run_jobs(
    task: Task[Job, Result],
    jobs: Iterable[Job],
    *,
    counted: Callable[[Job], int],
    workers: int,
    engine: str = "local",
    scheduler: str | None = None,
    progress: Progress | None = None,
) -> Iterator[Result]:
    """Each job's result in the order of the jobs, so the caller can stitch and drop them as
    they come (memory stays flat however many jobs a run has). Jobs are handed out as ``jobs``
    yields them, so workers start while later ones are still being planned; the first result
    is yielded once every job is planned. ``counted(job)`` is the input bytes a job done
    elsewhere reports to ``progress``."""
    jobs = iter(jobs)
    first = list(islice(jobs, 2))
    if engine == "dask":
        yield from _run_dask(task, chain(first, jobs), counted, workers, scheduler, progress)
    elif workers > 1 and len(first) > 1:
        with _forking_pool(workers) as pool:
            yield from _in_order(
                chain(first, jobs), lambda job: pool.submit(task, job, None), counted, progress
            )
    else:
        for job in chain(first, jobs):
            yield task(job, progress)


@contextlib.contextmanager
def _forking_pool(workers: int) -> Iterator[ProcessPoolExecutor]:
    """A pool of forked workers that share what this process loaded: the row conversion every
    worker needs is loaded first, and this process's objects are frozen while the pool forks
    (its first submit) so the workers' garbage collector leaves their pages shared."""
    load_row_conversion()
    gc.freeze()
    try:
        with ProcessPoolExecutor(
            max_workers=workers,
            mp_context=_FORK,
            initializer=_worker_start,
            initargs=(os.getpid(),),
        ) as pool:
            yield pool
    finally:
        gc.unfreeze()


def _worker_start(parent: int) -> None:
    """A forked worker ends with the run that forked it (a ``kill -9`` of the run must not
    leave workers blocked on its pipe) and lets go of the lake's lock it inherited, so the
    lock is the run's alone and ends with it."""
    die_with_parent(parent)
    close_inherited_locks()


def _in_order(
    jobs: Iterable[Job],
    submit: Callable[[Job], Any],
    counted: Callable[[Job], int],
    progress: Progress | None,
) -> Iterator[Any]:
    """Submit every job, then each result in job order, letting each go once it is yielded."""
    futures = deque((job, submit(job)) for job in jobs)
    while futures:
        job, future = futures.popleft()
        result = future.result()
        if hasattr(future, "release"):
            future.release()  # a Dask future: the worker may drop the result
        if progress is not None:
            progress(counted(job))
        yield result


def _run_dask(
    task: Task[Job, Result],
    jobs: Iterable[Job],
    counted: Callable[[Job], int],
    workers: int,
    scheduler: str | None,
    progress: Progress | None,
) -> Iterator[Result]:
    distributed = _distributed()
    with dask_cluster("dask", scheduler, workers) as address:
        try:
            client = distributed.Client(address, timeout="10s")
        except (OSError, TimeoutError) as exc:
            raise MailtlsError(f"--scheduler {address}: cannot connect ({exc})") from None
        try:
            yield from _in_order(
                jobs, lambda job: client.submit(task, job, None, pure=False), counted, progress
            )
        finally:
            client.close()


@contextlib.contextmanager
def dask_cluster(engine: str, scheduler: str | None, workers: int) -> Iterator[str | None]:
    """The scheduler a run's Dask jobs go to: the one named, else a local cluster of
    ``workers`` processes, started once for everything inside (logs and mail share it).
    For the local engine, ``scheduler`` as given."""
    if engine != "dask" or scheduler:
        yield scheduler
        return
    cluster: Any = _distributed().LocalCluster(
        n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None
    )
    try:
        yield str(cluster.scheduler_address)
    finally:
        cluster.close()


def _distributed() -> Any:
    try:
        return importlib.import_module("distributed")  # untyped: reached through Any
    except ImportError:
        raise MailtlsError(
            "--engine dask needs Dask distributed: pip install 'mailtls[dask]'"
        ) from None


def _span_bytes(job: FileJob) -> int:
    """A log job's bytes: the whole file, or its span's share of it."""
    span = job.span
    end = span.end if span is not None else None
    if end is None:
        try:
            end = job.path.stat().st_size
        except OSError:
            return 0
    return end - (span.counted_from if span is not None else 0)
