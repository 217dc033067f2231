"""The Users page's filters over ``pipeline.query.queries.user_posture`` (pure pandas)."""

from __future__ import annotations

from collections.abc import Collection
from typing import Final

import pandas as pd

# service → the user_posture column counting that user's sessions on it
SERVICE_COUNTS: Final = {
    "imap": "imap_count",
    "pop3": "pop3_count",
    "submission": "submission_count",
    "managesieve": "managesieve_count",
}


def filter_posture(
    posture: pd.DataFrame,
    *,
    levels: Collection[str],
    services: Collection[str],
    is_reset_only: bool = False,
    name_contains: str = "",
) -> pd.DataFrame:
    """Users at one of ``levels`` seen on at least one of ``services``; with
    ``is_reset_only`` only those who must change their password; ``name_contains`` matches
    case-insensitively."""
    seen = posture[[SERVICE_COUNTS[s] for s in services]].sum(axis=1) > 0
    keep = posture["level"].isin(list(levels)) & seen
    if is_reset_only:
        keep &= posture["password_reset_required"]
    if name_contains:
        keep &= posture["user_name"].str.contains(name_contains, case=False, regex=False)
    return posture[keep].reset_index(drop=True)
