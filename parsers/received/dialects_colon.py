"""Exim's ``(VERSION:CIPHER:BITS)`` and ``(TLS1.3) tls CIPHER`` forms, the RFC 8314 ``tls``
clause, and OpenSMTPD's ``(VERSION:CIPHER:BITS:YES|NO) auth=yes user=…``.

Exim built with GnuTLS before 4.80 printed the key size in bytes (``:32`` for AES-256, ``:24``
for 3DES): no cipher in use has fewer than 40 bits, so a count below 40 is bytes.
"""

from __future__ import annotations

import re

from parsers.received.detail import (
    Detail,
    DetailDialect,
    HeaderExample,
    auth_user,
    bits_of,
    version_cipher_bits,
)

_VERSION = r"(?P<ver>(?:TLS|SSL)[v-]?\d(?:[._]\d)?)"


def _exim_bits(found: re.Match[str]) -> Detail:
    detail = version_cipher_bits(found)
    bits = bits_of(found.group("bits"))
    if bits is not None and bits < 40:
        bits *= 8
    return Detail(True, detail.version_raw, detail.cipher, bits)


OPENSMTPD = DetailDialect(
    key="opensmtpd.colon",
    writers="OpenSMTPD (comment after the id, client-certificate YES/NO last)",
    where=("comment",),
    contains=":",
    pattern=re.compile(
        rf"^{_VERSION}:(?P<cipher>[A-Za-z0-9_-]{{1,64}}):(?P<bits>\d{{1,5}}):(?:YES|NO)$"
    ),
    read=version_cipher_bits,
    examples=(
        HeaderExample(
            "from laptop (host.example.net [198.51.100.7])\n"
            "\tby mail.example.org (OpenSMTPD) with ESMTPSA id 5db34e0d (TLSv1.3:TLS_AES_256_GCM_SHA384:256:NO)"
            " auth=yes user=alice\n\tfor <bob@example.net>;\n\tMon, 4 Mar 2024 10:11:12 +0100 (CET)",
            {
                "tls": True,
                "tls_version": "TLSv1.3",
                "tls_cipher": "TLS_AES_256_GCM_SHA384",
                "tls_bits": 256,
                "authenticated": True,
                "auth_user": "alice",
                "from_ip": "198.51.100.7",
            },
            "OpenSMTPD smtp_session.c template (research received-formats §5.4)",
        ),
    ),
)

OPENSMTPD_AUTH = DetailDialect(
    key="opensmtpd.auth",
    writers="OpenSMTPD (listener option received-auth)",
    where=("words",),
    contains="auth=yes",
    pattern=re.compile(r"(?:^|\s)auth=yes(?:\suser=(?P<user>[^\s;]{1,320}))?"),
    read=auth_user,
    examples=(
        HeaderExample(
            "from laptop (host.example.net [198.51.100.7]) by mail.example.org (OpenSMTPD) with ESMTPA"
            " id 0c0e1f2a auth=yes user=bob; Mon, 4 Mar 2024 10:11:12 +0100",
            {"authenticated": True, "auth_user": "bob", "tls": False},
            "OpenSMTPD smtp_session.c template, cleartext form",
        ),
    ),
    not_examples=(
        "from a (b [192.0.2.1]) by c (OpenSMTPD) with ESMTP id 1 auth=no; Mon, 4 Mar 2024 10:11:12 +0100",
    ),
)

EXIM_COLON = DetailDialect(
    key="exim.colon",
    writers="Exim <= 4.92 default ($tls_cipher: OpenSSL or GnuTLS names), Exim 3 'Cipher', custom 'tls_cipher'",
    where=("comment",),
    contains=":",
    pattern=re.compile(
        rf"^(?:(?:Cipher|tls_cipher)\s)?{_VERSION}:(?P<cipher>[A-Za-z0-9_-]{{1,64}}):(?P<bits>\d{{1,5}})(?!:(?:YES|NO)$)(?::[A-Za-z0-9_-]{{1,32}})?$"
    ),
    read=_exim_bits,
    examples=(
        HeaderExample(
            "from relay-twl-01.twlnet.com ([87.106.127.28]:58922)\n"
            "\tby mail.twlnet.com with esmtps (TLSv1.2:DHE-RSA-AES256-GCM-SHA384:256)\n"
            "\t(Exim 4.82_1-5b7a7c0-XX)\n\t(envelope-from <noreply-dmarc-support@google.com>)\n"
            "\tid 1gt8kN-0003AY-1B\n\tfor dmarc.reports@twlnet.com; Mon, 11 Feb 2019 11:23:31 +0100",
            {
                "tls": True,
                "tls_version": "TLSv1.2",
                "tls_cipher": "DHE-RSA-AES256-GCM-SHA384",
                "tls_bits": 256,
                "with_protocol": "ESMTPS",
                "from_ip": "87.106.127.28",
                "by_host": "mail.twlnet.com",
            },
            "corpus parsedmarc aggregate/twilight.eml (Exim, OpenSSL)",
        ),
        HeaderExample(
            "from mailf-cd.linkedin.com ([108.174.6.228])\n"
            "\tby example.uriports.com with esmtps (TLS1.2:ECDHE_RSA_AES_256_GCM_SHA384:256)\n"
            "\t(MTA 2.20)\n\t(envelope-from <dmarc-noreply@linkedin.com>)\n\tid 1hLICq-00001z-JU\n"
            "\tfor dmarc@example.uriports.com; Tue, 30 Apr 2019 02:09:16 +0000",
            {
                "tls": True,
                "tls_version": "TLSv1.2",
                "tls_cipher": "ECDHE_RSA_AES_256_GCM_SHA384",
                "tls_bits": 256,
            },
            "corpus parsedmarc failure/dmarc_ruf_report_linkedin.eml (Exim, GnuTLS)",
        ),
        HeaderExample(
            "from smtp.example.com ([192.0.2.5]) by mx.example.net with esmtp (tls_cipher TLS-1.0:RSA_AES_256_CBC_SHA:32)"
            " (Exim 4.50) id 1Fo2Uh-0003Ax-5Z for x@example.net; Thu, 08 Jun 2006 14:09:05 +0200",
            {
                "tls": True,
                "tls_version": "TLSv1.0",
                "tls_bits": 256,
                "tls_version_source": "logged",
                "security": "legacy_tls",
            },
            "SpamAssassin Received.pm comment (Exim 4.50 + GnuTLS, key size in bytes)",
        ),
        HeaderExample(
            "from mail.example.com ([192.0.2.9]) by mailer.gwdg.de with esmtp (TLSv1:DES-CBC3-SHA:168)"
            " (Exim 4.20) id 1AVKvt-0006u5-00; Mon, 15 Dec 2003 11:12:13 +0100",
            {"tls": True, "tls_version": "TLSv1.0", "tls_bits": 168, "with_protocol": "ESMTP"},
            "corpus spamassassin FORGED_MUA_OUTLOOK/fp15 (esmtp without S although TLS)",
        ),
    ),
)

EXIM_VERSION = DetailDialect(
    key="exim.version",
    writers="Exim >= 4.93 ($tls_in_ver before the tls clause)",
    where=("comment",),
    contains="",
    pattern=re.compile(r"^(?P<ver>TLSv?1(?:[._][0-3])?|SSLv?3)$", re.IGNORECASE),
    read=version_cipher_bits,
    examples=(
        HeaderExample(
            "from sslproxy03.your-server.de ([88.198.220.132])\n"
            "        by www530.your-server.de with esmtpsa  (TLS1.3) tls TLS_AES_256_GCM_SHA384\n"
            "        (Exim 4.94.2)\n        (envelope-from <sean@geanix.com>)\n"
            "        id 1ppp2t-0002Vs-0u; Fri, 21 Apr 2023 13:35:19 +0200",
            {
                "tls": True,
                "tls_version": "TLSv1.3",
                "tls_version_source": "logged",
                "tls_cipher": "TLS_AES_256_GCM_SHA384",
                "authenticated": True,
                "with_protocol": "ESMTPSA",
            },
            "research received-formats §5.2 (Exim 4.94, archive)",
        ),
    ),
)

TLS_CLAUSE = DetailDialect(
    key="rfc8314.tls_clause",
    writers="Exim >= 4.93, Haraka >= 2.8.28 (RFC 8314 §4.3 'tls' clause)",
    where=("tls",),
    contains="",
    pattern=re.compile(r"^(?P<cipher>[A-Za-z0-9_-]{1,64})$"),
    read=version_cipher_bits,
    examples=(
        HeaderExample(
            "from client.example.net (client.example.net [192.0.2.77])\n"
            "\tby mx.example.org (Haraka/3.0.2) with ESMTPS id 5C8F1B2E.1\n"
            "\tenvelope-from <a@example.net>\n\ttls TLS_AES_256_GCM_SHA384;\n\tTue, 02 Jan 2024 10:00:00 +0000",
            {
                "tls": True,
                "tls_version": "TLSv1.3",
                "tls_version_source": "inferred",
                "tls_cipher": "TLS_AES_256_GCM_SHA384",
                "authenticated": False,
            },
            "Haraka connection.js template >= 2.8.28 (research received-formats §5.12)",
        ),
    ),
)

DIALECTS: tuple[DetailDialect, ...] = (
    OPENSMTPD,
    OPENSMTPD_AUTH,
    EXIM_COLON,
    EXIM_VERSION,
    TLS_CLAUSE,
)
