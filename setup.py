"""Opt-in compiled build of the hot parse path (mypyc, which ships with mypy).

``MAILTLS_COMPILE=1 pip install --no-build-isolation .`` (mypy installed in that environment)
compiles the modules below to C extensions; without the variable the build is pure Python, and
editable installs stay as they are. Metadata lives in pyproject.toml; this file only adds the
extensions. ``pipeline.build.compiled_modules()`` tells which modules a process loaded compiled.
"""

from __future__ import annotations

import os
from pathlib import Path

from setuptools import setup

# Left pure: parsers/records.py (new_log_event sets a frozen dataclass's slots through its
# descriptors, which compiled native classes do not have), pipeline/segment.py (its frozen
# jobs go to worker processes, and a compiled frozen dataclass cannot be unpickled) and package
# __init__ files.
PURE = {"parsers/records.py"}
COMPILED_PIPELINE = ["pipeline/sessions.py", "pipeline/stitch.py"]


def compiled_sources() -> list[str]:
    parsers = sorted(str(p) for p in Path("parsers").rglob("*.py") if p.name != "__init__.py")
    return [p for p in parsers if p not in PURE] + COMPILED_PIPELINE


def ext_modules() -> list[object]:
    if os.environ.get("MAILTLS_COMPILE") != "1":
        return []
    from mypyc.build import mypycify  # only the compiled build needs mypy

    return list(mypycify(compiled_sources(), opt_level="3"))


setup(ext_modules=ext_modules())
