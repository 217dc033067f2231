"""The ``(using TLSv1.3 with cipher … (256/256 bits))`` family and Postfix's other comments.

Postfix writes it (with ``smtpd_tls_received_header = yes``), and so do Dovecot LMTP/submission,
Kerio Connect (one bit count), Stalwart (rustls names, no bits) and newer Apache James.
"""

from __future__ import annotations

import re

from parsers.received.detail import (
    DetailDialect,
    HeaderExample,
    auth_user,
    tls_only,
    version_cipher_bits,
)

USING = DetailDialect(
    key="using",
    writers="Postfix, Dovecot LMTP/submission, Kerio Connect, Stalwart, Apache James, Strato RZmta",
    where=("comment",),
    contains="using ",
    pattern=re.compile(
        r"^using\s(?P<ver>[A-Za-z0-9._/-]{1,16})\swith\scipher\s(?P<cipher>[A-Za-z0-9_-]{1,64})"
        r"(?:\s\((?P<bits>\d{1,5})(?:/\d{1,5})?\sbits\))?"
    ),
    read=version_cipher_bits,
    examples=(
        HeaderExample(
            "from mail-qv1-xf31.google.com (mail-qv1-xf31.google.com [IPv6:2607:f8b0:4864:20::f31])\n"
            "\t(using TLSv1.3 with cipher TLS_AES_128_GCM_SHA256 (128/128 bits)\n"
            "\t key-exchange X25519 server-signature RSA-PSS (2048 bits) server-digest SHA256)\n"
            "\t(No client certificate requested)\n"
            "\tby mx.domain.tld (Postfix) with ESMTPS id 955141FBFE\n"
            "\tfor <user@domain.tld>; Sun, 12 Mar 2023 23:49:04 +0100 (CET)",
            {
                "tls": True,
                "tls_version": "TLSv1.3",
                "tls_version_source": "logged",
                "tls_cipher": "TLS_AES_128_GCM_SHA256",
                "tls_bits": 128,
                "from_ip": "2607:f8b0:4864:20::f31",
                "with_protocol": "ESMTPS",
                "authenticated": False,
                "security": "modern_tls",
            },
            "corpus spamassassin t/data/txrep/6 (Postfix)",
        ),
        HeaderExample(
            "from [192.168.4.253] (60-241-138-146.static.tpgi.com.au [60.241.138.146])\n"
            "\t(using TLSv1 with cipher AES128-SHA (128/128 bits))\n"
            "\t(No client certificate requested)\n"
            "\t(Authenticated sender: mikel)\n"
            "\tby mx1.test.lindsaar.net.au (Postfix) with ESMTPSA id 5C0186DD4CD\n"
            "\tfor <raasdnil@gmail.com>; Fri, 30 Oct 2009 19:11:08 +1100 (EST)",
            {
                "tls": True,
                "tls_version": "TLSv1.0",
                "tls_cipher": "AES128-SHA",
                "tls_bits": 128,
                "authenticated": True,
                "auth_user": "mikel",
                "from_ip": "60.241.138.146",
                "from_helo": "[192.168.4.253]",
                "security": "legacy_tls",
            },
            "corpus ruby-mail japanese_attachment_long_name.eml (Postfix, legacy-TLS submission)",
        ),
        HeaderExample(
            "from dovecot-director2.suse.de ([192.168.254.65]) (using TLSv1.3 with cipher\n"
            " TLS_AES_256_GCM_SHA384 (256/256 bits)) by imap2.suse-dmz.suse.de with LMTPS id\n"
            " MAuAOlBCBWJuPQAAMHmgww (envelope-from <a@b.example>) for <mwilck>; Thu, 10 Feb 2022 16:43:40 +0000",
            {
                "tls": True,
                "tls_version": "TLSv1.3",
                "tls_bits": 256,
                "with_protocol": "LMTPS",
                "from_ip": "192.168.254.65",
                "by_host": "imap2.suse-dmz.suse.de",
            },
            "research received-formats §5.10 (Dovecot LMTP, archive)",
        ),
        HeaderExample(
            "from protopia.fink.org ([79.134.238.50])\n"
            "        (authenticated user list@fink.org)\n"
            "        by mail.fink.org (Kerio Connect 9.2.12 patch 1) with ESMTPSA\n"
            "        (using TLSv1.2 with cipher ECDHE-RSA-AES256-GCM-SHA384 (256 bits));\n"
            "        Mon, 8 Jun 2020 08:13:31 +0200",
            {
                "tls": True,
                "tls_version": "TLSv1.2",
                "tls_bits": 256,
                "authenticated": True,
                "auth_user": "list@fink.org",
                "tls_cipher": "ECDHE-RSA-AES256-GCM-SHA384",
            },
            "research received-formats §5.18 (Kerio Connect, archive)",
        ),
        HeaderExample(
            "from mail-ed1-x532.google.com (mail-ed1-x532.google.com\n [2a00:1450:4864:20::532])\n"
            " (using TLSv1.3 with cipher TLS13_AES_256_GCM_SHA384) by mail.stalw.art\n"
            " (Stalwart SMTP) with ESMTPS id 2C1016A48C03010; Tue, 5 Sep 2023 08:50:41 +0000",
            {
                "tls": True,
                "tls_version": "TLSv1.3",
                "tls_cipher": "TLS13_AES_256_GCM_SHA384",
                "tls_bits": None,
                "from_ip": "2a00:1450:4864:20::532",
                "by_host": "mail.stalw.art",
            },
            "research received-formats §5.11 (Stalwart, stalwartlabs/stalwart issue #762)",
        ),
    ),
    not_examples=(
        "from a (b [192.0.2.1]) (using a proxy) by c with ESMTP id 1; Mon, 1 Jan 2024 00:00:00 +0000",
    ),
)

CLIENT_CERT = DetailDialect(
    key="postfix.client_cert",
    writers="Postfix (only in TLS sessions)",
    where=("comment",),
    contains="client",
    pattern=re.compile(
        r"^(?:Client CN |Client RPK |No client certificate requested$|Client did not present a certificate$)"
    ),
    read=tls_only,
    examples=(
        HeaderExample(
            "from mx1.freebsd.org (mx1.freebsd.org [96.47.72.80])\n"
            '\t(Client CN "mx1.freebsd.org", Issuer "Let\'s Encrypt Authority X3" (verified OK))\n'
            "\tby mx2.freebsd.org (Postfix) with ESMTPS id 515996EBC0;\n"
            "\tMon,  7 Sep 2020 15:43:40 +0000 (UTC)\n"
            "\t(envelope-from owner-freebsd-test@freebsd.org)",
            {"tls": True, "tls_version": None, "security": "tls_unknown", "from_ip": "96.47.72.80"},
            "corpus rspamd arcbad.eml (Postfix; using-comment removed to show this one alone)",
        ),
    ),
)

AUTHENTICATED_SENDER = DetailDialect(
    key="postfix.authenticated_sender",
    writers="Postfix (smtpd_sasl_authenticated_header = yes), also renamed mail_name builds",
    where=("comment",),
    contains="authenticated sender:",
    pattern=re.compile(r"^Authenticated sender:\s?(?P<user>[^\s()]{1,320})", re.IGNORECASE),
    read=auth_user,
    examples=(
        HeaderExample(
            "from localhost (localhost [127.0.0.1])\n\t(Authenticated sender: alice@example.org)\n"
            "\tby mail.example.org (Postfix) with ESMTPA id 3B2C41A0;\n\tWed, 1 Mar 2023 10:00:00 +0000 (UTC)",
            {
                "authenticated": True,
                "auth_user": "alice@example.org",
                "tls": False,
                "is_local": True,
                "security": "cleartext",
            },
            "Postfix smtpd.c template (webmail submitting on loopback)",
        ),
    ),
)

KERIO_AUTH = DetailDialect(
    key="kerio.authenticated_user",
    writers="Kerio Connect, SquirrelMail ('(SquirrelMail authenticated user NAME)')",
    where=("comment",),
    contains="authenticated user",
    pattern=re.compile(
        r"^(?:[A-Za-z]{1,32}\s)?authenticated user (?P<user>[^\s()]{1,320})$", re.IGNORECASE
    ),
    read=auth_user,
    examples=(
        HeaderExample(
            "from protopia.fink.org ([79.134.238.50])\n        (authenticated user list@fink.org)\n"
            "        by mail.fink.org (Kerio Connect 9.4.2) with ESMTPA;\n        Mon, 8 Jun 2020 08:13:31 +0200",
            {
                "authenticated": True,
                "auth_user": "list@fink.org",
                "tls": False,
                "security": "cleartext",
            },
            "research received-formats §5.18 (Kerio non-TLS form)",
        ),
        HeaderExample(
            "from 144.137.3.98\n        (SquirrelMail authenticated user jmmail)\n        by jmason.org with HTTP;\n"
            "        Thu, 6 Dec 2001 09:21:06 -0000 (GMT)",
            {"authenticated": True, "auth_user": "jmmail", "tls": None, "from_ip": "144.137.3.98"},
            "corpus spamassassin t/data/nice/002 (SquirrelMail webmail)",
        ),
    ),
)

DIALECTS: tuple[DetailDialect, ...] = (USING, CLIENT_CERT, AUTHENTICATED_SENDER, KERIO_AUTH)
