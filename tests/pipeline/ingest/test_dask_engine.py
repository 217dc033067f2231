"""``--engine dask``: the same per-file function on a Dask distributed cluster writes the same
lake as the local engine (rotated logs whose sessions cross files, and a Maildir).

Starting a real cluster takes seconds of CPU, so these run in the slow tier (``make e2e``);
``test_dask_engine_fake.py`` runs the same path over an in-process stand-in in ``make test``."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.config import SiteConfig
from pipeline.ingest.run import ingest
from tests.pipeline.lake_content import lake_content

distributed = pytest.importorskip("distributed")

SAMPLE = Path(__file__).resolve().parents[3] / "sample_data"
CONFIG = SiteConfig(year=2026, timezone="UTC", own_hosts=("mail.lab.example", "lab.example"))


@pytest.mark.slow
def test_a_dask_cluster_writes_the_lake_the_local_engine_writes(tmp_path: Path) -> None:
    inputs = [str(SAMPLE / "logs" / "recommended"), str(SAMPLE / "maildir")]
    ingest(inputs, tmp_path / "local", CONFIG, workers=1)
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as cluster:
        summary = ingest(
            inputs, tmp_path / "dask", CONFIG, engine="dask", scheduler=cluster.scheduler_address
        )
    local = lake_content(tmp_path / "local")
    assert all(local[table] for table in ("sessions", "messages", "received_hops"))
    assert lake_content(tmp_path / "dask") == local
    assert not summary.has_skips


@pytest.mark.slow
def test_without_a_scheduler_one_local_cluster_serves_logs_and_mail(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    inputs = [str(SAMPLE / "logs" / "recommended"), str(SAMPLE / "maildir")]
    ingest(inputs, tmp_path / "local", CONFIG, workers=1)
    started = []
    real = distributed.LocalCluster

    def counted(*args: object, **kwargs: object) -> object:
        started.append(kwargs.get("n_workers"))
        return real(*args, **kwargs)

    monkeypatch.setattr(distributed, "LocalCluster", counted)
    summary = ingest(inputs, tmp_path / "dask", CONFIG, workers=2, engine="dask")
    assert started == [2]
    assert lake_content(tmp_path / "dask") == lake_content(tmp_path / "local")
    assert not summary.has_skips
