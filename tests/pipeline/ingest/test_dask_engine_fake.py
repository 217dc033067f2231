"""The ``--engine dask`` path of :mod:`pipeline.ingest.engines` over an in-process stand-in for
Dask distributed: jobs and results cross a pickle boundary as they would to a worker, the
results come back in job order and are released, one cluster serves logs and mail, and the
lake is the local engine's. The real cluster: ``test_dask_engine.py`` (slow tier)."""

from __future__ import annotations

import pickle
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from pipeline.config import SiteConfig
from pipeline.ingest import engines
from pipeline.ingest.run import ingest
from tests.pipeline.lake_content import lake_content

SAMPLE = Path(__file__).resolve().parents[3] / "sample_data"
CONFIG = SiteConfig(year=2026, timezone="UTC", own_hosts=("mail.lab.example", "lab.example"))
INPUTS = [str(SAMPLE / "logs" / "recommended"), str(SAMPLE / "maildir")]


class _Future:
    def __init__(self, result: Any, log: list[str]) -> None:
        self._result, self._log = result, log

    def result(self) -> Any:
        return pickle.loads(self._result)

    def release(self) -> None:
        self._log.append("release")


class _FakeDistributed:
    """What engines uses of ``distributed``: LocalCluster, Client(address).submit/close."""

    def __init__(self) -> None:
        self.log: list[str] = []

    def LocalCluster(self, **kwargs: Any) -> Any:  # the names engines calls
        self.log.append(f"cluster n_workers={kwargs['n_workers']}")
        return SimpleNamespace(
            scheduler_address="tcp://fake:0", close=lambda: self.log.append("closed")
        )

    def Client(self, address: str, timeout: str) -> Any:
        self.log.append(f"client {address}")

        def submit(task: Any, job: Any, progress: Any, pure: bool) -> _Future:
            assert progress is None and pure is False
            task, job = pickle.loads(pickle.dumps((task, job)))  # as sent to a worker
            return _Future(pickle.dumps(task(job, None)), self.log)

        return SimpleNamespace(submit=submit, close=lambda: self.log.append("client closed"))


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> _FakeDistributed:
    stand_in = _FakeDistributed()
    monkeypatch.setattr(engines, "_distributed", lambda: stand_in)
    return stand_in


def test_the_dask_path_writes_the_lake_the_local_engine_writes(
    tmp_path: Path, fake: _FakeDistributed
) -> None:
    ingest(INPUTS, tmp_path / "local", CONFIG, workers=1)
    summary = ingest(INPUTS, tmp_path / "dask", CONFIG, workers=2, engine="dask")
    local = lake_content(tmp_path / "local")
    assert all(local[table] for table in ("sessions", "messages", "received_hops"))
    assert lake_content(tmp_path / "dask") == local
    assert not summary.has_skips
    # one cluster for logs and mail, closed at the end; every result released
    assert fake.log[0] == "cluster n_workers=2" and fake.log[-1] == "closed"
    assert fake.log.count("cluster n_workers=2") == 1
    assert fake.log.count("release") >= 2


def test_results_come_back_in_job_order(fake: _FakeDistributed) -> None:
    done: list[int] = []
    results = engines.run_jobs(
        _square,
        range(5),
        counted=lambda job: job,
        workers=2,
        engine="dask",
        scheduler="tcp://given:1",
        progress=done.append,
    )
    assert list(results) == [0, 1, 4, 9, 16]
    assert done == [0, 1, 2, 3, 4]
    assert "client tcp://given:1" in fake.log
    assert not any(entry.startswith("cluster") for entry in fake.log)  # a scheduler was named


def _square(job: int, progress: Any) -> int:
    return job * job
