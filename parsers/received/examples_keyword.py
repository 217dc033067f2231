"""Real headers whose TLS and authentication come from the ``with`` keyword alone, and local or
loopback hops. Checked by the same self-check as the dialects (no dialect must fire)."""

from __future__ import annotations

from parsers.received.detail import HeaderExample

KEYWORD_EXAMPLES: tuple[HeaderExample, ...] = (
    HeaderExample(
        "from au-mta-51.au.mimecast.lan (103.13.69.22) by\n BN7NAM10FT021.mail.protection.outlook.com (10.13.157.29)"
        " with Microsoft SMTP\n Server id 15.20.6745.21 via Frontend Transport; Thu, 31 Aug 2023 10:06:13\n +0000",
        {
            "tls": False,
            "security": "cleartext",
            "with_protocol": "MICROSOFT SMTP SERVER",
            "from_ip": "103.13.69.22",
            "via": "Frontend Transport",
        },
        "corpus parsedmarc aggregate/mimecast-weird-gzip.eml (Exchange without a TLS marker: cleartext)",
    ),
    HeaderExample(
        "from [IPV6:2603:7000:73c:c800:b4b0:7f91:4ad9:4ee] by auristor.com (IPv6:2001:470:1f07:f77:28d9:68fb:855d:c2a5)"
        " (MDaemon PRO v23.5.1)\n\twith ESMTPSA id md5001003764615.msg; Wed, 20 Dec 2023 08:35:58 -0500",
        {
            "tls": True,
            "tls_version": None,
            "authenticated": True,
            "security": "tls_unknown",
            "from_ip": "2603:7000:73c:c800:b4b0:7f91:4ad9:4ee",
            "by_host": "auristor.com",
            "by_software": "MDaemon PRO v23.5.1",
        },
        "research received-formats §5.17 (MDaemon, archive)",
    ),
    HeaderExample(
        "from mail.example.net (unknown [198.51.100.9])\n\tby MAILSRV01 with ESMTPS\n"
        "\t(version=TLSv1.2 cipher=ECDHE-RSA-AES256-GCM-SHA384 bits=256)\n\t; Thu, 7 Mar 2024 09:12:44 +0100",
        {
            "tls": True,
            "tls_version": "TLSv1.2",
            "by_host": "MAILSRV01",
            "from_rdns": None,
            "from_ip": "198.51.100.9",
        },
        "hMailServer SMTPMessageHeaderCreator.cpp template (research received-formats §5.21)",
    ),
    HeaderExample(
        "from mail.ietf.org ([4.31.198.44]) by localhost (ietfa.amsl.com [127.0.0.1])\n"
        " (amavisd-new, port 10024) with ESMTP id k8UsBTUjeiTe for <cfrg@ietfa.amsl.com>;\n"
        " Wed, 15 Jan 2020 11:10:07 -0800 (PST)",
        {
            "is_local": True,
            "tls": False,
            "by_host": "localhost",
            "by_software": "amavisd-new, port 10024",
        },
        "corpus rspamd received5.eml (amavisd-new content filter hop)",
    ),
    HeaderExample(
        "from localhost (localhost [127.0.0.1]) by ietfa.amsl.com (Postfix) with ESMTP id 2D7B3120E1C;"
        " Wed, 15 Jan 2020 11:10:07 -0800 (PST)",
        {"is_local": True, "from_ip": "127.0.0.1", "tls": False, "security": "cleartext"},
        "corpus rspamd received5.eml (re-injection after the content filter)",
    ),
    HeaderExample(
        "by mail.example.org (Postfix, from userid 1000)\n\tid 4F2A51C0; Sat, 2 Mar 2024 18:00:00 +0100 (CET)",
        {
            "is_local": True,
            "from_helo": None,
            "tls": None,
            "security": "unknown",
            "by_host": "mail.example.org",
        },
        "Postfix pickup.c template (local sendmail submission)",
    ),
    HeaderExample(
        "from [192.168.1.20] ([192.168.1.20]) by imap.example.org with ESMTPSA id 2CBdAx0kBmaPHgAA0J78UA\n"
        "\t(envelope-from <dave@example.org>)\n\tfor <erin@example.net>; Fri, 29 Mar 2024 02:31:25 +0000",
        {"tls": True, "authenticated": True, "from_ip": "192.168.1.20", "security": "tls_unknown"},
        "Dovecot submission smtp-server-transaction.c template (no TLS comment)",
    ),
    HeaderExample(
        "from mail-yw1-f170.google.com (mail-yw1-f170.google.com. [209.85.128.170]) by mx.google.com"
        " with UTF8SMTPS id a1-20020a0dc201000000b005d1f9e3b8d1si1234567ywd.55.2024.01.01.00.00.00"
        " for <x@example.com>; Mon, 01 Jan 2024 00:00:00 -0800 (PST)",
        {
            "tls": True,
            "authenticated": False,
            "with_protocol": "UTF8SMTPS",
            "from_rdns": "mail-yw1-f170.google.com",
        },
        "rspamd/rspamd issue #4919 (Gmail UTF8SMTPS)",
    ),
    HeaderExample(
        "from [212.87.144.30] (account seiz [212.87.144.30] verified) by x.imd.net (CommuniGate Pro SMTP 4.0.3)"
        " with ESMTP-TLS id 5026665 for spamassassin-talk@lists.sourceforge.net; Wed, 15 Jan 2003 16:27:05 +0100",
        {"tls": True, "authenticated": True, "auth_user": "seiz", "from_ip": "212.87.144.30"},
        "corpus stalwart received.json entry 113 (CommuniGate Pro)",
    ),
    HeaderExample(
        "from root (helo=localhost) by mail.example.org with local-esmtps (Exim 4.96)"
        " id 1rZ0aB-000123-4X for ops@example.org; Tue, 13 Feb 2024 08:00:00 +0000",
        {
            "is_local": True,
            "tls": True,
            "with_protocol": "LOCAL-ESMTPS",
            "by_software": "Exim 4.96",
        },
        "Exim smtp_in.c protocols_local[] (local -bs injection)",
    ),
    HeaderExample(
        "from client.example.net ([198.51.100.3]:51234 helo=laptop) by mail.example.org with essmtpa"
        " (Exim 4.96) (envelope-from <f@example.org>) id 1rZ0aB-000124-5Y; Tue, 13 Feb 2024 08:00:00 +0000",
        {
            "tls": True,
            "authenticated": True,
            "from_helo": "laptop",
            "from_rdns": "client.example.net",
            "from_port": 51234,
            "from_ip": "198.51.100.3",
        },
        "Exim smtp_in.c protocols[] (tls_on_connect, authenticated)",
    ),
)
