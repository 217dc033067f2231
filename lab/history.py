#!/usr/bin/env python3
"""Move the weekly lab runs of lab/make_history.sh onto a calendar and rotate them.

    history.py WORK DEST

WORK holds week01/ … weekNN/ (each a lab/run.sh OUTDIR played by lab/week.py). Every run
happened within a minute of real time; its ``ground_truth/days.csv`` says where each of its
seven "days" started. Each day is moved onto its own calendar day (week N, day d → FIRST_MONDAY
+ 7·(N-1) + d, at a daytime hour), keeping the seconds between its lines. What moves:

* every log line's timestamp (``Dec 07 00:48:03``: the zero-padded form both servers write);
* the date after the last ``;`` of every ``Received:`` field and the ``Date:`` field of every
  stored message, each in the form it was written (Postfix ``Mon,  7 Dec``, Dovecot and Python
  ``Mon, 07 Dec``), and the delivery time that starts a Maildir file name;
* ``started_at`` and ``sent_at`` of the ground truth.

Nothing else changes, byte for byte. The logs are then laid out as weekly logrotate with
``compress`` and ``delaycompress`` leaves them: the last week in ``postfix.log``, the week before
in ``postfix.log.1``, older weeks in ``postfix.log.N.gz`` (written without name or mtime, so a
rerun gives identical bytes). ``ground_truth/users_weekly.csv`` says, per week, each user's level
from their own sessions and whether their password must be reset (it crossed in cleartext in that
week or before).
"""

from __future__ import annotations

import bisect
import csv
import gzip
import os
import re
import shutil
import sys
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

FIRST_MONDAY = date(2026, 10, 5)
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
LOG_STAMP = re.compile(rb"^([A-Z][a-z]{2}) ([ 0-3]\d) (\d\d):(\d\d):(\d\d) ")
MAIL_DATE = re.compile(
    rb"(Mon|Tue|Wed|Thu|Fri|Sat|Sun), ( ?\d{1,2}) ("
    + "|".join(MONTHS).encode()
    + rb") (\d{4}) (\d\d):(\d\d):(\d\d) ([+-]\d{4})"
)
MAILDIR_NAME = re.compile(r"^(\d+)(\..*?),S=(\d+),W=(\d+)(.*)$")
LEVEL_RANK = {"L0": 0, "L1": 1, "L2": 2, "L3": 3}
MUA_SERVICES = ("imap", "pop3", "submission")


@dataclass(frozen=True)
class Shift:
    """Real time of one lab run → calendar time, day by day."""

    real_starts: tuple[float, ...]  # whole seconds: a log line's second decides its day
    targets: tuple[datetime, ...]

    def __call__(self, real: datetime) -> datetime:
        seconds = real.timestamp()
        day = max(0, bisect.bisect_right(self.real_starts, seconds) - 1)
        return self.targets[day] + timedelta(seconds=seconds - self.real_starts[day])


def day_start(week: int, day: int) -> datetime:
    when = FIRST_MONDAY + timedelta(days=7 * (week - 1) + day)
    minutes = 7 * 60 + 30 + (week * 7 + day) * 53 % 600  # 07:30 … 17:30, spread over the days
    return datetime(when.year, when.month, when.day, tzinfo=UTC) + timedelta(minutes=minutes)


def read_shift(run: Path, week: int) -> Shift:
    with open(run / "ground_truth" / "days.csv", newline="") as f:
        rows = list(csv.DictReader(f))
    starts = tuple(float(int(float(r["started_at_epoch"]))) for r in rows)
    return Shift(starts, tuple(day_start(week, int(r["day"])) for r in rows))


def run_year(run: Path) -> int:
    info = dict(
        line.split("=", 1)
        for line in (run / "lab-info.txt").read_text().splitlines()
        if "=" in line
    )
    return int(info["generated_at"][:4])


# ------------------------------------------------------------------------------------------------
# Logs
# ------------------------------------------------------------------------------------------------
def shift_log_line(line: bytes, shift: Shift, year: int) -> bytes:
    m = LOG_STAMP.match(line)
    if not m:
        return line
    month = MONTHS.index(m.group(1).decode()) + 1
    real = datetime(year, month, int(m.group(2)), *map(int, m.group(3, 4, 5)), tzinfo=UTC)
    moved = shift(real)
    padded_day = f"{moved.day:02d}" if m.group(2)[:1] != b" " else f"{moved.day:2d}"
    stamp = f"{MONTHS[moved.month - 1]} {padded_day} {moved:%H:%M:%S} ".encode()
    return stamp + line[m.end() :]


def shift_log(path: Path, shift: Shift, year: int) -> bytes:
    lines = path.read_bytes().splitlines(keepends=True)
    return b"".join(shift_log_line(line, shift, year) for line in lines)


def write_rotated(dest: Path, name: str, weeks: list[bytes]) -> None:
    """Newest week as ``name``, the one before as ``name.1``, older ones ``name.N.gz``."""
    for age, data in enumerate(reversed(weeks)):
        if age == 0:
            (dest / name).write_bytes(data)
        elif age == 1:
            (dest / f"{name}.1").write_bytes(data)
        else:
            with (
                open(dest / f"{name}.{age}.gz", "wb") as raw,
                gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0) as gz,
            ):
                gz.write(data)


# ------------------------------------------------------------------------------------------------
# Mail
# ------------------------------------------------------------------------------------------------
def shift_mail_date(m: re.Match[bytes], shift: Shift) -> bytes:
    day_token = m.group(2)
    month = MONTHS.index(m.group(3).decode()) + 1
    hms = map(int, m.group(5, 6, 7))
    real = datetime(int(m.group(4)), month, int(day_token), *hms, tzinfo=UTC)
    if m.group(8) not in (b"+0000", b"-0000"):
        raise ValueError(f"lab mail is written in UTC, not {m.group(8)!r}")
    moved = shift(real)
    if day_token.startswith(b" "):
        day = f"{moved.day:2d}"
    elif len(day_token) == 2:
        day = f"{moved.day:02d}"
    else:
        day = str(moved.day)
    return (
        f"{WEEKDAYS[moved.weekday()]}, {day} {MONTHS[moved.month - 1]} {moved.year} "
        f"{moved:%H:%M:%S} "
    ).encode() + m.group(8)


def shift_message(data: bytes, shift: Shift) -> bytes:
    """The message with the dates of its Received: and Date: fields moved, nothing else."""
    end = data.find(b"\n\n")
    header, body = (data, b"") if end < 0 else (data[: end + 1], data[end + 1 :])
    fields: list[bytes] = []
    for line in header.splitlines(keepends=True):
        if fields and line[:1] in (b" ", b"\t"):
            fields[-1] += line
        else:
            fields.append(line)
    out = []
    for field in fields:
        name = field.split(b":", 1)[0].lower()
        if name == b"received":
            # the date is after the field's last ';'
            cut = field.rfind(b";")
            field = field[:cut] + MAIL_DATE.sub(lambda m: shift_mail_date(m, shift), field[cut:])
        elif name == b"date":
            field = MAIL_DATE.sub(lambda m: shift_mail_date(m, shift), field)
        out.append(field)
    return b"".join(out) + body


def maildir_name(name: str, data: bytes, shift: Shift) -> tuple[str, float]:
    """Dovecot's ``TIME.M…,S=size,W=vsize:2,…`` with the time moved and the sizes recomputed."""
    m = MAILDIR_NAME.match(name)
    if not m:
        raise ValueError(f"not a Dovecot Maildir file name: {name}")
    moved = shift(datetime.fromtimestamp(int(m.group(1)), UTC)).timestamp()
    vsize = len(data) + data.count(b"\n")  # W= counts CRLF line ends
    return f"{int(moved)}{m.group(2)},S={len(data)},W={vsize}{m.group(5)}", moved


def copy_maildir(run: Path, dest: Path, shift: Shift) -> int:
    count = 0
    for path in sorted((run / "maildir").glob("*/*/*")):
        user, sub = path.parent.parent.name, path.parent.name
        data = shift_message(path.read_bytes(), shift)
        name, moved = maildir_name(path.name, data, shift)
        target = dest / user / sub / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        os.utime(target, (moved, moved))
        count += 1
    return count


# ------------------------------------------------------------------------------------------------
# Ground truth
# ------------------------------------------------------------------------------------------------
def read_csv(path: Path) -> list[dict[str, str]]:
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def write_csv(path: Path, rows: list[dict[str, object]], fields: list[str]) -> None:
    with open(path, "w", newline="") as f:
        writer = csv.DictWriter(f, fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def shift_iso(value: str, shift: Shift) -> str:
    return shift(datetime.fromisoformat(value)).isoformat(timespec="microseconds")


def session_level(row: dict[str, str]) -> str | None:
    """The level a session of the user's own client shows (tests/e2e/compare.py's rule)."""
    if row["service"] not in MUA_SERVICES or row["is_trusted_hop"] == "true":
        return None
    if row["auth_result"] not in ("ok", "refused_cleartext"):
        return None  # a wrong password (a guesser's, or a typo) says nothing of the user's client
    if row["tls_mode"] == "none":
        return "L0"
    if row["security"] == "legacy_tls":
        return "L1"
    if row["security"] == "modern_tls":
        return "L3" if row["tls_mode"] == "implicit" else "L2"
    return "unknown"


def weekly_levels(
    week: int, sessions: list[dict[str, str]], users: list[dict[str, str]], exposed: set[str]
) -> list[dict[str, object]]:
    """One row per user: the week's worst level of their own sessions and the reset flag."""
    levels: dict[str, list[str]] = {}
    for row in sessions:
        level = session_level(row)
        if level is not None:
            levels.setdefault(row["user"].lower(), []).append(level)
    out: list[dict[str, object]] = []
    for user in users:
        name = user["user"].lower()
        seen = levels.get(name, [])
        known = [lv for lv in seen if lv in LEVEL_RANK]
        if "L0" in seen:
            exposed.add(name)
        level = min(known, key=LEVEL_RANK.__getitem__) if known else ("unknown" if seen else "")
        out.append(
            {
                "week": week,
                "week_start": (FIRST_MONDAY + timedelta(days=7 * (week - 1))).isoformat(),
                "user": name,
                "level": level,
                "password_reset_required": "yes" if name in exposed else "no",
                "profile": user["profile"],
            }
        )
    return out


def main() -> int:
    work, dest = Path(sys.argv[1]), Path(sys.argv[2])
    runs = sorted(p for p in work.glob("week[0-9][0-9]") if (p / "lab-info.txt").exists())
    if not runs:
        raise SystemExit(f"no weekly runs under {work}")
    for sub in ("logs", "maildir", "ground_truth"):
        shutil.rmtree(dest / sub, ignore_errors=True)
        (dest / sub).mkdir(parents=True)
    logs: dict[str, list[bytes]] = {"postfix.log": [], "dovecot.log": []}
    sessions: list[dict[str, object]] = []
    messages: list[dict[str, object]] = []
    weekly: list[dict[str, object]] = []
    exposed: set[str] = set()
    info = []
    for run in runs:
        week = int(run.name[4:])
        shift, year = read_shift(run, week), run_year(run)
        for name in logs:
            logs[name].append(shift_log(run / "logs" / name, shift, year))
        mail_count = copy_maildir(run, dest / "maildir", shift)
        truth = run / "ground_truth"
        week_sessions = read_csv(truth / "sessions.csv")
        for row in week_sessions:
            sessions.append(
                {"week": week, **row, "started_at": shift_iso(row["started_at"], shift)}
            )
        for row in read_csv(truth / "messages.csv"):
            messages.append({"week": week, **row, "sent_at": shift_iso(row["sent_at"], shift)})
        weekly += weekly_levels(week, week_sessions, read_csv(truth / "users.csv"), exposed)
        info.append(f"[week {week}]\n{(run / 'lab-info.txt').read_text()}")
        print(f"week {week}: {len(week_sessions)} sessions, {mail_count} messages")
    for name, weeks in logs.items():
        write_rotated(dest / "logs", name, weeks)
    truth_dir = dest / "ground_truth"
    write_csv(truth_dir / "sessions.csv", sessions, list(sessions[0]))
    write_csv(truth_dir / "messages.csv", messages, list(messages[0]))
    write_csv(truth_dir / "users_weekly.csv", weekly, list(weekly[0]))
    (truth_dir / "lab-info.txt").write_text("\n".join(info))
    return 0


if __name__ == "__main__":
    sys.exit(main())
