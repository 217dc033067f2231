"""Where the dashboard reads from: the lake, the plan and the pseudonym key.

The lake is ``--lake DIR`` after ``--`` on the ``streamlit run`` line, else ``$MAILTLS_LAKE``,
else ``./mailtls-lake``; the plan is ``--plan FILE`` or ``$MAILTLS_PLAN``; the key for
pseudonymised names is ``$MAILTLS_PSEUDONYM_KEY``; the site's ``[evidence]`` rule comes from
``--config FILE`` (else ``./mailtls.toml`` when present, else the safe default).
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

from pipeline.query import EvidenceRule, load_config
from pipeline.query.db import default_lake
from pipeline.query.privacy import KEY_ENV

PLAN_ENV: Final = "MAILTLS_PLAN"


@dataclass(frozen=True, slots=True)
class Settings:
    lake: Path
    plan: Path | None
    pseudonym_key: bytes | None
    evidence: EvidenceRule = field(default_factory=EvidenceRule)


def read_settings(argv: Sequence[str]) -> Settings:
    """Settings from the script's arguments and the environment. Unknown arguments are left
    alone: under ``AppTest`` the arguments are pytest's own."""
    parser = argparse.ArgumentParser(add_help=False, allow_abbrev=False)
    parser.add_argument("--lake", type=Path)
    parser.add_argument("--plan", type=Path)
    parser.add_argument("--config", type=Path)
    known, _ = parser.parse_known_args(list(argv))
    plan_env = os.environ.get(PLAN_ENV)
    key = os.environ.get(KEY_ENV)
    return Settings(
        lake=known.lake or default_lake(),
        plan=known.plan or (Path(plan_env) if plan_env else None),
        pseudonym_key=key.encode() if key else None,
        evidence=load_config(known.config).evidence,
    )
