"""Open DuckDB with the staging views and marts in place over a Parquet lake.

Every lake table gets a source view ``src_<table>`` first: an empty, typed relation built from
``pipeline/lake/schema.py``, unioned by name with the Parquet files of the lake's last commit
(:func:`pipeline.lake.journal.visible_parts`, named one by one: a path is never a pattern, and a
run half written or a compaction half swapped is never seen). So an empty lake, or one that
holds only some tables, still has every view, with the right types, and no rows. A
connection keeps its parts until :func:`refresh_sources` (:func:`run` does so when a part it
was reading was removed by a compaction).
The SQL files in ``sql/staging`` and then ``sql/marts`` run in file-name order on top, over
the empty source views; the sources get their files last (creating a view binds it, and a bind
over a thousand parts costs ≈ 0.04 s).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any, Final, TypeVar

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from pipeline.config import EvidenceRule
from pipeline.errors import LakeError
from pipeline.lake.journal import visible_parts
from pipeline.lake.schema import INGESTED, SCHEMA_VERSION, SCHEMA_VERSION_KEY, TABLES
from pipeline.lake.writer import default_lake as default_lake

SQL_DIR: Final = Path(__file__).with_name("sql")
LAYERS: Final = ("staging", "marts")
INGESTED_FILE: Final = "_ingested.parquet"
RUN_PART: Final = re.compile(r"(r\d{8}T\d{12}[0-9a-f]{6})-")  # pipeline.lake.journal.new_run_id
Result = TypeVar("Result")
RETRIES: Final = 5  # a query meeting removed parts again and again: compactions in a row

_DUCKDB_TYPES: Final = {
    pa.string(): "VARCHAR",
    pa.int32(): "INTEGER",
    pa.int64(): "BIGINT",
    pa.bool_(): "BOOLEAN",
    pa.timestamp("us", tz="UTC"): "TIMESTAMPTZ",
}


def connect(
    lake: Path | str, *, database: str = ":memory:", evidence: EvidenceRule | None = None
) -> duckdb.DuckDBPyConnection:
    """A DuckDB connection (in memory unless told) with every view and mart over ``lake``;
    ``evidence``: the site's rule for refused cleartext attempts (default: the safe one)."""
    lake = Path(lake)
    if not lake.is_dir():
        raise LakeError(f"no lake at {lake}: run `mailtls ingest` first, or pass --lake DIR")
    con = duckdb.connect(database)
    con.execute("SET TimeZone = 'UTC'")
    con.execute("SET enable_progress_bar = false")  # it writes to stdout: into a report's text
    # parts are immutable (written once under a new name): read each footer once per connection
    con.execute("SET parquet_metadata_cache = true")
    # where the lake is, for the queries that read its derived summaries (pipeline.lake.derived)
    con.execute(f"CREATE OR REPLACE MACRO lake_path() AS {_quote(str(lake.resolve()))}")
    set_evidence_rule(con, evidence or EvidenceRule())
    for table, schema in TABLES.items():
        con.execute(source_view_sql(table, schema, None, partitioned=True))
    con.execute(source_view_sql("ingested", INGESTED, None, partitioned=False))
    # the views and macros are bound once as they are created: over the empty typed sources
    # (same columns) that costs nothing, over 1,095 parts 0.7 s; the files are read at query time
    for path in sql_files():
        try:
            con.execute(path.read_text(encoding="utf-8"))
        except duckdb.Error as exc:
            raise LakeError(f"{path.relative_to(SQL_DIR)} failed over {lake}: {exc}") from exc
    refresh_sources(con, lake)
    return con


def refresh_sources(con: duckdb.DuckDBPyConnection, lake: Path | None = None) -> None:
    """Point the source views at the parts of the lake's last commit (again, should a
    compaction remove some while the views bind them)."""
    if lake is None:
        lake = Path(_first(con.execute("SELECT lake_path()").fetchone()))
    for attempt in range(RETRIES):
        try:
            _bind_sources(con, lake)
            return
        except _Removed:
            if attempt + 1 == RETRIES:
                raise LakeError(f"cannot read the lake at {lake}: parts keep moving") from None


class _Removed(Exception):
    """A part of the snapshot was removed before it was bound."""


def _bind_sources(con: duckdb.DuckDBPyConnection, lake: Path) -> None:
    sources = [f"CREATE OR REPLACE MACRO lake_commit() AS {_quote(commit_key(lake))}"]
    for table, parts in visible_parts(lake).items():
        try:
            if parts:
                _check_version(parts[0], _read_schema(parts[0]))
            one_schema = _one_schema(parts)
        except FileNotFoundError:
            raise _Removed from None
        sources.append(
            source_view_sql(
                table,
                TABLES[table],
                [str(p) for p in parts] or None,
                partitioned=True,
                union_by_name=not one_schema,
            )
        )
    ingested = lake / INGESTED_FILE
    pattern = [str(ingested)] if ingested.is_file() else None
    sources.append(source_view_sql("ingested", INGESTED, pattern, partitioned=False))
    for sql in sources:
        try:
            con.execute(sql)
        except duckdb.IOException as exc:
            if _removed_part(exc):
                raise _Removed from None
            raise LakeError(f"cannot read the lake at {lake}: {_one_line(exc)}") from None
        except duckdb.Error as exc:
            raise LakeError(f"cannot read the lake at {lake}: {_one_line(exc)}") from None


def commit_key(lake: Path) -> str:
    """Which commit the lake is at ('' for a lake without one: made by hand, read afresh)."""
    try:
        stat = (lake / INGESTED_FILE).stat()
    except FileNotFoundError:
        return ""
    return f"{stat.st_ino}:{stat.st_mtime_ns}:{stat.st_size}"


def _refresh_if_committed(con: duckdb.DuckDBPyConnection) -> None:
    """Take the parts afresh when the lake has had a commit since the last time (an open
    connection, the dashboard's, sees what later runs add)."""
    try:
        lake, seen = con.execute("SELECT lake_path(), lake_commit()").fetchone() or ("", "")
    except duckdb.Error:
        return  # not a connection of connect()'s
    current = commit_key(Path(lake))
    if not current or current != seen:
        refresh_sources(con, Path(lake))


def run(
    con: duckdb.DuckDBPyConnection,
    sql: str,
    params: Any,
    fetch: Callable[[duckdb.DuckDBPyConnection], Result],
) -> Result:
    """``fetch(con.execute(sql, params))``, taking the parts afresh when a compaction removed
    one the query was to read; any other failure of DuckDB's is one line (:class:`LakeError`)."""
    _refresh_if_committed(con)
    for attempt in range(RETRIES):
        try:
            return fetch(con.execute(sql, params))
        except duckdb.IOException as exc:
            if attempt + 1 == RETRIES or not _removed_part(exc):
                raise LakeError(f"query failed: {_one_line(exc)}") from None
            refresh_sources(con)
        except duckdb.Error as exc:
            raise LakeError(f"query failed: {_one_line(exc)}") from None
    raise AssertionError("unreachable")


def _removed_part(exc: duckdb.Error) -> bool:
    text = str(exc)
    return "No such file" in text or "No files found" in text


def _one_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0][:300]


def _first(row: tuple[Any, ...] | None) -> Any:
    assert row is not None
    return row[0]


def set_evidence_rule(con: duckdb.DuckDBPyConnection, rule: EvidenceRule) -> None:
    """The rule as macros ``evidence_<field>()``: marts/25_cleartext_attempts.sql reads them
    (macros, not variables: a cursor of ``con`` sees them too)."""
    for name in rule.__dataclass_fields__:
        value = getattr(rule, name)
        literal = _quote(value) if isinstance(value, str) else str(int(value))
        con.execute(f"CREATE OR REPLACE MACRO evidence_{name}() AS {literal}")


def sql_files() -> list[Path]:
    """The view definitions in the order they must run: staging, then marts, each by name."""
    return [path for layer in LAYERS for path in sorted((SQL_DIR / layer).glob("*.sql"))]


def source_view_sql(
    name: str,
    schema: pa.Schema,
    pattern: str | list[str] | None,
    *,
    partitioned: bool,
    union_by_name: bool = True,
) -> str:
    """``src_<name>``: the typed empty relation of ``schema``, plus the Parquet files that
    ``pattern`` names (a list of files: each a literal path) or globs, when there are any.
    Without ``union_by_name`` DuckDB binds the files by the first one's columns (by name), and
    refuses, never misreads, a file that lacks one; with it every bind reads every footer."""
    columns = [f"CAST(NULL AS {_duckdb_type(f.type)}) AS {f.name}" for f in schema]
    if partitioned:
        columns.append("CAST(NULL AS DATE) AS date")
    sql = f"CREATE OR REPLACE VIEW src_{name} AS SELECT {', '.join(columns)} WHERE false"
    if pattern is not None:
        hive = ", hive_partitioning = true, hive_types = {'date': 'DATE'}" if partitioned else ""
        by_name = ", union_by_name = true" if union_by_name else ""
        files = (
            _quote(pattern)
            if isinstance(pattern, str)
            else "[" + ", ".join(_quote(_literal(p)) for p in pattern) + "]"
        )
        sql += f" UNION ALL BY NAME SELECT * FROM read_parquet({files}{by_name}{hive})"
    return sql


def _literal(path: str) -> str:
    """A path DuckDB reads as it is: it globs a name with ``*``, ``?`` or ``[``, unless that
    character is in brackets itself."""
    return re.sub(r"([*?\[])", r"[\1]", path) if re.search(r"[*?\[]", path) else path


def _one_schema(parts: list[Path]) -> bool:
    """Whether every part has the same columns. One run writes all its parts with one schema,
    so one footer per run is read (a part is named ``<run>-…``); any other file on its own."""
    representatives: dict[str, Path] = {}
    for part in parts:
        run = RUN_PART.match(part.name)
        representatives.setdefault(run.group(1) if run else str(part), part)
    schemas = {_read_schema(p).remove_metadata() for p in representatives.values()}
    return len(schemas) <= 1


def _read_schema(path: Path) -> pa.Schema:
    try:
        return pq.read_schema(path)
    except FileNotFoundError:
        raise
    except (OSError, pa.ArrowException) as exc:
        raise LakeError(f"cannot read {path}: {exc}") from exc


def _check_version(path: Path, schema: pa.Schema) -> None:
    metadata = schema.metadata or {}
    written = metadata.get(SCHEMA_VERSION_KEY)
    if written is not None and int(written) > SCHEMA_VERSION:
        raise LakeError(
            f"{path} has lake schema version {int(written)}; this mailtls reads up to "
            f"{SCHEMA_VERSION}: upgrade mailtls"
        )


def _duckdb_type(arrow_type: pa.DataType) -> str:
    try:
        return _DUCKDB_TYPES[arrow_type]
    except KeyError:
        raise LakeError(f"no DuckDB type for lake column type {arrow_type}") from None


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"
