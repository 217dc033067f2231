"""Seeds for the fuzzers: real Received values (every TLS-detail dialect's examples) and the
attacker text of issue 12 (formulas, markup, escape sequences, CR, look-alike names)."""

from __future__ import annotations

from typing import Final

from parsers.received.examples_keyword import KEYWORD_EXAMPLES
from parsers.received.registry import DIALECTS

RECEIVED_SEEDS: Final = sorted(
    {e.value for d in DIALECTS for e in d.examples}
    | {v for d in DIALECTS for v in d.not_examples}
    | {e.value for e in KEYWORD_EXAMPLES}
)
HOSTILE: Final = [
    "=cmd|'/c calc'!A0",
    "+1-2",
    "@sum(1,2)",
    "-2+3",
    "\t=1",
    "\r=1",
    "[/x]",
    "[link=https://evil.example]x[/link]",
    "\x1b[31mred\x1b[0m",
    "\x1b]8;;https://evil.example\x1b\\x\x1b]8;;\x1b\\",
    "\x1b[2J\x1b[H",
    "a\rb@example.org",
    "a@x,b@evil.example",
    "nul\x00byte",
    "right\u202eto-left",
    "x/y@example.org",
    "jürgen@example.org",
    "<script>alert(1)</script>",
    "user=<alice>, rip=192.0.2.1",
    "(given password: hunter2)",
    "SHA512-CRYPT(hunter2) != '$6$x'",
    "by mail.example.org with ESMTPA auth=yes user=victim@gmail.com",
    "(invoked by uid 0)",
    "[127.0.0.1]",
    "\udcff\udcfe",
]
