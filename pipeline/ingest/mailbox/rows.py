"""One message → its ``messages`` row and its ``received_hops`` rows (pure; schema.py's columns).

The **submission hop** is where a user's own client handed the message to us. Everything below
our own first hop was written by the sender's side and may be forged, so it is looked for only
in the trusted run: the hops from the top (hop 0) down while they are ours (``by`` host in the
site's own names) or local (content filters, loopback re-injection). Within that run it is the
lowest (oldest) hop with authentication evidence. Its ``auth_user``, ``tls_version`` and
``security`` are the user's submission posture.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

from parsers.received import ReceivedHop, parse_received
from pipeline.ingest.mailbox.headers import MailMessage
from pipeline.lake.rows import messages_row, received_hops_row

Row = dict[str, object]


@dataclass(frozen=True, slots=True)
class OwnServers:
    """The site's own host names and domains: ``mx.example.org`` or ``example.org`` (any host in it)."""

    names: frozenset[str] = frozenset()

    @classmethod
    def of(cls, names: Iterable[str]) -> OwnServers:
        return cls(frozenset(n.strip().rstrip(".").lower() for n in names if n.strip(". ")))

    def match(self, host: str | None) -> bool:
        if not host or not self.names:
            return False
        return _is_own(self.names, host)


@lru_cache(maxsize=4096)  # a site's few hosts come back in every message
def _is_own(names: frozenset[str], host: str) -> bool:
    host = host.rstrip(".").lower()
    if host in names:
        return True
    parts = host.split(".")
    return any(".".join(parts[i:]) in names for i in range(1, len(parts)))


def message_key(source_file: str, offset: int) -> str:
    """Stable id of a message: the same file and offset give the same key on every run."""
    return hashlib.blake2b(
        f"{source_file}\0{offset}".encode("utf-8", "surrogatepass"), digest_size=16
    ).hexdigest()


def message_rows(message: MailMessage, own: OwnServers) -> tuple[Row, list[Row]]:
    """The ``messages`` row and the ``received_hops`` rows (hop 0 = top, newest) of one message."""
    key = message_key(message.source_file, message.offset)
    hops = [parse_received(value) for value in message.received_values()]
    row = messages_row(
        message_key=key,
        source_file=message.source_file,
        offset=message.offset,
        message_id=message.message_id(),
        header_from=message.header_from(),
        header_date_at=message.date(),
        hop_count=len(hops),
    )
    return row, [
        hop_row(hop, key, index, len(hops), own, message.source_file)
        for index, hop in enumerate(hops)
    ]


def hop_row(
    hop: ReceivedHop, key: str, index: int, count: int, own: OwnServers, source_file: str
) -> Row:
    return received_hops_row(
        message_key=key,
        hop_index=index,
        hop_count=count,
        received_at=hop.received_at,
        from_helo=hop.from_helo,
        from_rdns=hop.from_rdns,
        from_ip=hop.from_ip,
        by_host=hop.by_host,
        with_protocol=hop.with_protocol,
        with_raw=hop.with_raw,
        tls=hop.tls,
        tls_version=hop.tls_version,
        tls_version_source=hop.tls_version_source,
        tls_cipher=hop.tls_cipher,
        tls_bits=hop.tls_bits,
        authenticated=hop.authenticated,
        auth_user=hop.auth_user,
        is_local=hop.is_local,
        is_own_server=own.match(hop.by_host),
        security=hop.security,
        dialect=hop.dialect,
        parse_ok=hop.parse_ok,
        raw=hop.raw,
        source_file=source_file,
    )


def submission_hop_index(hops: Sequence[Mapping[str, object]]) -> int | None:
    """Index of the submission hop among a message's hop rows (top first), or None.

    Walks the trusted run from the top (own or local hops) and returns the lowest authenticated
    own hop in it; a hop claiming to be ours below a foreign hop is ignored.
    """
    found: int | None = None
    for index, hop in enumerate(hops):
        if hop.get("is_own_server"):
            if hop.get("authenticated") is True:
                found = index
        elif not hop.get("is_local"):
            break
    return found
