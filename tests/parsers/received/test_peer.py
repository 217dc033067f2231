"""Issue 16, defect 13: the peer of a hop is the address the receiving server saw, never the
client's HELO argument; a cipher in a comment after the envelope sender is the hop's cipher.

Real fields (sources in tests/data/SOURCES.md, "Received fields quoted in tests"): Exim at
igalia.com and infradead.org as written; on the form seen, with the HELO argument changed to a
literal as in the issue: Exim's ``(port=N helo=…)`` (SpamAssassin corpus) and qmail's
``from unknown (HELO …)`` without an address comment (a p01ev.mail.s-web.de field of the
shared corpus); qmail with its address comment; Haraka 2.8.25 as written.
"""

from __future__ import annotations

import pytest

from parsers.received import parse_received

EXIM_HELO_LITERAL = (
    "from [187.116.122.196] (helo=[192.168.1.60])\n        by fanzine2.igalia.com with esmtpsa \n"
    "        (Cipher TLS1.3:ECDHE_X25519__RSA_PSS_RSAE_SHA256__AES_128_GCM:128) (Exim)\n"
    "        id 1qhrnE-005OUw-1n; Sun, 17 Sep 2023 15:26:32 +0200"
)
EXIM_LOCALHOST_HELO = (
    "from [31.94.24.214] (helo=[127.0.0.1])\n\tby desiato.infradead.org with esmtpsa"
    " (Exim 4.98 #2 (Red Hat Linux))\n\tid 1t40C6-00000008iBu-12hz;\n\tThu, 24 Oct 2024 15:56:14"
    " +0000"
)
EXIM_PORT = (
    "from [62.154.243.206] (port=43814 helo=[192.168.10.5]) by x.example with esmtp"
    " id 1; Sun, 17 Sep 2023 15:26:32 +0200"
)
QMAIL_HELO_ONLY = (
    "from unknown (HELO 203.0.113.4) by p01ev.mail.s-web.de with ESMTP; 02 Sep 2023 04:24:06 +0200"
)
QMAIL_HELO_AND_ADDRESS = (
    "from unknown (HELO aprilia.amazon.com) (207.171.190.156)\n  by x.example with SMTP;"
    " 02 Sep 2023 04:24:06 +0200"
)
HARAKA = (
    "from alba-tpi (93.red-88-10-245.dynamicip.rima-tde.net\n [88.10.245.93]) by apollo.alba.sh"
    " (Haraka/2.8.25) with ESMTPSA id\n 8E30EE2E-AD6C-4250-8F10-1730CA3326DA.1\n envelope-from"
    " <me@alba.sh> (authenticated bits=0)\n (cipher=TLS_AES_256_GCM_SHA384); Sat, 28 Mar 2020"
    " 17:57:19 +0000"
)


@pytest.mark.parametrize(
    ("value", "peer", "helo"),
    [
        (EXIM_HELO_LITERAL, "187.116.122.196", "[192.168.1.60]"),
        (EXIM_LOCALHOST_HELO, "31.94.24.214", "[127.0.0.1]"),
        (EXIM_PORT, "62.154.243.206", "[192.168.10.5]"),
        (QMAIL_HELO_ONLY, None, "203.0.113.4"),
        (QMAIL_HELO_AND_ADDRESS, "207.171.190.156", "aprilia.amazon.com"),
    ],
)
def test_the_peer_is_never_the_helo(value: str, peer: str | None, helo: str) -> None:
    hop = parse_received(value)
    assert (hop.from_ip, hop.from_helo) == (peer, helo)


def test_a_peer_from_localhost_helo_is_not_a_local_hop() -> None:
    assert parse_received(EXIM_LOCALHOST_HELO).is_local is False


def test_a_cipher_after_the_envelope_sender_is_the_hops_cipher() -> None:
    hop = parse_received(HARAKA)
    assert (hop.tls, hop.tls_cipher, hop.tls_version, hop.tls_version_source) == (
        True,
        "TLS_AES_256_GCM_SHA384",
        "TLSv1.3",
        "inferred",
    )
    assert hop.security == "modern_tls"
    assert hop.authenticated is True
