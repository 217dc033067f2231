"""The closed vocabularies of DESIGN.md and the normalisations onto them.

Every module that says "TLS version", "security" or "service" goes through here, so the spellings
that real software writes (``TLSv1``, ``TLS1_2``, ``TLS 1.3``, ``TLSv1/SSLv3``) map one way only.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Final

SERVICES: Final = ("imap", "pop3", "submission", "managesieve", "smtp", "lmtp")
TLS_MODES: Final = ("implicit", "starttls", "none", "unknown")
TLS_VERSIONS: Final = ("SSLv2", "SSLv3", "TLSv1.0", "TLSv1.1", "TLSv1.2", "TLSv1.3")
SECURITIES: Final = ("cleartext", "legacy_tls", "modern_tls", "tls_unknown", "unknown")
AUTH_RESULTS: Final = ("ok", "failed", "refused_cleartext", "none", "unknown")
# "received"/"received_inferred": a session's version taken from the Received field our server
# wrote for its message (logged there, or implied by its cipher): pipeline marts/05_session_tls.sql
VERSION_SOURCES: Final = ("logged", "inferred", "received", "received_inferred")

LEGACY_VERSIONS: Final = frozenset({"SSLv2", "SSLv3", "TLSv1.0", "TLSv1.1"})
MODERN_VERSIONS: Final = frozenset({"TLSv1.2", "TLSv1.3"})

# SSL 2/3, and TLS written as TLSv1 / TLS1_2 / TLS1.2 / TLS 1.2 / TLS-1.0 / TLSv1.3 …
_VERSION = re.compile(
    r"^(?:(?P<ssl>SSL)\s*v?(?P<sslmajor>[23])(?:[._]0)?"
    r"|TLS\s*[-_ ]?\s*v?\s*(?P<major>1)(?:[._](?P<minor>[0-3]))?)$",
    re.IGNORECASE,
)


@lru_cache(maxsize=1024)  # a log repeats a handful of spellings on every TLS line and session
def normalise_tls_version(raw: str | None) -> str | None:
    """Map any written TLS/SSL version onto the vocabulary; None when it names no version.

    ``TLSv1/SSLv3`` is OpenSSL's cipher family, not a negotiated version, so it gives None.
    """
    if not raw:
        return None
    text = raw.strip().strip("()").strip()
    if len(text) > 16:
        return None
    match = _VERSION.match(text)
    if match is None:
        return None
    if match.group("ssl"):
        return f"SSLv{match.group('sslmajor')}"
    minor = match.group("minor") or "0"
    return f"TLSv1.{minor}"


_TLS13_CIPHER = re.compile(r"^(?:TLS_AES_|TLS_CHACHA20_|TLS13_|AEAD-)", re.IGNORECASE)
_TLS12_CIPHER = re.compile(
    r"(?:GCM|CCM|CHACHA20|POLY1305|SHA256$|SHA384$|SHA256_|SHA384_)", re.IGNORECASE
)


@lru_cache(maxsize=1024)
def infer_tls_version(cipher: str | None) -> str | None:
    """The version a cipher suite implies, only where that is unambiguous.

    TLS 1.3 suites (``TLS_AES_*``, ``TLS_CHACHA20_*``, rustls ``TLS13_*``, LibreSSL ``AEAD-*``)
    imply TLSv1.3. AEAD and SHA-256/384 suites exist only from TLS 1.2 on, and a pre-1.3 suite
    name with one of them was negotiated as TLSv1.2. CBC-SHA1 and RC4 suites imply nothing.
    """
    if not cipher:
        return None
    if _TLS13_CIPHER.match(cipher):
        return "TLSv1.3"
    if _TLS12_CIPHER.search(cipher):
        return "TLSv1.2"
    return None


def security_of(tls: bool | None, tls_version: str | None, *, is_trusted_hop: bool = False) -> str:
    """The security class of a connection from what is known of its TLS."""
    if is_trusted_hop:
        return "cleartext"
    if tls is None:
        return "unknown"
    if not tls:
        return "cleartext"
    if tls_version in LEGACY_VERSIONS:
        return "legacy_tls"
    if tls_version in MODERN_VERSIONS:
        return "modern_tls"
    return "tls_unknown"


def version_with_source(logged: str | None, cipher: str | None) -> tuple[str | None, str | None]:
    """(tls_version, tls_version_source): the logged version, else one inferred from the cipher."""
    version = normalise_tls_version(logged)
    if version is not None:
        return version, "logged"
    inferred = infer_tls_version(cipher)
    if inferred is not None:
        return inferred, "inferred"
    return None, None
