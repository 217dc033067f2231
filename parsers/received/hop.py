"""The record one Received field becomes: the ``received_hops`` columns of DESIGN.md plus extras."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class ReceivedHop:
    # --- the received_hops columns (DESIGN.md), in table order
    received_at: datetime | None  # aware UTC
    from_helo: str | None
    from_rdns: str | None
    from_ip: str | None  # canonical: no IPv6: tag, no zone, IPv4-mapped as IPv4
    by_host: str | None
    with_protocol: str | None  # the with value, upper-cased
    with_raw: str | None  # as written
    tls: bool | None
    tls_version: str | None  # vocab TLS_VERSIONS
    tls_version_source: str | None  # "logged" | "inferred"
    tls_cipher: str | None
    tls_bits: int | None
    authenticated: bool | None
    auth_user: str | None
    is_local: bool
    security: str  # vocab SECURITIES
    dialect: str  # the stage-2 dialect keys that fired, joined by "+"; "keyword" or "none"
    parse_ok: bool
    raw: str  # the unfolded value (bounded)
    # --- extras
    tls_evidence: str | None = None  # "keyword", "comment", "keyword+comment"
    auth_evidence: str | None = None  # "keyword", "comment", "keyword+comment"
    from_port: int | None = None
    by_software: str | None = None  # "(Postfix)", "(8.17.1/8.17.1)", "(Exim 4.96)" …
    id: str | None = None
    for_: str | None = None
    via: str | None = None
    problems: tuple[str, ...] = ()
