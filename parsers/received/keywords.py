"""What the ``with`` keyword says about TLS and authentication (RFC 3848, RFC 6531, vendors).

Only the registered ``S``/``A`` suffixes and the vendor spellings below carry meaning; any other
keyword says nothing (``None``), never "cleartext".
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final


@dataclass(frozen=True, slots=True)
class KeywordSense:
    tls: bool | None  # True: the keyword says TLS; False: an SMTP keyword without S; None: silent
    authenticated: bool | None
    is_local: bool = False


def _family() -> dict[str, KeywordSense]:
    table: dict[str, KeywordSense] = {}
    # RFC 3848 / RFC 6531, Exim's utf8-prefixed names, OpenSMTPD's HELO forms (SMTPS, SMTPSA)
    for base in ("SMTP", "ESMTP", "LMTP"):
        for s in ("", "S"):
            for a in ("", "A"):
                sense = KeywordSense(bool(s), bool(a))
                table[base + s + a] = sense
                table["UTF8" + base + s + a] = sense
    # Exim: ssmtp/essmtp/essmtpa are TLS-on-connect, local-* are local injections
    table["SSMTP"] = KeywordSense(True, False)
    table["ESSMTP"] = KeywordSense(True, False)
    table["ESSMTPA"] = KeywordSense(True, True)
    for name, sense in list(table.items()):
        if not name.startswith("UTF8"):
            table["LOCAL-" + name] = KeywordSense(sense.tls, sense.authenticated, True)
    table["LOCAL-BSMTP"] = KeywordSense(None, None, True)
    table["ESMTP-TLS"] = KeywordSense(True, False)  # CommuniGate Pro
    table["ASMTP"] = KeywordSense(None, True)  # IceWarp: TLS only when "(SSL)" follows
    table["STARTTLS"] = KeywordSense(True, None)  # Mimecast's second clause "with STARTTLS"
    table["MICROSOFT SMTP SERVER"] = KeywordSense(False, None)  # "(TLS)"/"(version=…)" say TLS
    for name in ("HTTPS", "IMAPS", "POP3S"):
        table[name] = KeywordSense(True, None)
    table["LOCAL"] = KeywordSense(None, None, True)
    return table


KEYWORDS: Final = _family()
_SILENT = KeywordSense(None, None)
_LOCAL = KeywordSense(None, None, True)


def sense_of(protocol: str | None) -> KeywordSense:
    """The meaning of a ``with`` value as written (any case; Cisco ``ESMTP/TLS/…`` by its head)."""
    if not protocol:
        return _SILENT
    upper = protocol.upper()
    if upper.startswith("MICROSOFT SMTPSVC"):
        return KEYWORDS["MICROSOFT SMTP SERVER"]
    found = KEYWORDS.get(upper)
    if found is None and "/" in upper:
        found = KEYWORDS.get(upper.partition("/")[0])
    if found is None and upper.startswith("LOCAL-"):  # Exim local-rmail, local-generated, …
        return _LOCAL
    return found or _SILENT
