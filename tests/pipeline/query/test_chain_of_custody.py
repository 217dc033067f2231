"""The chain of custody of Received fields: marts/20_submission_hops.sql picks the same hop as
``submission_hop_index`` for any chain (hypothesis), and the issue 12 attack, a forged
`by mail.example.org with ESMTPA … user=victim@gmail.com` below a stranger's real top hop,
makes nobody a user and writes no notice."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.cli import cli
from pipeline.ingest.mailbox import submission_hop_index
from pipeline.query import queries
from pipeline.query.db import connect
from tests.pipeline.lakes import at, hop, write_table

START = at("2025-03-10 08:00")

a_hop = st.fixed_dictionaries(
    {
        "is_own_server": st.booleans(),
        "is_from_own": st.booleans(),
        "authenticated": st.booleans(),
    }
)
messages = st.lists(st.lists(a_hop, min_size=1, max_size=5), min_size=1, max_size=6)


def _rows(chains: list[list[dict[str, bool]]]) -> list[dict[str, Any]]:
    rows = []
    for m, chain in enumerate(chains):
        for index, flags in enumerate(chain):
            rows.append(
                hop(
                    **flags,
                    message_key=f"m{m}",
                    hop_index=index,
                    hop_count=len(chain),
                    auth_user=f"u{m}h{index}@example.org",
                    from_ip="198.51.100.7",
                    received_at=START + timedelta(minutes=m, seconds=index),
                    tls=True,
                    tls_version="TLSv1.2",
                    security="modern_tls",
                )
            )
    return rows


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(chains=messages)
def test_sql_picks_the_hop_submission_hop_index_picks(
    tmp_path_factory: Any, chains: list[list[dict[str, bool]]]
) -> None:
    lake = tmp_path_factory.mktemp("custody")
    write_table(lake, "received_hops", _rows(chains), "received_at")
    expected = set()
    for m, chain in enumerate(chains):
        index = submission_hop_index(chain)
        if index is not None:
            expected.add(f"u{m}h{index}@example.org")
    with connect(lake) as con:
        got = {r[0] for r in con.execute("SELECT user_key FROM submission_hops").fetchall()}
    assert got == expected


def _message(*received: str) -> bytes:
    header = "".join(f"Received: {value}\n" for value in received)
    return (header + "From: x@example.net\nSubject: hi\n\nbody\n").encode()


FORGED = (
    "from x by mail.example.org (OpenSMTPD) with ESMTPA id 1"
    " (TLSv1.0:ECDHE-RSA-AES256-SHA:256:NO) auth=yes user=victim@gmail.com;"
    " Mon, 10 Mar 2025 07:59:00 +0000"
)
FORGED_LIST = FORGED.replace("victim@gmail.com", "a@x,b@evil.example")
TOP = (
    "from mx.evil.example (mx.evil.example [203.0.113.66]) by mail.example.org (Postfix)"
    " with ESMTPS id 2; Mon, 10 Mar 2025 08:00:00 +0000"
)
LMTP = "from mail.example.org by mail.example.org with LMTP id 3; Mon, 10 Mar 2025 08:00:01 +0000"


def test_a_forged_lower_hop_makes_nobody_a_user(tmp_path: Path) -> None:
    box = tmp_path / "INBOX" / "cur"
    box.mkdir(parents=True)
    (box / "1.host:2,S").write_bytes(_message(LMTP, TOP, FORGED))
    (box / "2.host:2,S").write_bytes(_message(LMTP, TOP, FORGED_LIST))
    config = tmp_path / "mailtls.toml"
    config.write_text('[site]\nown_hosts = ["mail.example.org"]\n')
    lake = tmp_path / "lake"
    runner = CliRunner()
    ingested = runner.invoke(
        cli, ["ingest", str(tmp_path / "INBOX"), "--lake", str(lake), "--config", str(config)]
    )
    assert ingested.exit_code == 0, ingested.output
    with connect(lake) as con:
        assert con.execute("SELECT count(*) FROM submission_hops").fetchall() == [(0,)]
        # the forged fields are kept as read (the hop table shows them), never believed
        assert con.execute(
            "SELECT count(*) FROM stg_received_hops WHERE auth_user = 'victim@gmail.com'"
        ).fetchall() == [(1,)]
        assert queries.user_posture(con, since=at("2025-03-01 00:00")).empty
    notices = tmp_path / "notices"
    notified = runner.invoke(
        cli,
        ["notify", "--lake", str(lake), "--from", "it@example.org", "-o", str(notices)],
    )
    assert notified.exit_code == 0, notified.output
    assert list(notices.iterdir()) == []
