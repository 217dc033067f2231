"""Smaller families: Courier ``(AUTH: …, TLS: …)``, qmail/qpsmtpd/Symantec ``CIPHER encrypted``,
Cisco ``ESMTP/TLS/CIPHER``, IceWarp ``(SSL)``, CommuniGate ``(account NAME …)``, qpsmtpd
``(smtp-auth username …)``, Yahoo ``(user@ip with login)`` and IIS ``over TLS secured channel``.
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

COURIER_TLS = DetailDialect(
    key="courier.tls",
    writers="Courier MTA (GnuTLS or OpenSSL names)",
    where=("comment",),
    contains="tls:",
    pattern=re.compile(
        r"(?:^|[\s,])TLS:\s?(?P<ver>[A-Za-z0-9._/-]{1,16}),\s?(?P<bits>\d{1,5})\s?bits,\s?(?P<cipher>[A-Za-z0-9_-]{1,64})"
    ),
    read=version_cipher_bits,
    examples=(
        HeaderExample(
            "from [172.25.197.120] (pcale.tana [172.25.197.120]) (AUTH: CRAM-MD5 uXDGrn@SYT0/k, TLS: TLS1.3, 128bits,"
            " ECDHE_RSA_AES_128_GCM_SHA256) by wmail.tana.it with ESMTPSA id 00000000005DC0D6.0000000064EC6711.00003756;"
            " Mon, 28 Aug 2023 11:21:21 +0200",
            {
                "tls": True,
                "tls_version": "TLSv1.3",
                "tls_bits": 128,
                "tls_cipher": "ECDHE_RSA_AES_128_GCM_SHA256",
                "authenticated": True,
                "auth_user": "uXDGrn@SYT0/k",
                "from_ip": "172.25.197.120",
            },
            "corpus stalwart received.json entry 6 (Courier at tana.it)",
        ),
        HeaderExample(
            "from Agni (localhost [::ffff:127.0.0.1]) (TLS: TLSv1/SSLv3, 168bits,DES-CBC3-SHA) by agni.forevermore.net"
            " with esmtp; Mon, 28 Oct 2002 14:48:52 -0800",
            {
                "tls": True,
                "tls_version": None,
                "tls_bits": 168,
                "tls_cipher": "DES-CBC3-SHA",
                "from_ip": "127.0.0.1",
                "is_local": True,
                "security": "tls_unknown",
            },
            "corpus stalwart received.json entry 78 (old Courier: TLSv1/SSLv3 is not a version)",
        ),
    ),
)

COURIER_AUTH = DetailDialect(
    key="courier.auth",
    writers="Courier MTA ('AUTH: MECHANISM USER', very old builds 'AUTH: USER')",
    where=("comment",),
    contains="auth:",
    pattern=re.compile(r"(?:^|[\s,])AUTH:\s?(?:[A-Z0-9-]{2,20}\s)?(?P<user>[^\s,()]{1,320})"),
    read=auth_user,
    examples=(
        HeaderExample(
            "from (AUTH: e40a9cea) by vqx.net with esmtp (courier-0.40) for <asrg@ietf.org>; Mon, 03 Mar 2003 14:49:28 +0000",
            {"authenticated": True, "auth_user": "e40a9cea", "tls": False, "by_host": "vqx.net"},
            "corpus stalwart received.json (Courier 0.40)",
        ),
    ),
)

ENCRYPTED = DetailDialect(
    key="qmail.encrypted",
    writers="qmail-tls ('with ESMTPS (CIPHER encrypted)', older '(CIPHER encrypted) SMTP'), qpsmtpd, Symantec.cloud",
    where=("comment", "words"),
    contains="encrypted",
    pattern=re.compile(r"(?:^|\s)(?P<cipher>[A-Za-z0-9_-]{3,64})\sencrypted(?:$|[\s)])"),
    read=version_cipher_bits,
    examples=(
        HeaderExample(
            "from coredump.intra.peff.net (HELO coredump.intra.peff.net) (10.0.0.2) by peff.net\n"
            "  (qpsmtpd/0.94) with (ECDHE-RSA-AES256-GCM-SHA384 encrypted) SMTP; Mon, 01 Aug 2022 10:00:00 -0400",
            {
                "tls": True,
                "tls_cipher": "ECDHE-RSA-AES256-GCM-SHA384",
                "tls_version": "TLSv1.2",
                "tls_version_source": "inferred",
                "with_protocol": "SMTP",
                "from_ip": "10.0.0.2",
            },
            "research received-formats §5.13 (qpsmtpd, archive)",
        ),
        HeaderExample(
            "from mail-eopbgr60122.outbound.protection.outlook.com (HELO EUR04-DB3-obe.outb) server-7.tower-with"
            " AES256-GCM-SHA384 encrypted SMTP; 13 Sep 2018 14:47:44 -0000",
            {"tls": True, "tls_cipher": "AES256-GCM-SHA384", "by_host": None},
            "corpus stalwart received.json entry 155 (Symantec Email Security.cloud)",
        ),
    ),
)

CISCO = DetailDialect(
    key="cisco.slash",
    writers="Cisco Secure Email / IronPort ('with ESMTP/TLS/CIPHER')",
    where=("with",),
    contains="/tls/",
    pattern=re.compile(r"^E?SMTPS?/TLS/(?P<cipher>[A-Za-z0-9_-]{1,64})$", re.IGNORECASE),
    read=version_cipher_bits,
    examples=(
        HeaderExample(
            "from unknown (HELO MP61M.F-I.DE) () by p01ev.mail.s-web.de with ESMTP/TLS/DHE-RSA-AES256-GCM-SHA384;"
            " 02 Sep 2023 04:24:06 +0200",
            {
                "tls": True,
                "tls_cipher": "DHE-RSA-AES256-GCM-SHA384",
                "tls_version": "TLSv1.2",
                "tls_version_source": "inferred",
                "with_protocol": "ESMTP/TLS/DHE-RSA-AES256-GCM-SHA384",
            },
            "corpus stalwart received.json entry 0",
        ),
    ),
)

ICEWARP = DetailDialect(
    key="icewarp.ssl",
    writers="IceWarp ('with ASMTP (SSL)', 'with ESMTP (SSL)')",
    where=("comment",),
    contains="ssl",
    pattern=re.compile(r"^SSL$"),
    read=tls_only,
    examples=(
        HeaderExample(
            "from [192.168.0.106] ([212.37.87.11]) by icewarp.savana.cz (IceWarp 11.2.1.1 RHEL6 x64) with ASMTP\n"
            " (SSL) id 202001172348481734; Fri, 17 Jan 2020 23:48:48 +0100",
            {
                "tls": True,
                "authenticated": True,
                "with_protocol": "ASMTP",
                "from_ip": "212.37.87.11",
                "security": "tls_unknown",
            },
            "research received-formats §5.19 (IceWarp, archive)",
        ),
    ),
)

ACCOUNT = DetailDialect(
    key="communigate.account",
    writers="CommuniGate Pro ('(account NAME HELO …)')",
    where=("comment",),
    contains="account ",
    pattern=re.compile(r"^account\s(?P<user>[^\s()]{1,320})"),
    read=auth_user,
    examples=(
        HeaderExample(
            "from [192.168.1.104] (account nazgul HELO [192.168.1.104]) by somewhere.com (CommuniGate Pro SMTP 3.5.7)"
            " with ESMTP-TLS id 2088434; Fri, 07 Mar 2003 13:05:06 -0500",
            {
                "authenticated": True,
                "auth_user": "nazgul",
                "tls": True,
                "with_protocol": "ESMTP-TLS",
                "from_ip": "192.168.1.104",
            },
            "corpus stalwart received.json entry 98 (CommuniGate Pro)",
        ),
    ),
)

QPSMTPD_AUTH = DetailDialect(
    key="qpsmtpd.auth",
    writers="qpsmtpd ('(smtp-auth username USER, mechanism MECH)')",
    where=("comment",),
    contains="smtp-auth username",
    pattern=re.compile(r"smtp-auth username (?P<user>[^\s,()]{1,320})"),
    read=auth_user,
    examples=(
        HeaderExample(
            "from laptop (HELO laptop) (198.51.100.4) (smtp-auth username carol, mechanism plain) by mail.example.org"
            " (qpsmtpd/0.94) with (ECDHE-RSA-AES256-GCM-SHA384 encrypted) ESMTPSA; Mon, 01 Aug 2022 10:00:00 -0400",
            {"authenticated": True, "auth_user": "carol", "tls": True, "from_ip": "198.51.100.4"},
            "qpsmtpd lib/Qpsmtpd/SMTP.pm template (research received-formats §5.13)",
        ),
    ),
)

YAHOO_LOGIN = DetailDialect(
    key="yahoo.login",
    writers="Yahoo submission ('(user@ip with login)', '(user@ip with plain)')",
    where=("comment",),
    contains=" with ",
    pattern=re.compile(
        r"^(?P<user>[^\s()]{1,320})@\d{1,3}(?:\.\d{1,3}){3} with (?:login|plain|cram-md5)$",
        re.IGNORECASE,
    ),
    read=auth_user,
    examples=(
        HeaderExample(
            "from itrqtnlnq (lucilleskinner@93.124.107.183 with login) by smtp111.mail.ne1.yahoo.com with SMTP;"
            " 17 Jan 2011 08:23:27 -0800 PST",
            {
                "authenticated": True,
                "auth_user": "lucilleskinner",
                "from_ip": "93.124.107.183",
                "tls": False,
            },
            "corpus stalwart received.json (Yahoo)",
        ),
    ),
)

IIS_TLS = DetailDialect(
    key="iis.secured_channel",
    writers="IIS SMTP / Exchange 2003 ('over TLS secured channel with Microsoft SMTPSVC')",
    where=("words",),
    contains="over tls secured channel",
    pattern=re.compile(r"over TLS secured channel", re.IGNORECASE),
    read=tls_only,
    examples=(
        HeaderExample(
            "from mail.example.com ([192.0.2.10]) by sps.foobar.com over TLS secured channel with Microsoft"
            " SMTPSVC(5.0.2195.5329); Tue, 11 Mar 2003 13:23:01 +0100",
            {"tls": True, "by_host": "sps.foobar.com", "security": "tls_unknown"},
            "corpus spamassassin FORGED_MUA_OUTLOOK/fp11 (IIS SMTP)",
        ),
    ),
)

AS_USER = DetailDialect(
    key="webmail.as_user",
    writers="old webmail gateways ('from IP ( [IP]) as user NAME by HOST with HTTP')",
    where=("words",),
    contains=" as user ",
    pattern=re.compile(r"(?:^|\s)as user (?P<user>[^\s;]{1,320})"),
    read=auth_user,
    examples=(
        HeaderExample(
            "from 192.168.5.158 ( [192.168.5.158]) as user jason@localhost by mail.reusch.net with HTTP;"
            " Mon, 8 Jul 2002 23:24:56 -0400",
            {
                "authenticated": True,
                "auth_user": "jason@localhost",
                "from_ip": "192.168.5.158",
                "tls": None,
            },
            "corpus stalwart received.json (SpamAssassin vector)",
        ),
    ),
)

DIALECTS: tuple[DetailDialect, ...] = (
    AS_USER,
    COURIER_TLS,
    COURIER_AUTH,
    ENCRYPTED,
    CISCO,
    ICEWARP,
    ACCOUNT,
    QPSMTPD_AUTH,
    YAHOO_LOGIN,
    IIS_TLS,
)
