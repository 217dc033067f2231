"""``version=… cipher=…`` comments: Sendmail, Proofpoint, Gmail, hMailServer, old Haraka (space
separated), Exchange / Microsoft 365 and Mimecast (comma separated); Exchange's bare ``(TLS)``,
Google's ``(Google Transport Security)`` and Sendmail/Haraka ``(authenticated bits=0)``; newer
Haraka's lone ``(cipher=…)`` after the envelope sender.

Old Sendmail, Gmail (2009-2011) and Haraka <= 2.8.27 wrote OpenSSL's cipher family
``TLSv1/SSLv3`` in ``version=``: that is not a negotiated version (vocab gives None, the cipher
may still imply one).
"""

from __future__ import annotations

import re

from parsers.received.detail import (
    Detail,
    DetailDialect,
    HeaderExample,
    auth_user,
    tls_only,
    version_cipher_bits,
)

SPACED = DetailDialect(
    key="version_eq",
    writers="Sendmail, Proofpoint PPS, Gmail, hMailServer, Haraka <= 2.8.27, IBM gateways",
    where=("comment",),
    contains="version=",
    pattern=re.compile(
        r"(?:^|\s)version=(?P<ver>[A-Za-z0-9._/-]{1,16})\scipher=(?P<cipher>[A-Za-z0-9_-]{1,64})"
        r"(?:\sbits=(?P<bits>\d{1,5})(?:/\d{1,5})?)?"
    ),
    read=version_cipher_bits,
    examples=(
        HeaderExample(
            "from dmarc1.spamassassin.org (dmarc1.spamassassin.org [64.142.3.173])\n"
            "\tby dmarc1.spamassassin.org (8.14.9/8.14.9) with ESMTP id 13DFe22R006047\n"
            "\t(version=TLSv1/SSLv3 cipher=AES256-GCM-SHA384 bits=256 verify=NO);\n"
            "\tTue, 13 Apr 2021 11:40:02 -0400",
            {
                "tls": True,
                "tls_version": "TLSv1.2",
                "tls_version_source": "inferred",
                "tls_cipher": "AES256-GCM-SHA384",
                "tls_bits": 256,
                "with_protocol": "ESMTP",
            },
            "corpus spamassassin t/data/nice/dmarc/noneok.eml (Sendmail 8.14: ESMTP although TLS)",
        ),
        HeaderExample(
            "from e06smtp10.uk.ibm.com (e06smtp10.uk.ibm.com [195.75.94.106])\n"
            "\tby mx0b-001b2d01.pphosted.com with ESMTP id 292hw54kbu-1\n"
            "\t(version=TLSv1.2 cipher=AES256-SHA bits=256 verify=NOT)\n"
            "\tfor <lina.vailati@dududu.it>; Wed, 08 Mar 2017 11:46:27 -0500",
            {
                "tls": True,
                "tls_version": "TLSv1.2",
                "tls_version_source": "logged",
                "tls_cipher": "AES256-SHA",
                "by_host": "mx0b-001b2d01.pphosted.com",
            },
            "corpus spamscope mail_test_10 (Proofpoint)",
        ),
        HeaderExample(
            "from PC ([2409:4063:231e:c527:1997:664a:34e5:7d88])\n"
            "        by smtp.gmail.com with ESMTPSA id n23sm15339981pgv.76.2021.06.15.02.55.37\n"
            "        for <test@dmarc1.spamassassin.org>\n"
            "        (version=TLS1 cipher=ECDHE-ECDSA-AES128-SHA bits=128/128);\n"
            "        Tue, 15 Jun 2021 02:55:43 -0700 (PDT)",
            {
                "tls": True,
                "tls_version": "TLSv1.0",
                "tls_bits": 128,
                "authenticated": True,
                "security": "legacy_tls",
                "from_ip": "2409:4063:231e:c527:1997:664a:34e5:7d88",
            },
            "corpus spamassassin t/data/spam/dmarc/noneko.eml (Gmail submission over TLS 1.0)",
        ),
        HeaderExample(
            "from rainloop (rainloop [172.16.15.35])\n\tby  (Haraka/2.8.16) with ESMTPSA id"
            " A8FDA3EA-8B48-4D1A-B1E1-27C2D2B70123.1\n\tenvelope-from <quanta42@cantab720.com> (authenticated bits=0)\n"
            "\t(version=TLSv1/SSLv3 cipher=ECDHE-RSA-AES128-GCM-SHA256 verify=FAIL);\n\tTue, 17 Oct 2017 20:47:54 +0100",
            {
                "tls": True,
                "tls_version": "TLSv1.2",
                "tls_version_source": "inferred",
                "by_host": None,
                "authenticated": True,
                "auth_user": None,
            },
            "corpus haraka test/queue/1508269674999… (Haraka 2.8.16, empty by-host)",
        ),
    ),
    not_examples=(
        "from a (b [192.0.2.1]) by c with ESMTP id 1 (version=1.0); Mon, 1 Jan 2024 00:00:00 +0000",
    ),
)

CIPHER_ONLY = DetailDialect(
    key="cipher_eq",
    writers="Haraka >= 2.8.2x (after the envelope sender), Momentum/ecelerity",
    where=("comment",),
    contains="cipher=",
    pattern=re.compile(r"^cipher=(?P<cipher>[A-Za-z0-9_-]{1,64})(?:\s|$)"),
    read=version_cipher_bits,
    examples=(
        HeaderExample(
            "from alba-tpi (93.red-88-10-245.dynamicip.rima-tde.net\n [88.10.245.93]) by"
            " apollo.alba.sh (Haraka/2.8.25) with ESMTPSA id\n"
            " 8E30EE2E-AD6C-4250-8F10-1730CA3326DA.1\n envelope-from <me@alba.sh>"
            " (authenticated bits=0)\n (cipher=TLS_AES_256_GCM_SHA384); Sat, 28 Mar 2020"
            " 17:57:19 +0000",
            {
                "tls": True,
                "tls_version": "TLSv1.3",
                "tls_version_source": "inferred",
                "tls_cipher": "TLS_AES_256_GCM_SHA384",
                "from_ip": "88.10.245.93",
                "authenticated": True,
                "security": "modern_tls",
            },
            "linux-um list message of 2020-03-28 in a public repository (tests/data/SOURCES.md)",
        ),
    ),
    not_examples=(
        "from a (b [192.0.2.1]) by c with ESMTP id 1 (version=TLSv1.2 cipher=AES256-SHA);"
        " Mon, 1 Jan 2024 00:00:00 +0000",
        "from a (b [192.0.2.1]) by c with ESMTP id 1 (ciphers=none); Mon, 1 Jan 2024 00:00:00"
        " +0000",
    ),
)

EXCHANGE = DetailDialect(
    key="exchange.version",
    writers="Exchange 2013+ / Microsoft 365 ('Microsoft SMTP Server (version=TLS1_2, cipher=…)'), Mimecast",
    where=("comment",),
    contains="version=",
    pattern=re.compile(
        r"(?:^|\s)version=(?P<ver>[A-Za-z0-9._-]{1,16}),\s?cipher=(?P<cipher>[A-Za-z0-9_-]{1,80})"
    ),
    read=version_cipher_bits,
    examples=(
        HeaderExample(
            "from LO4P123CA0318.GBRP123.PROD.OUTLOOK.COM (2603:10a6:600:197::17)\n"
            " by LO0P123MB5470.GBRP123.PROD.OUTLOOK.COM (2603:10a6:600:21c::9) with\n"
            " Microsoft SMTP Server (version=TLS1_2,\n cipher=TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384) id 15.20.4909.8; Wed, 26 Jan\n"
            " 2022 09:06:51 +0000",
            {
                "tls": True,
                "tls_version": "TLSv1.2",
                "tls_cipher": "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
                "with_protocol": "MICROSOFT SMTP SERVER",
                "from_ip": "2603:10a6:600:197::17",
                "by_host": "LO0P123MB5470.GBRP123.PROD.OUTLOOK.COM",
                "authenticated": None,
            },
            "corpus mimekit messages/bounce.txt (Exchange Online)",
        ),
        HeaderExample(
            "from mx-prod-mc-06.mail-002.prod.us-west-2.aws.redhat.com\n"
            " (ec2-35-165-154-97.us-west-2.compute.amazonaws.com [35.165.154.97]) by\n"
            " relay.mimecast.com with ESMTP with STARTTLS (version=TLSv1.3,\n"
            " cipher=TLS_AES_256_GCM_SHA384) id us-mta-280-qM-ye5rAOsaELTeyzYFToQ-1; Tue,\n"
            " 10 Mar 2026 11:19:44 -0400",
            {
                "tls": True,
                "tls_version": "TLSv1.3",
                "with_protocol": "ESMTP",
                "from_ip": "35.165.154.97",
            },
            "research received-formats §5.23 (Mimecast, archive: two with clauses)",
        ),
    ),
)

EXCHANGE_TLS = DetailDialect(
    key="exchange.tls_flag",
    writers="Exchange 2010+ ('Microsoft SMTP Server (TLS)': TLS, version not written)",
    where=("comment",),
    contains="tls",
    pattern=re.compile(r"^TLS$"),
    read=tls_only,
    examples=(
        HeaderExample(
            "from server2.ms.domain.com (10.3.1.83) by\n server1.ms.domain.com (10.3.1.86) with Microsoft SMTP Server (TLS)\n"
            " id 15.0.1044.25; Tue, 21 Jul 2022 11:00:55 -0400",
            {
                "tls": True,
                "tls_version": None,
                "security": "tls_unknown",
                "from_ip": "10.3.1.83",
                "by_host": "server1.ms.domain.com",
            },
            "corpus mimekit messages/delivery-status-multiple-blank-lines.txt",
        ),
    ),
)

GOOGLE_GTS = DetailDialect(
    key="google.transport_security",
    writers="Google internal hops ('with SMTPS … (Google Transport Security)')",
    where=("comment",),
    contains="google transport security",
    pattern=re.compile(r"^Google Transport Security$", re.IGNORECASE),
    read=tls_only,
    examples=(
        HeaderExample(
            "from mail-sor-f65.google.com (mail-sor-f65.google.com. [209.85.220.65])\n"
            "        by mx.google.com with SMTPS id z4-v6sor3890102lfh.21.2018.10.16.10.44.19\n"
            "        for <linux-mm@kvack.org>\n        (Google Transport Security);\n"
            "        Tue, 16 Oct 2018 10:44:20 -0700 (PDT)",
            {
                "tls": True,
                "tls_version": None,
                "with_protocol": "SMTPS",
                "from_rdns": "mail-sor-f65.google.com",
            },
            "research received-formats §5.5 (Gmail, archive)",
        ),
    ),
)


def _authenticated(found: re.Match[str]) -> Detail:
    return auth_user(found) if found.group("user") else Detail(authenticated=True)


AUTHENTICATED = DetailDialect(
    key="sendmail.authenticated",
    writers="Sendmail '(authenticated bits=N)', Haraka '(authenticated bits=0)', '(authenticated as USER)'",
    where=("comment",),
    contains="authenticated",
    pattern=re.compile(
        r"^authenticated(?:\sas\s(?P<user>[^\s()]{1,320}))?(?:\sbits=\d{1,5})?$", re.IGNORECASE
    ),
    read=_authenticated,
    examples=(
        HeaderExample(
            "from [192.168.1.20] (host.example.net [198.51.100.20])\n\t(authenticated bits=0)\n"
            "\tby mail.example.org (8.17.1/8.17.1) with ESMTPSA id 41J5H5Ah009875\n"
            "\t(version=TLSv1.3 cipher=TLS_AES_256_GCM_SHA384 bits=256 verify=NO);\n\tMon, 19 Feb 2024 05:17:06 GMT",
            {"authenticated": True, "auth_user": None, "tls": True, "tls_version": "TLSv1.3"},
            "Sendmail cfhead.m4 _REC_AUTH_ template",
        ),
    ),
)

DIALECTS: tuple[DetailDialect, ...] = (
    EXCHANGE,
    SPACED,
    CIPHER_ONLY,
    EXCHANGE_TLS,
    GOOGLE_GTS,
    AUTHENTICATED,
)
