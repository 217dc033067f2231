"""Every TLS-detail dialect, in the order they are tried on a text (first one that fires wins).

Order matters only where two patterns could read the same text: OpenSMTPD's four-field colon form
before Exim's three-field one, Exchange's comma form before the space-separated ``version=``.
"""

from __future__ import annotations

from parsers.received import dialects_colon, dialects_others, dialects_using, dialects_version_eq
from parsers.received.detail import DetailDialect

DIALECTS: tuple[DetailDialect, ...] = (
    *dialects_using.DIALECTS,
    *dialects_colon.DIALECTS,
    *dialects_version_eq.DIALECTS,
    *dialects_others.DIALECTS,
)
