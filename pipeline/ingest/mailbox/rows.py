"""One message → its ``messages`` row and its ``received_hops`` rows (pure; schema.py's columns).

The **submission hop** is where a user's own client handed the message to us. Every field below
the last one our servers wrote was written by someone else and may be forged, so it is looked
for only in the chain of custody: from the top (hop 0), the hops ``by`` one of our servers
(``is_own_server``: the site's own names, or localhost) while each hop's ``from`` was one of
ours too (``is_from_own``: a loopback or internal-network address, or a local transport that
logs none); the first hop whose ``from`` leaves our servers ends the run, and is the last hop
in it. The submission hop is the lowest authenticated hop in the run. Its ``auth_user``,
``tls_version`` and ``security`` are the user's submission posture.
marts/20_submission_hops.sql applies the same rule to the lake's rows.
"""

from __future__ import annotations

import hashlib
import ipaddress
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

from parsers.received import ReceivedHop, parse_received
from parsers.received.addresses import is_loopback
from pipeline.config import IpNetwork
from pipeline.ingest.mailbox.headers import MailMessage
from pipeline.lake.rows import messages_row, received_hops_row

Row = dict[str, object]


LOCALHOST_NAMES = frozenset({"localhost", "localhost.localdomain"})


@dataclass(frozen=True, slots=True)
class OwnServers:
    """The site's own host names and domains (``mx.example.org`` or ``example.org``: any host in
    it) and internal networks (the addresses our servers hand mail to each other from)."""

    names: frozenset[str] = frozenset()
    networks: tuple[IpNetwork, ...] = ()

    @classmethod
    def of(cls, names: Iterable[str], networks: Iterable[IpNetwork] = ()) -> OwnServers:
        own = frozenset(n.strip().rstrip(".").lower() for n in names if n.strip(". "))
        return cls(own, tuple(networks))

    def match(self, host: str | None) -> bool:
        if not host or not self.names:
            return False
        return _is_own(self.names, host)

    def wrote(self, hop: ReceivedHop) -> bool:
        """Whether ``hop`` is ``by`` one of our servers (localhost is always ours)."""
        host = (hop.by_host or "").rstrip(".").lower()
        return host in LOCALHOST_NAMES or self.match(host)

    def sent(self, hop: ReceivedHop) -> bool:
        """Whether the ``from`` of ``hop`` is one of ours: the address our server logged is a
        loopback or internal one; without an address (a local transport: LMTP over a socket,
        pickup), the hop's own local marks or an own HELO name. With an address, nothing the
        client chose (its HELO, which may read ``(invoked by uid 0)``) counts."""
        if hop.from_ip:
            try:
                return is_loopback(hop.from_ip) or self._internal(hop.from_ip)
            except ValueError:  # not an address after all: not one of ours
                return False
        return hop.is_local or self.match(hop.from_helo)

    def _internal(self, ip: str) -> bool:
        try:
            address = ipaddress.ip_address(ip.split("%", 1)[0])
        except ValueError:
            return False
        return any(address in net for net in self.networks)


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
        is_own_server=own.wrote(hop),
        is_from_own=own.sent(hop),
        security=hop.security,
        dialect=hop.dialect,
        parse_ok=hop.parse_ok,
        raw=hop.raw,
        source_file=source_file,
    )


def submission_hop_index(hops: Sequence[Mapping[str, object]]) -> int | None:
    """Index of the submission hop among a message's hop rows (top first), or None: the lowest
    authenticated hop of the chain of custody (see the module's text)."""
    found: int | None = None
    for index, hop in enumerate(hops):
        if not hop.get("is_own_server"):
            break
        if hop.get("authenticated") is True:
            found = index
        if not hop.get("is_from_own"):
            break
    return found
