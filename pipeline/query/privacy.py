"""Pseudonymised user names (dashboard, `mailtls users --pseudonymise`): a keyed HMAC, so the same user keeps the same pseudonym
while the key stays the same, and nobody without the key can go back to the name."""

from __future__ import annotations

import hashlib
import hmac
import os
from typing import Final

import pandas as pd

KEY_ENV: Final = "MAILTLS_PSEUDONYM_KEY"
PREFIX: Final = "user-"
DIGITS: Final = 12  # 48 bits: no collision expected below ~10 million users


def pseudonym(name: str, key: bytes) -> str:
    """``user-`` and the first hex digits of HMAC-SHA256(key, name)."""
    digest = hmac.new(key, name.encode("utf-8"), hashlib.sha256).hexdigest()
    return PREFIX + digest[:DIGITS]


def pseudonymise_column(frame: pd.DataFrame, column: str, key: bytes) -> pd.DataFrame:
    """A copy of ``frame`` with every non-null value of ``column`` replaced by its pseudonym."""
    out = frame.copy()
    out[column] = out[column].map(lambda v: v if pd.isna(v) else pseudonym(str(v), key))
    return out


def key_from_env() -> bytes | None:
    """The pseudonymisation key from ``$MAILTLS_PSEUDONYM_KEY``; None when unset or empty."""
    value = os.environ.get(KEY_ENV, "")
    return value.encode("utf-8") if value else None
