"""The from-part: the HELO name, the reverse-DNS name and the client address of a hop.

Every MTA puts the TCP information in the first comments after ``from``: Postfix ``(rdns [ip])``,
Exim ``([ip]:port helo=name)``, qmail ``(HELO name) (ip)``, Exchange ``(ip)`` without brackets,
Courier ``[::ffff:1.2.3.4]``, MDaemon ``[(ip)]``. The peer is the address the receiving server
saw, never the HELO argument: Exim's ``from [ip] (helo=[other])`` and ``(port=N helo=[other])``
name the peer in the from-word; qmail's ``from unknown (HELO 203.0.113.4)`` with no address
comment has no peer address (null). Addresses are validated with :mod:`ipaddress`
and written canonically (``IPv6:`` tag and zone dropped, IPv4-mapped IPv6 as IPv4).
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from functools import lru_cache

from parsers.received.clauses import Clause

_BRACKETED = re.compile(
    r"(?:(?P<rdns>[^\s\[\]()]{1,253})\s+)?\[(?P<ip>[^\]\s]{2,64})\](?::(?P<port>\d{1,5}))?"
)
_HELO = re.compile(r"(?:\b(?:HELO|EHLO|LHLO)\s+|\bhelo=)(?P<helo>[^\s)]{1,253})", re.IGNORECASE)
_BARE_IP = re.compile(r"^(?:[^\s@]{1,253}@)?\[?\(?(?P<ip>[0-9A-Fa-f:.]{2,51}(?:%\w{1,16})?)\)?\]?$")
_LOGIN_IP = re.compile(r"@(?P<ip>\d{1,3}(?:\.\d{1,3}){3}) with [A-Za-z0-9-]{2,16}$")
_PORT_SUFFIX = re.compile(r"\]:\d{1,5}$")  # qmail-style "[1.2.3.4]:2780"
_IPV4_PORT = re.compile(r"^(\d{1,3}(?:\.\d{1,3}){3})[.:]\d{1,5}$")
_LEADING_IPV4 = re.compile(r"^(\d{1,3}(?:\.\d{1,3}){3})[,\s]")  # smap "(208.14.208.51, HELO x)"
_OCTET = r"(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])"
_DOTTED_QUAD = re.compile(rf"{_OCTET}(?:\.{_OCTET}){{3}}")
_NO_NAME = frozenset({"unknown", "softdnserr", "may be forged"})


@dataclass(frozen=True, slots=True)
class FromPart:
    helo: str | None = None
    rdns: str | None = None
    ip: str | None = None
    port: int | None = None


@lru_cache(maxsize=4096)  # the same relays and words come back hop after hop
def canonical_ip(text: str) -> str | None:
    """``[IPv6:2001:DB8::1]`` → ``2001:db8::1``; ``::ffff:1.2.3.4`` → ``1.2.3.4``; else None."""
    if _DOTTED_QUAD.fullmatch(text):  # already canonical: what ipaddress would return
        return text
    candidate = _PORT_SUFFIX.sub("", text).strip("[]() ")
    if candidate[:5].lower() == "ipv6:":
        candidate = candidate[5:]
    if found := _IPV4_PORT.match(
        candidate
    ):  # "1.2.3.4:25" (ecelerity, XMail), "1.2.3.4.25" (old Exim)
        candidate = found.group(1)
    candidate = candidate.partition("%")[0]
    if not candidate or len(candidate) > 45:
        return None
    try:
        address = ipaddress.ip_address(candidate)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return str(address.ipv4_mapped)
    return str(address)


def is_loopback(ip: str | None) -> bool:
    return ip is not None and _loopback(ip)


@lru_cache(maxsize=4096)
def _loopback(ip: str) -> bool:
    return ipaddress.ip_address(ip).is_loopback


def _name(text: str | None) -> str | None:
    if not text or text.lower() in _NO_NAME:
        return None
    return text.rstrip(".") or None


def parse_from(clause: Clause | None) -> FromPart:
    if clause is None:
        return FromPart()
    return _from_part(clause.words[:4], clause.comments[:4])


@lru_cache(maxsize=4096)  # relays repeat from message to message
def _from_part(words: tuple[str, ...], comments: tuple[str, ...]) -> FromPart:
    word = words[0] if words else None
    helo = rdns = ip = None
    port: int | None = None
    for comment in comments:
        if helo is None and _may_name_helo(comment) and (found := _HELO.search(comment)):
            helo = found.group("helo")
        if ip is None:
            ip, rdns, port = _tcp_info(comment)
    if ip is None:
        for extra in words[1:4]:
            ip = canonical_ip(extra)
            if ip is not None:
                break
    if ip is None and word is not None:
        ip = canonical_ip(word)  # Exim/qmail put the bare address there when rDNS failed
    if helo is None:
        helo = word
    elif word is not None and rdns is None and canonical_ip(word) is None:
        rdns = _name(word)  # Exim "from rdns ([ip] helo=…)", qmail "from unknown (HELO …)"
    return FromPart(helo, rdns, ip, port)


def _may_name_helo(comment: str) -> bool:
    """The literals every ``_HELO`` match holds (its letters have no special case folds)."""
    lowered = comment.lower()
    return "helo" in lowered or "ehlo" in lowered or "lhlo" in lowered


def _tcp_info(comment: str) -> tuple[str | None, str | None, int | None]:
    """The address the receiving server saw, from one comment; never the client's HELO
    argument (Exim ``([192.0.2.10] helo=[10.1.1.5])``, qmail ``(HELO 203.0.113.4)``)."""
    if _may_name_helo(comment):
        comment = _HELO.sub(" ", comment).strip()
        if not comment:
            return None, None, None
    if "[" in comment:
        for found in _BRACKETED.finditer(comment):
            ip = canonical_ip(found.group("ip"))
            if ip is not None:
                port = found.group("port")
                return ip, _name(found.group("rdns")), int(port) if port else None
    for find in (_BARE_IP.match, _LOGIN_IP.search, _LEADING_IPV4.match):  # ^-anchored: match
        other = find(comment)
        if other is not None and (ip := canonical_ip(other.group(1))):
            return ip, None, None
    last = comment.rpartition(" ")[2]  # Facebook "(opaque-token 2401:db00:…)"
    return canonical_ip(last), None, None
