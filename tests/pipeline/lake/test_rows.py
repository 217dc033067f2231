"""The row contract: one constructor per lake table with exactly the schema's columns, and no
builder — each family's sessions, mail rows, rejects, the test and benchmark lakes — that
misses or adds one (``pa.Table.from_pylist(schema=…)`` alone writes nulls for a forgotten key
and drops an unknown one without a word)."""

from __future__ import annotations

import inspect
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from benchmarks import generate_lake
from pipeline.ingest.mailbox import OwnServers, iter_messages, message_rows
from pipeline.ingest.reject_rows import fault
from pipeline.lake.rows import CONSTRUCTORS, RowContractError, check_columns, rows_table
from pipeline.lake.schema import TABLES
from pipeline.lake.writer import LakeWriter
from tests.pipeline.lakes import hop, session

MBOX = (
    b"From alice@example.org Tue Jan  2 10:00:00 2024\n"
    b"Received: from laptop (dsl.example.net [198.51.100.7])\n"
    b"\t(using TLSv1 with cipher AES128-SHA (128/128 bits))\n"
    b"\t(Authenticated sender: alice@example.org)\n"
    b"\tby mail.example.org (Postfix) with ESMTPSA id 4B; Tue, 02 Jan 2024 10:00:01 +0000\n"
    b"From: alice@example.org\n"
    b"Message-ID: <one@example.org>\n"
    b"\n"
    b"body\n"
)


@pytest.mark.parametrize("table", sorted(TABLES))
def test_each_table_has_one_constructor_with_its_columns_in_order(table: str) -> None:
    parameters = inspect.signature(CONSTRUCTORS[table]).parameters.values()
    assert [p.name for p in parameters] == TABLES[table].names
    assert all(p.kind is inspect.Parameter.KEYWORD_ONLY for p in parameters)


@pytest.mark.parametrize("table", sorted(TABLES))
def test_a_constructor_refuses_a_missing_or_unknown_column(table: str) -> None:
    columns = dict.fromkeys(TABLES[table].names)
    assert list(CONSTRUCTORS[table](**columns)) == TABLES[table].names
    with pytest.raises(TypeError):
        CONSTRUCTORS[table](**{**columns, "not_a_column": 1})
    columns.pop(TABLES[table].names[-1])
    with pytest.raises(TypeError):
        CONSTRUCTORS[table](**columns)


def test_the_writer_refuses_a_row_that_misses_a_column(tmp_path: Path) -> None:
    row = session(event_at=datetime(2025, 3, 1, tzinfo=UTC))
    del row["tls_version"]
    writer = LakeWriter(tmp_path, "r1", batch_rows=1)
    with pytest.raises(RowContractError, match="missing columns tls_version; unknown columns none"):
        writer.add("sessions", [row])


def test_the_writer_refuses_a_row_with_an_unknown_column(tmp_path: Path) -> None:
    row = {**session(event_at=datetime(2025, 3, 1, tzinfo=UTC)), "tls_grade": "A"}
    writer = LakeWriter(tmp_path, "r1", batch_rows=1)
    with pytest.raises(RowContractError, match="unknown columns tls_grade"):
        writer.add("sessions", [row])


def test_rows_table_checks_every_row() -> None:
    good = {
        "source_file": "f",
        "source_line": 1,
        "kind": "k",
        "reason": "r",
        "raw": "x",
        "event_at": None,
    }
    assert rows_table("rejects", [good]).num_rows == 1
    with pytest.raises(RowContractError):
        rows_table("rejects", [good, {**good, "line": 2}])


def test_mail_rows_and_rejects_have_their_tables_columns(tmp_path: Path) -> None:
    (tmp_path / "box").write_bytes(MBOX)
    (message,) = iter_messages(tmp_path / "box")
    row, hops = message_rows(message, OwnServers.of(["mail.example.org"]))
    assert list(row) == TABLES["messages"].names
    assert hops and all(list(h) == TABLES["received_hops"].names for h in hops)
    assert list(fault("f", 1, "postfix", "no dialect", "raw")) == TABLES["rejects"].names


def test_the_test_lakes_rows_have_their_tables_columns() -> None:
    assert list(session()) == TABLES["sessions"].names
    assert list(hop()) == TABLES["received_hops"].names
    with pytest.raises(TypeError):
        session(tls_grade="A")  # a column the schema does not have


def test_the_benchmark_lake_has_the_sessions_columns(tmp_path: Path) -> None:
    table = generate_lake.sessions_table(200, 1, 20, date(2025, 3, 1), 3)
    extra = {"source_file", "source_line"}  # added per part by write_lake
    check_columns("sessions", [*table.column_names, *extra])
    generate_lake.write_lake(tmp_path, table, 1)  # checks each part and the rejects


def test_check_columns_names_what_is_wrong() -> None:
    with pytest.raises(RowContractError, match="missing columns event_at, kind, raw, reason"):
        check_columns("rejects", ["source_file", "source_line", "extra"])
