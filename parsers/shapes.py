"""Lines a family writes that no dialect reads, counted by *shape*: the message with its
variable parts (addresses, names in brackets, numbers, values) masked, so a new server
version's wording shows up as a handful of shapes with counts instead of going unnoticed.

Which lines are watched is each family's business (``WATCHED`` in ``parsers/<family>/dialects.py``):
the daemons and messages that concern client logins, not every delivery line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Final

SHAPE_LIMIT = 500  # distinct shapes kept per family; the rest count under OTHER
OTHER: Final = "(other shapes)"
_SHAPE_CHARS = 240

# Bounded, RE2-compatible masks, applied in order.
_MASKS: Final = (
    (re.compile(r"<[^<>\n]{0,512}>"), "<*>"),
    (re.compile(r"\[[^\[\]\n]{0,128}\]"), "[*]"),
    (re.compile(r"[^\s\[\]<>=,()]{1,253}\[\*\]"), "*[*]"),
    (re.compile(r"^[0-9A-F]{6,12}: |^[0-9B-DF-HJ-NP-TV-Zb-df-hj-np-tv-z]{10,20}: "), "QUEUEID: "),
    (re.compile(r"\b([a-z_]{1,32})=[^\s,]{1,512}"), r"\1=*"),
    (re.compile(r"\b[0-9a-fA-F]{0,4}(?::[0-9a-fA-F]{0,4}){2,7}\b"), "IP"),
    (re.compile(r"\d{1,20}(?:\.\d{1,20}){0,3}"), "N"),
)


def shape_of(message: str) -> str:
    """``connect from a.example[192.0.2.1]:51234`` → ``connect from *[*]:N``."""
    text = message[:2048]
    for pattern, replacement in _MASKS:
        text = pattern.sub(replacement, text)
    return text[:_SHAPE_CHARS]


@dataclass(slots=True)
class Shape:
    count: int
    example: str  # the first line of the shape (redacted by the caller)
    line_no: int


@dataclass(slots=True)
class UnknownShapes:
    """Per family: shape → count, first example and its line number."""

    families: dict[str, dict[str, Shape]] = field(default_factory=dict)

    def add(self, family: str, message: str, line: str, line_no: int) -> None:
        shapes = self.families.setdefault(family, {})
        shape = shape_of(message)
        found = shapes.get(shape)
        if found is None:
            if len(shapes) >= SHAPE_LIMIT:
                shape = OTHER
                found = shapes.get(shape)
            if found is None:
                shapes[shape] = Shape(1, line[: _SHAPE_CHARS * 2], line_no)
                return
        found.count += 1

    def counts(self) -> dict[str, dict[str, int]]:
        """Family → shape → lines: what travels back from a worker and adds up across spans."""
        return {
            family: {shape: s.count for shape, s in shapes.items()}
            for family, shapes in self.families.items()
        }


def merge_counts(into: dict[str, dict[str, int]], more: dict[str, dict[str, int]]) -> None:
    for family, shapes in more.items():
        mine = into.setdefault(family, {})
        for shape, count in shapes.items():
            mine[shape] = mine.get(shape, 0) + count
