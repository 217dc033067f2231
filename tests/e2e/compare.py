"""Compare what mailtls put in the lake with the lab's ground truth.

Usable from the e2e test and by hand:

    python tests/e2e/compare.py --truth RUN/ground_truth --lake LAKE --profile recommended

The ground truth (lab/scenario.py) records what each client really did. This module first turns
it into what a correct mailtls run **can** know under the given Dovecot logging profile
(`expected_session`), then derives the per-user posture from that by DESIGN.md's rules
(`expected_posture`), and compares both with the lake. Where a profile cannot know something
(Dovecot's default format has neither the TLS version nor the local port) the expected value is
`unknown` / null, never the truth the client knows.

Every disagreement is one row of (user, field, expected, got).
"""

from __future__ import annotations

import argparse
import csv
import sys
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

MUA_SERVICES = ("imap", "pop3", "submission")
CLIENT_SERVICES = (*MUA_SERVICES, "smtp")  # lmtp (internal delivery) is not a client session
LEVEL_RANK = {"L0": 0, "L1": 1, "L2": 2, "L3": 3}
OWN_SERVER = "mail.lab.example"


@dataclass(frozen=True, slots=True)
class Diff:
    user: str
    field: str
    expected: Any
    got: Any


# --------------------------------------------------------------------------------------------
# Expected values from the ground truth
# --------------------------------------------------------------------------------------------
def read_truth_file(path: Path) -> list[dict[str, str]]:
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def read_truth(truth_dir: Path) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    """sessions.csv and messages.csv of one lab run (lab/run.sh OUTDIR/ground_truth)."""
    return read_truth_file(truth_dir / "sessions.csv"), read_truth_file(truth_dir / "messages.csv")


def expected_session(row: dict[str, str], profile: str) -> dict[str, Any]:
    """What a correct pipeline reports for one ground-truth session under `profile`."""
    service = row["service"]
    tls_mode = row["tls_mode"]
    version: str | None = row["tls_version"] or None
    trusted = row["is_trusted_hop"] == "true"
    if tls_mode == "none":
        security = "cleartext"
    elif version in ("TLSv1.2", "TLSv1.3"):
        security = "modern_tls"
    else:
        security = "legacy_tls"
    dovecot = service in ("imap", "pop3")
    if dovecot and profile == "default" and tls_mode != "none":
        # Stock login_log_format_elements: flag "TLS" only. No %k (version) and no lport;
        # all listeners share lip=127.0.0.1, so implicit and STARTTLS look the same.
        tls_mode, version, security = "unknown", None, "tls_unknown"
    if row.get("server") == "opensmtpd" and tls_mode != "none":
        # OpenSMTPD logs no listener or port, and the lab's 465 and 587 both offer AUTH: the
        # site configuration cannot tell them apart either.
        tls_mode = "unknown"
    user = row["user"].lower() if service != "smtp" else ""
    return dict(
        user=user,
        service=service,
        tls_mode=tls_mode,
        tls_version=version,
        security=security,
        auth_result=row["auth_result"],
        is_trusted_hop=trusted,
        auth_failures=int(row["auth_failures"] or 0),
        client_ip=row.get("client_ip") or None,
        started_at=datetime.fromisoformat(row["started_at"]) if row.get("started_at") else None,
    )


def session_level(s: dict[str, Any]) -> str | None:
    """DESIGN.md: a session's level, or None when the session is no level evidence."""
    if s["service"] not in MUA_SERVICES or s["is_trusted_hop"]:
        return None
    if s["auth_result"] not in ("ok", "refused_cleartext"):
        return None  # failed logins do not set the level
    sec = s["security"]
    if sec == "cleartext":
        return "L0"
    if sec == "legacy_tls":
        return "L1"
    if sec == "modern_tls":
        return "L3" if s["tls_mode"] == "implicit" else "L2"  # claim the lower when not known
    return "unknown"


def expected_posture(sessions: Iterable[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """One entry per user that has a login (or trusted-hop) session in a MUA service."""
    by_user: dict[str, list[dict[str, Any]]] = {}
    for s in sessions:
        if s["service"] in MUA_SERVICES and s["user"]:
            by_user.setdefault(s["user"], []).append(s)
    counted = own_client_attempts([r for rows in by_user.values() for r in rows])
    out: dict[str, dict[str, Any]] = {}
    for user, rows in sorted(by_user.items()):
        # a refused cleartext attempt is evidence only from the user's own client
        rows = [
            r
            for r in rows
            if r["auth_result"] != "refused_cleartext" or (user, r.get("client_ip")) in counted
        ]
        has_login = any(
            r["auth_result"] in ("ok", "refused_cleartext") or r["is_trusted_hop"] for r in rows
        )
        if not has_login:
            continue  # seen only in failed logins or unverified attempts (guessed names)
        levels = [lv for lv in map(session_level, rows) if lv is not None]
        known = [lv for lv in levels if lv in LEVEL_RANK]
        level = min(known, key=LEVEL_RANK.__getitem__) if known else "unknown"
        out[user] = dict(
            level=level,
            password_reset_required="L0" in levels,
            failed_count=sum(r["auth_failures"] for r in rows),
        )
    return out


def own_client_attempts(
    sessions: list[dict[str, Any]],
    *,
    repeat_hours: float = 6,
    guesser_names: int = 3,
    burst_attempts: int = 10,
    burst_minutes: float = 10,
) -> set[tuple[str, str | None]]:
    """The (user, address) pairs whose refused cleartext attempts count under docs/security.md's
    default rule (own_client), written here apart from the SQL: an address the user also logs
    in from, or the same name over repeat_hours; never a guesser's address (guesser_names names
    it never logged in as, a burst, a failed password for another name)."""
    mua = [s for s in sessions if s["service"] in MUA_SERVICES and not s["is_trusted_hop"]]
    logged_in = {(s["user"], s["client_ip"]) for s in mua if s["auth_result"] == "ok"}
    counted = set()
    for user, ip in {
        (s["user"], s["client_ip"]) for s in mua if s["auth_result"] == "refused_cleartext"
    }:
        if ip is None:
            continue
        here = [s for s in mua if s["client_ip"] == ip]
        tried = {
            s["user"]
            for s in here
            if (s["auth_result"] == "refused_cleartext" or s["auth_failures"] > 0)
            and (s["user"], ip) not in logged_in
        }
        failed_others = {
            s["user"]
            for s in here
            if s["auth_failures"] > 0 and s["user"] != user and (s["user"], ip) not in logged_in
        }
        moments = sorted(
            (s["started_at"], (s["auth_result"] == "refused_cleartext") + s["auth_failures"])
            for s in here
            if s["auth_result"] == "refused_cleartext" or s["auth_failures"] > 0
        )
        burst = max(
            sum(n for t, n in moments if t0 - timedelta(minutes=burst_minutes) <= t <= t0)
            for t0, _ in moments
        )
        if len(tried) >= guesser_names or burst >= burst_attempts or failed_others:
            continue
        own = [
            s["started_at"]
            for s in here
            if s["user"] == user and s["auth_result"] == "refused_cleartext"
        ]
        if (user, ip) in logged_in or max(own) - min(own) >= timedelta(hours=repeat_hours):
            counted.add((user, ip))
    return counted


# --------------------------------------------------------------------------------------------
# What mailtls produced
# --------------------------------------------------------------------------------------------
def _duckdb():
    import duckdb  # imported lazily: the lab test does not need it

    return duckdb.connect()


def lake_sessions(lake: Path) -> list[dict[str, Any]]:
    con = _duckdb()
    pattern = str(lake / "sessions" / "**" / "*.parquet")
    cur = con.execute(
        f"""
        SELECT coalesce(lower(user_name), '') AS user, service, tls_mode, tls_version, security,
               auth_result, coalesce(is_trusted_hop, false) AS is_trusted_hop,
               coalesce(auth_failures, 0) AS auth_failures
        FROM read_parquet('{pattern}', hive_partitioning = true, union_by_name = true)
        WHERE service IN {CLIENT_SERVICES}
        """
    )
    cols = [d[0] for d in cur.description]
    return [dict(zip(cols, r, strict=True)) for r in cur.fetchall()]


def load_user_posture(lake: Path) -> dict[str, dict[str, Any]]:
    """user_posture through the project's query API. Kept small so it is easy to adapt."""
    from pipeline.query.db import connect
    from pipeline.query.queries import user_posture

    con = connect(lake)
    df = user_posture(con)
    out: dict[str, dict[str, Any]] = {}
    for rec in df.to_dict("records"):
        out[str(rec["user_name"]).lower()] = rec
    return out


def lake_hops(lake: Path) -> dict[str, list[dict[str, Any]]]:
    """message-id (without <>) -> Received hops of that message written by our server."""
    con = _duckdb()
    msgs = str(lake / "messages" / "**" / "*.parquet")
    hops = str(lake / "received_hops" / "**" / "*.parquet")
    cur = con.execute(
        f"""
        SELECT trim(both '<> ' FROM m.message_id) AS mid, h.with_protocol, h.tls,
               h.tls_version, h.from_ip, h.by_host
        FROM read_parquet('{msgs}', hive_partitioning = true, union_by_name = true) m
        JOIN read_parquet('{hops}', hive_partitioning = true, union_by_name = true) h
          USING (message_key)
        WHERE upper(coalesce(h.with_protocol, '')) LIKE 'ESMTP%'
           OR upper(coalesce(h.with_protocol, '')) = 'SMTP'
        """
    )
    out: dict[str, list[dict[str, Any]]] = {}
    for mid, proto, tls, version, ip, by in cur.fetchall():
        out.setdefault(mid, []).append(
            dict(with_protocol=proto, tls=tls, tls_version=version, from_ip=ip, by_host=by)
        )
    return out


# --------------------------------------------------------------------------------------------
# Comparisons
# --------------------------------------------------------------------------------------------
KEY_FIELDS = ("service", "tls_mode", "security", "auth_result", "is_trusted_hop", "tls_version")


def _key(s: dict[str, Any]) -> tuple[str, str]:
    parts = [f"{f}={s[f] if s[f] is not None else 'null'}" for f in KEY_FIELDS]
    return s["user"] or "(no user)", " ".join(parts)


def compare_sessions(expected: list[dict[str, Any]], got: list[dict[str, Any]]) -> list[Diff]:
    """Counts per user x service x tls_mode x security x auth_result x trusted x version."""
    e = Counter(map(_key, expected))
    g = Counter(map(_key, got))
    return [
        Diff(user, f"sessions[{field}]", e.get((user, field), 0), g.get((user, field), 0))
        for user, field in sorted(set(e) | set(g))
        if e.get((user, field), 0) != g.get((user, field), 0)
    ]


def compare_posture(
    expected: dict[str, dict[str, Any]], got: dict[str, dict[str, Any]]
) -> list[Diff]:
    diffs: list[Diff] = []
    for user in sorted(set(expected) | set(got)):
        e, g = expected.get(user), got.get(user)
        if e is None:
            diffs.append(Diff(user, "user_posture row", "absent", f"level={g['level']}"))
            continue
        if g is None:
            diffs.append(Diff(user, "user_posture row", f"level={e['level']}", "absent"))
            continue
        for f in ("level", "password_reset_required", "failed_count"):
            gv = g.get(f)
            if hasattr(gv, "item"):
                gv = gv.item()  # numpy scalars
            if e[f] != gv:
                diffs.append(Diff(user, f"user_posture.{f}", e[f], gv))
    return diffs


def compare_hops(
    messages: list[dict[str, str]], hops: dict[str, list[dict[str, Any]]]
) -> list[Diff]:
    """Each message the scenario sent has our server's hop with the right protocol and TLS."""
    diffs: list[Diff] = []
    for m in messages:
        mid = m["message_id"].strip().strip("<>")
        user = m["user"] or m["mail_from"]
        tls = m["tls_mode"] != "none"
        proto = "ESMTP" + ("S" if tls else "") + ("A" if m["service"] == "submission" else "")
        want = dict(with_protocol=proto, tls=tls, tls_version=m["tls_version"] or None)
        ours = [h for h in hops.get(mid, []) if h["from_ip"] == m["client_ip"]]
        if not ours:
            diffs.append(Diff(user, f"received_hop[{mid}]", want, "missing"))
            continue
        h = ours[0]
        have = dict(
            with_protocol=(h["with_protocol"] or "").upper(),
            tls=h["tls"],
            tls_version=h["tls_version"],
        )
        if have != want:
            diffs.append(Diff(user, f"received_hop[{mid}]", want, have))
    return diffs


def compare_all(truth_dir: Path, lake: Path, profile: str, *, posture: bool = True) -> list[Diff]:
    truth_sessions, truth_messages = read_truth(truth_dir)
    expected = [expected_session(r, profile) for r in truth_sessions]
    diffs = compare_sessions(expected, lake_sessions(lake))
    if posture:
        diffs += compare_posture(expected_posture(expected), load_user_posture(lake))
    diffs += compare_hops(truth_messages, lake_hops(lake))
    return diffs


def format_diffs(diffs: list[Diff], limit: int = 200) -> str:
    if not diffs:
        return "no differences"
    rows = [("user", "field", "expected", "got")] + [
        (d.user, d.field, str(d.expected), str(d.got)) for d in diffs[:limit]
    ]
    widths = [min(70, max(len(r[i]) for r in rows)) for i in range(4)]
    lines = ["  ".join(c[:70].ljust(w) for c, w in zip(r, widths, strict=True)) for r in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    if len(diffs) > limit:
        lines.append(f"... and {len(diffs) - limit} more")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--truth", type=Path, required=True, help="ground_truth dir of a lab run")
    ap.add_argument("--lake", type=Path, required=True)
    ap.add_argument("--profile", choices=("default", "recommended"), required=True)
    ap.add_argument("--no-posture", action="store_true", help="skip user_posture")
    args = ap.parse_args(argv)
    diffs = compare_all(args.truth, args.lake, args.profile, posture=not args.no_posture)
    print(format_diffs(diffs))
    return 1 if diffs else 0


if __name__ == "__main__":
    sys.exit(main())
