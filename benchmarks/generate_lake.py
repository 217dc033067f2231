"""Write a seeded synthetic lake of N sessions directly as Parquet, for the query benchmarks.

    python benchmarks/generate_lake.py --sessions 10000000 -o bench-out/lake-10m
    python benchmarks/generate_lake.py --sessions 200000 --users 500 --days 30 -o /tmp/lake

Parsing 10 million sessions' worth of log (≈ 60M lines) takes hours today, so this writes what
an ingest would have written: the ``sessions`` table in the columns of ``pipeline/lake/schema.py``,
one part per server and day (``sessions/date=YYYY-MM-DD/<run>-<file>-00001.parquet``) with the
schema version in its metadata, a few rejects, and the ``_ingested`` rows (one per server and
day, as of a daily rotated log) that name the run, so ``pipeline.lake.journal.recover`` keeps it all.

The users are ``benchmarks.population``'s: stable habits (most on TLS 1.3 implicit, a tail on
STARTTLS, TLS 1.0/1.1, cleartext and the webmail), a Pareto spread of activity; some of the
cleartext and legacy-TLS habits move to TLS 1.3 implicit on a day of the year (the migration
the product tracks). Around them: port-25 MTA sessions, failed logins and password guessers.
Everything is vectorised with numpy and Arrow; the same seed gives the same lake.
"""

from __future__ import annotations

import argparse
import hashlib
import random
import shutil
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

if __package__ in (None, ""):  # run as a script: make the repository importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.generate_logs import DAY_CURVE
from benchmarks.population import (
    CIPHERS,
    MX_HOST,
    SERVER_IP,
    User,
    make_users,
    public_ip,
    remote_mta,
)
from pipeline.lake.derived import refresh
from pipeline.lake.journal import new_run_id, write_ingested
from pipeline.lake.rows import check_columns, rejects_row, rows_table
from pipeline.lake.schema import SESSIONS, with_version

# shares of all sessions; the rest are users' own sessions
MTA_SHARE = 0.25
GUESS_SHARE = 0.04
FAILED_SHARE = 0.04  # a user's own login with a mistyped password
NO_AUTH_SHARE = 0.03  # a client connects and leaves without logging in
MIGRATING_SHARE = 0.5  # of cleartext and legacy-TLS habits: fixed on a day of the year
FIRST_DAY = date(2025, 1, 1)
LINES_PER_SESSION = 6  # log lines per session, for source_line and _ingested
BYTES_PER_LINE = 150
MX_SMTPD: dict[str, Any] = {  # the MX's port-25 smtpd, as a session row names it
    "source": "postfix",
    "server_host": MX_HOST,
    "listener": "postfix/smtpd",
    "server_port": 25,
}
GUESSED_NAMES = ("admin", "info", "test", "office", "root", "postmaster", "sales", "support")
VERSION_SPELLING = {"TLSv1": "TLSv1.0"}  # the lake's vocabulary
HABIT_COLUMNS = (
    "source",
    "server_host",
    "service",
    "listener",
    "server_port",
    "client_ip",
    "server_ip",
    "user_name",
    "auth_method",
    "tls_mode",
    "tls_version",
    "tls_cipher",
    "security",
    "is_trusted_hop",
)


def security_of(version: str | None) -> str:
    if version is None:
        return "cleartext"
    return "legacy_tls" if version in ("SSLv3", "TLSv1.0", "TLSv1.1") else "modern_tls"


def habit(**fields: Any) -> dict[str, Any]:
    """One way a client connects, as the lake's columns (what never varies per session)."""
    version = fields.get("tls_version")
    row: dict[str, Any] = dict.fromkeys(HABIT_COLUMNS)
    row.update(security=security_of(version), is_trusted_hop=False)
    row.update(fields)
    return row


def read_habit(user: User, index: int, rng: random.Random) -> dict[str, Any]:
    """A Dovecot login habit of ``user``'s device ``index``: mail1 logs lport and the TLS
    version, mail2 logs neither (mode unknown, version unknown) and refuses cleartext."""
    device = user.devices[index]
    host = user.server
    version = VERSION_SPELLING.get(device.tls_version, device.tls_version) or None
    base = {
        "source": "dovecot",
        "server_host": host,
        "service": device.service,
        "client_ip": device.ip,
        "server_ip": SERVER_IP[host],
        "user_name": user.name,
        "auth_method": "PLAIN" if rng.random() < 0.8 else "LOGIN",
    }
    if device.flag == "secured":
        return habit(
            **base,
            listener=f"{device.service}/{device.port}",
            server_port=device.port,
            tls_mode="none",
            security="cleartext",
            is_trusted_hop=True,
        )
    implicit = device.port in (993, 995)
    if host == "mail1":
        mode = "none" if version is None else ("implicit" if implicit else "starttls")
        return habit(
            **base,
            listener=f"{device.service}/{device.port}",
            server_port=device.port,
            tls_mode=mode,
            tls_version=version,
            tls_cipher=device.cipher or None,
        )
    if version is None:
        return habit(**base, listener=f"{device.service}-login", tls_mode="none")
    return habit(
        **base,
        listener=f"{device.service}-login",
        tls_mode="unknown",
        tls_cipher=device.cipher,
        security="tls_unknown",
    )


def send_habit(user: User) -> dict[str, Any]:
    """A Postfix SASL submission habit (the webmail on localhost is cleartext, not trusted: no
    internal networks are configured)."""
    sender = user.sender
    version = VERSION_SPELLING.get(sender.tls_version, sender.tls_version) or None
    port = {"postfix/submissions": 465, "postfix/submission": 587}.get(sender.syslog_name, 25)
    mode = "implicit" if port == 465 else ("starttls" if version else "none")
    return habit(
        source="postfix",
        server_host=user.server,
        service="submission",
        listener=f"{sender.syslog_name}/smtpd",
        server_port=port,
        client_ip=sender.ip,
        user_name=user.name,
        auth_method="PLAIN" if port != 587 else "LOGIN",
        tls_mode=mode,
        tls_version=version,
        tls_cipher=sender.cipher or None,
    )


def fixed(row: dict[str, Any], rng: random.Random) -> dict[str, Any]:
    """The habit after its user moved to TLS 1.3 on the implicit-TLS port."""
    cipher = rng.choice(CIPHERS["TLSv1.3"])[0]
    port = {"imap": 993, "pop3": 995, "submission": 465}[row["service"]]
    listener = "postfix/submissions/smtpd" if row["source"] == "postfix" else row["listener"]
    if row["source"] == "dovecot" and row["server_host"] == "mail1":
        listener = f"{row['service']}/{port}"
    known = row["source"] == "postfix" or row["server_host"] == "mail1"
    return {
        **row,
        "listener": listener,
        "server_port": port if known else None,
        "tls_mode": "implicit" if known else "unknown",
        "tls_version": "TLSv1.3" if known else None,
        "tls_cipher": cipher,
        "security": "modern_tls" if known else "tls_unknown",
    }


def build_habits(
    users: list[User], rng: random.Random, first: date, days: int
) -> tuple[list[dict[str, Any]], list[float], list[int], list[int]]:
    """Every user's habits, their weights, and for each the habit it becomes and on which day
    (-1: never)."""
    rows: list[dict[str, Any]] = []
    weights: list[float] = []
    becomes: list[int] = []
    on_day: list[int] = []
    for user in users:
        mine = [read_habit(user, i, rng) for i in range(len(user.devices))] + [send_habit(user)]
        shares = [0.82 / len(user.devices)] * len(user.devices) + [0.18]
        for row, share in zip(mine, shares, strict=True):
            rows.append(row)
            weights.append(user.activity * share)
            becomes.append(-1)
            on_day.append(-1)
            exposed = row["security"] in ("cleartext", "legacy_tls") and not row["is_trusted_hop"]
            if exposed and rng.random() < MIGRATING_SHARE:
                becomes[-1] = len(rows)
                on_day[-1] = rng.randrange(days)
                rows.append(fixed(row, rng))
                weights.append(0.0)  # reached only by migration
                becomes.append(-1)
                on_day.append(-1)
    return rows, weights, becomes, on_day


def mta_habits(rng: random.Random, count: int) -> list[dict[str, Any]]:
    rows = []
    for _ in range(count):
        _, ip, version = remote_mta(rng)
        version = VERSION_SPELLING.get(version, version) or None
        cipher = rng.choice(CIPHERS[version.replace(".0", "")])[0] if version else None
        rows.append(
            habit(
                **MX_SMTPD,
                service="smtp",
                client_ip=ip,
                tls_mode="starttls" if version else "none",
                tls_version=version,
                tls_cipher=cipher,
            )
        )
    return rows


def guess_habits(rng: random.Random, users: list[User], count: int) -> list[dict[str, Any]]:
    """Password guessers: common names and some real ones, in cleartext, from a few addresses."""
    rows = []
    for _ in range(count):
        name = rng.choice(GUESSED_NAMES) if rng.random() < 0.7 else rng.choice(users).name
        ip = public_ip(rng)
        if rng.random() < 0.6:
            rows.append(
                habit(
                    source="dovecot",
                    server_host="mail1",
                    service="imap",
                    listener="imap/143",
                    server_port=143,
                    client_ip=ip,
                    server_ip=SERVER_IP["mail1"],
                    user_name=name,
                    auth_method="PLAIN",
                    tls_mode="none",
                )
            )
        else:
            rows.append(
                habit(
                    **MX_SMTPD,
                    service="submission",
                    client_ip=ip,
                    user_name=name,
                    auth_method="LOGIN",
                    tls_mode="none",
                )
            )
    return rows


def event_times(gen: np.random.Generator, n: int, first: date, days: int) -> np.ndarray:
    """Session start times in µs since the epoch: weekdays busier, a working-day curve."""
    day_weight = np.array(
        [0.6 if (first + timedelta(days=d)).weekday() >= 5 else 1.0 for d in range(days)]
    )
    day = gen.choice(days, size=n, p=day_weight / day_weight.sum())
    hour_weight = np.array(DAY_CURVE[:24])
    hour = gen.choice(24, size=n, p=hour_weight / hour_weight.sum())
    second = hour * 3600 + gen.integers(0, 3600, size=n)
    epoch0 = int(datetime.combine(first, datetime.min.time(), tzinfo=UTC).timestamp())
    micros = gen.integers(0, 1_000_000, size=n)
    return (epoch0 + day * 86400 + second) * 1_000_000 + micros


def habit_table(rows: list[dict[str, Any]]) -> pa.Table:
    fields = [SESSIONS.field(name) for name in HABIT_COLUMNS]
    return pa.Table.from_pylist(rows, schema=pa.schema(fields))


def sessions_table(n: int, seed: int, users_count: int, first: date, days: int) -> pa.Table:
    rng = random.Random(seed)
    gen = np.random.default_rng(seed)
    users = make_users(rng, users_count)
    own, own_weight, becomes, on_day = build_habits(users, rng, first, days)
    mta = mta_habits(rng, max(100, users_count // 2))
    guess = guess_habits(rng, users, max(50, users_count // 20))
    habits = habit_table(own + mta + guess)
    n_mta, n_guess = int(n * MTA_SHARE), int(n * GUESS_SHARE)
    n_own = n - n_mta - n_guess
    weight = np.array(own_weight)
    pick = np.concatenate(
        [
            gen.choice(len(own), size=n_own, p=weight / weight.sum()),
            len(own) + gen.integers(0, len(mta), size=n_mta),
            len(own) + len(mta) + gen.integers(0, len(guess), size=n_guess),
        ]
    )
    at = event_times(gen, n, first, days)
    # a migrated habit is replaced from its day on
    becomes_arr = np.concatenate([np.array(becomes), np.full(len(mta) + len(guess), -1)])
    day_arr = np.concatenate([np.array(on_day), np.full(len(mta) + len(guess), -1)])
    epoch0 = int(datetime.combine(first, datetime.min.time(), tzinfo=UTC).timestamp())
    session_day = (at // 1_000_000 - epoch0) // 86400
    moved = (becomes_arr[pick] >= 0) & (session_day >= day_arr[pick])
    pick = np.where(moved, becomes_arr[pick], pick)
    table = habits.take(pa.array(pick))

    # per-session outcome of users' own sessions; guessers always fail, MTAs never log in
    kind = np.where(pick < len(own), 0, np.where(pick < len(own) + len(mta), 1, 2))
    roll = gen.random(n)
    failed = ((kind == 0) & (roll < FAILED_SHARE)) | (kind == 2)
    no_auth = (kind == 0) & (roll >= FAILED_SHARE) & (roll < FAILED_SHARE + NO_AUTH_SHARE)
    cleartext = pc.equal(table["security"], "cleartext").to_numpy(zero_copy_only=False)
    refuses = pc.and_(  # mail2's Dovecot refuses cleartext auth
        pc.equal(table["server_host"], "mail2"), pc.equal(table["source"], "dovecot")
    ).to_numpy(zero_copy_only=False)
    refused = (kind == 0) & ~failed & ~no_auth & cleartext & refuses
    trusted = table["is_trusted_hop"].to_numpy(zero_copy_only=False)
    refused &= ~trusted
    result = np.where(
        kind == 1,
        "none",
        np.where(
            failed,
            "failed",
            np.where(no_auth, "none", np.where(refused, "refused_cleartext", "ok")),
        ),
    )
    failures = np.where(kind == 2, gen.integers(1, 6, size=n), failed.astype(np.int32))
    user_name = pc.if_else(pa.array(no_auth), pa.nulls(n, pa.string()), table["user_name"])
    auth_method = pc.if_else(pa.array(no_auth), pa.nulls(n, pa.string()), table["auth_method"])
    logged = pc.is_valid(table["tls_version"])
    columns = {name: table[name] for name in HABIT_COLUMNS}
    columns.update(
        event_at=pa.array(at, pa.timestamp("us", tz="UTC")),
        user_name=user_name,
        auth_method=auth_method,
        auth_result=pa.array(result),
        auth_failures=pa.array(failures, pa.int32()),
        tls_version_source=pc.if_else(logged, "logged", pa.scalar(None, pa.string())),
        session_key=pc.binary_join_element_wise(
            table["server_host"], pc.cast(pa.array(np.arange(n)), pa.string()), "/"
        ),
    )
    names = [f.name for f in SESSIONS if f.name not in ("source_file", "source_line")]
    return pa.table([columns[name] for name in names], names=names)


def write_lake(out: Path, sessions: pa.Table, seed: int) -> dict[str, int]:
    """One part per server and day, as a daily rotated log per server would give, and the
    ``_ingested`` rows that commit them."""
    run_id = new_run_id()
    micros = sessions["event_at"].cast(pa.int64()).to_numpy()
    day = micros // (86_400 * 1_000_000)
    hosts = sessions["server_host"].dictionary_encode().combine_chunks()
    host_index = hosts.indices.to_numpy()
    order = np.lexsort((micros, host_index, day))
    sessions, day, host_index = sessions.take(pa.array(order)), day[order], host_index[order]
    starts = np.flatnonzero(
        np.r_[True, (day[1:] != day[:-1]) | (host_index[1:] != host_index[:-1])]
    )
    ends = np.r_[starts[1:], len(day)]
    schema = with_version(SESSIONS)
    ingested_at = datetime.now(UTC)
    ingested = []
    gen = np.random.default_rng(seed + 1)
    reject_rows = []
    for number, (start, end) in enumerate(zip(starts, ends, strict=True)):
        the_day = date(1970, 1, 1) + timedelta(days=int(day[start]))
        host = hosts.dictionary[host_index[start]].as_py()
        source = f"/var/log/mail/{host}/mail.log-{the_day:%Y%m%d}"
        count = int(end - start)
        part = sessions.slice(start, count)
        part = part.append_column("source_file", pa.repeat(pa.scalar(source), count))
        part = part.append_column(
            "source_line", pa.array(1 + LINES_PER_SESSION * np.arange(count), pa.int64())
        )
        check_columns("sessions", part.column_names)  # select() would drop an extra one
        folder = out / "sessions" / f"date={the_day.isoformat()}"
        folder.mkdir(parents=True, exist_ok=True)
        pq.write_table(
            part.select(schema.names).cast(schema),
            folder / f"{run_id}-{number:05d}-00001.parquet",
            compression="zstd",
        )
        lines = count * LINES_PER_SESSION * 2  # and as many out-of-scope lines
        rejects = int(gen.poisson(count / 5000))
        reject_rows += [
            rejects_row(
                source_file=source,
                source_line=int(line),
                kind="line",
                reason="looks like dovecot.login but no dialect matched",
                raw=f"{the_day:%b %d} 12:00:00 {host} dovecot: imap-login: Login: garbled",
            )
            for line in gen.integers(1, lines, size=rejects)
        ]
        size = lines * BYTES_PER_LINE
        ingested.append(
            {
                "path": source,
                "size": size,
                "mtime": datetime.combine(the_day + timedelta(days=1), datetime.min.time(), UTC),
                "fingerprint": hashlib.sha256(source.encode()).hexdigest()[:32] + ":96",
                "lines": lines,
                "rows": count * 3,
                "rejects": rejects,
                "ingested_at": ingested_at,
                "bytes_read": size,
                "skipped": lines - count * 3 - rejects,
                "run_id": run_id,
            }
        )
    if reject_rows:  # no time of their own: partitioned by the day they were ingested
        folder = out / "rejects" / f"date={ingested_at.date().isoformat()}"
        folder.mkdir(parents=True, exist_ok=True)
        table = rows_table("rejects", reject_rows)
        pq.write_table(
            table, folder / f"{run_id}-{len(starts):05d}-00001.parquet", compression="zstd"
        )
    write_ingested(out, ingested, {run_id})
    return {"parts": len(starts), "rejects": len(reject_rows), "files": len(ingested)}


def generate(
    out: Path, sessions: int, *, seed: int = 1, users: int = 5000, first: date, days: int = 365
) -> dict[str, Any]:
    """Write the lake at ``out`` (replacing it); returns what was written and how long it took."""
    began = time.perf_counter()
    table = sessions_table(sessions, seed, users, first, days)
    built = time.perf_counter() - began
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    written = write_lake(out, table, seed)
    refresh(out)  # the per-day summaries, as `mailtls ingest` leaves them
    return {
        "sessions": sessions,
        "users": users,
        "days": days,
        **written,
        "build_s": round(built, 1),
        "seconds": round(time.perf_counter() - began, 1),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sessions", type=int, default=10_000_000)
    parser.add_argument("--users", type=int, default=5000, help="mailboxes")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--start", type=date.fromisoformat, default=FIRST_DAY)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("-o", "--output", type=Path, default=Path("bench-out/lake-sessions"))
    args = parser.parse_args(argv)
    info = generate(
        args.output,
        args.sessions,
        seed=args.seed,
        users=args.users,
        first=args.start,
        days=args.days,
    )
    print(", ".join(f"{k}={v:,}" if isinstance(v, int) else f"{k}={v}" for k, v in info.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
