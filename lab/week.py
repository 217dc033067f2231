#!/usr/bin/env python3
"""One simulated week of a migration, played against the lab (lab/make_history.sh runs them all).

The users of ``scenario.py`` move over the weeks: cleartext → STARTTLS → implicit TLS (carol,
frank), legacy → modern (erin, peggy, victor late), STARTTLS → implicit (bob, ivan, oscar,
trent); dave keeps his TLS 1.0 phone (the grace list's hold-out), ken never moves (cleartext,
refused after the cut), heidi is a careful user whose account is guessed at every week. From
``CUT_WEEK`` on, Dovecot refuses cleartext authentication (``--cut-command``, lab/cut.sh).

The week is played as seven "days": the planned sessions are cut into seven runs of about equal
size, separated by a pause long enough that no log second is shared by two days.
``ground_truth/days.csv`` records the real second each day started, so lab/history.py can move
every day of the run onto its own calendar day.

Usage: week.py --out DIR --week N [--seed N] [--scale N] [--cut-command CMD]
"""

from __future__ import annotations

import argparse
import csv
import random
import shlex
import subprocess
import sys
import time
from dataclasses import dataclass, replace
from pathlib import Path

import scenario as sc
from scenario import IMAP_CLEAR, IMAP_ST, IMAPS, POP_CLEAR, POP_ST, POPS, SUB_ST, SUBS, Habit

WEEKS = 8
CUT_WEEK = 7  # Dovecot runs with disable_plaintext_auth = yes from this week on
DAYS = 7
DAY_PAUSE_SECONDS = 2.2  # > 1 s (log resolution) + the last delivery's LMTP lines


@dataclass(frozen=True)
class Stage:
    """What a user's clients do from week ``since`` on (until the next stage)."""

    since: int
    profile: str
    habits: tuple[Habit, ...]


# Only the users who change are listed; the others keep their scenario.py habits all along.
TIMELINE: dict[str, tuple[Stage, ...]] = {
    "bob": (
        Stage(5, "moved to implicit TLS (993, 465)", (Habit(**IMAPS, weight=3), Habit(**SUBS))),
    ),
    "carol": (
        Stage(1, "cleartext POP3 on 110", (Habit(**POP_CLEAR),)),
        Stage(3, "POP3 STARTTLS on 110 (TLS 1.3)", (Habit(**POP_ST),)),
        Stage(6, "POP3S on 995 (TLS 1.3)", (Habit(**POPS),)),
    ),
    "erin": (
        Stage(4, "modern implicit TLS (465, 993)", (Habit(**SUBS, weight=2), Habit(**IMAPS))),
    ),
    "frank": (
        Stage(
            5,
            "laptop moved from cleartext IMAP to STARTTLS; phone on IMAPS",
            (
                Habit(**IMAPS, weight=3),
                Habit(**IMAP_ST, src="127.0.0.26"),
                Habit(**POP_ST, version="TLSv1.2", src="127.0.0.26"),
                Habit(**SUB_ST, version="TLSv1.2", src="127.0.0.26"),
            ),
        ),
        Stage(
            7,
            "laptop and phone on implicit TLS (993, 995, 465)",
            (
                Habit(**IMAPS, weight=2),
                Habit(**IMAPS, src="127.0.0.26"),
                Habit(**POPS, src="127.0.0.26"),
                Habit(**SUBS, src="127.0.0.26"),
            ),
        ),
    ),
    "grace": (
        Stage(
            6,
            "SMTP AUTH moved to 587 STARTTLS; IMAPS",
            (Habit(**SUB_ST, weight=2, auth_method="LOGIN"), Habit(**IMAPS, weight=2)),
        ),
    ),
    "ivan": (
        Stage(
            4,
            "mistypes his password over IMAPS; POP3 moved to 995",
            (
                Habit(**IMAPS, typo_first=True),
                Habit(**IMAPS, wrong_password=True, src_pool=sc.IVAN_POOL),
                Habit(**IMAPS, weight=2),
                Habit(**POPS),
            ),
        ),
    ),
    "judy": (
        Stage(1, "modern IMAPS", (Habit(**IMAPS),)),
        Stage(
            CUT_WEEK,
            "modern IMAPS; an old laptop tries cleartext IMAP (refused)",
            (Habit(**IMAPS), Habit(**IMAP_CLEAR, src="127.0.0.30")),
        ),
        Stage(
            CUT_WEEK + 1,
            "modern IMAPS; the old laptop fixed (IMAPS)",
            (Habit(**IMAPS), Habit(**IMAPS, src="127.0.0.30")),
        ),
    ),
    "oscar": (
        Stage(
            3,
            "POP3S on 995 (TLS 1.2, one client with a CBC-SHA1 cipher)",
            (
                Habit(**POPS, version="TLSv1.2"),
                Habit(**POPS, version="TLSv1.2", ciphers="ECDHE-RSA-AES128-SHA"),
            ),
        ),
    ),
    "peggy": (Stage(6, "POP3S on 995 (TLS 1.3)", (Habit(**POPS),)),),
    "trent": (Stage(3, "submission on 465 only (TLS 1.3)", (Habit(**SUBS),)),),
    "victor": (Stage(8, "IMAP STARTTLS on 143, now TLS 1.3", (Habit(**IMAP_ST),)),),
}


def stage_of(name: str, week: int) -> Stage | None:
    """The stage a listed user is in during ``week`` (None: scenario.py's habits)."""
    current = None
    for stage in TIMELINE.get(name, ()):
        if stage.since <= week:
            current = stage
    return current


# the history's cast: scenario.py's Postfix and Dovecot users (its OpenSMTPD users joined later;
# the history runs without OpenSMTPD, and a rerun keeps the same cast and the same draws)
CAST = (
    "alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi", "ivan", "judy", "ken",
    "oscar", "peggy", "trent", "victor", "wendy", "rita",
)  # fmt: skip


def users_for_week(week: int) -> list[sc.User]:
    users = []
    for user in (u for u in sc.build_users() if u.name in CAST):
        stage = stage_of(user.name, week)
        if stage is not None:
            user = replace(user, profile=stage.profile, habits=list(stage.habits))
        users.append(replace(user, cut_habits=None))
    return users


def plan_week(week: int, rng: random.Random, scale: int = 1) -> tuple[str, list[sc.Planned]]:
    """The week's sessions: scenario.py's phase ``open`` before the cut, ``cut`` after it (its
    password guesser moves to TLS then, so a refused guess never reads as the target's own)."""
    phase = "cut" if week >= CUT_WEEK else "open"
    users = users_for_week(week)
    for user in users:  # each user's weekly count: scenario.py's phase-open count
        user.sessions = (user.sessions[0], 0) if phase == "open" else (0, user.sessions[0])
    phase_open, phase_cut = sc.plan(users, rng, scale)
    return phase, phase_open if phase == "open" else phase_cut


def split_days(planned: list[sc.Planned], days: int) -> list[list[sc.Planned]]:
    size, extra = divmod(len(planned), days)
    out, start = [], 0
    for day in range(days):
        end = start + size + (1 if day < extra else 0)
        out.append(planned[start:end])
        start = end
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--out", type=Path, required=True, help="ground-truth output directory")
    ap.add_argument("--week", type=int, required=True, choices=range(1, WEEKS + 1))
    ap.add_argument("--seed", type=int, default=8314)
    ap.add_argument("--scale", type=int, default=1, help="multiply session counts")
    ap.add_argument("--cut-command", default="", help="command that switches the cut on")
    args = ap.parse_args(argv)

    rng = random.Random(args.seed * 100 + args.week)
    phase, planned = plan_week(args.week, rng, args.scale)
    for p in planned:
        p.phase = phase
    users = users_for_week(args.week)
    if phase == "cut" and args.cut_command:
        subprocess.run(shlex.split(args.cut_command), check=True)
    truth = sc.Truth(args.out)
    (args.out / "users.csv").write_text(
        "user,profile\n" + "".join(f'{u.address},"{u.profile}"\n' for u in users)
    )
    with open(args.out / "days.csv", "w", newline="") as f:
        days = csv.writer(f, lineterminator="\n")
        days.writerow(["day", "started_at_epoch", "first_session_seq"])
        for day, sessions in enumerate(split_days(planned, DAYS)):
            if day:
                time.sleep(DAY_PAUSE_SECONDS)
            days.writerow([day, f"{time.time():.6f}", truth.seq + 1])
            f.flush()
            for p in sessions:
                sc.run_one(p, users, rng, truth)
    truth.close()
    print(f"week {args.week} ({phase}): {truth.seq} sessions", file=sys.stderr)
    for k, v in sorted(truth.stats.items()):
        print(f"  {'/'.join(k):45s} {v}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
