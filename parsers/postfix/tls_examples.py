"""Real Postfix TLS log lines (smtpd, the outbound smtp client, tlsproxy) and their fields.

Sources as in :mod:`parsers.postfix.examples`.
"""

from __future__ import annotations

from parsers.dialect import Example
from parsers.postfix.examples import ENV, ENV_SMTP, JOURNAL, LAB, LAB5424, PIX, V6, why

TLS_ESTABLISHED: tuple[Example, ...] = (
    Example(
        "Jan 25 15:10:07 mail postfix/smtpd[4716]: TLS connection established from unknown[192.168.1.102]: TLSv1 with cipher DHE-RSA-AES256-SHA (256/256 bits)",
        {
            "trust": None,
            "tls_session": "established",
            "client_host": "unknown",
            "client_ip": "192.168.1.102",
            "tls_version_raw": "TLSv1",
            "tls_version": "TLSv1.0",
            "tls_cipher": "DHE-RSA-AES256-SHA",
            "tls_bits": "256",
        },
        "Postfix < 2.5, no trust word (forum post, tests/data/SOURCES.md)",
    ),
    Example(
        "May 12 13:51:20 localhost postfix/smtpd[6439]: TLS connection established from 82-46-99-50.cable.ubr01.chap.blueyonder.co.uk[82.46.99.50]: SSLv3 with cipher RC4-MD5 (128/128 bits)",
        {
            "trust": None,
            "tls_version_raw": "SSLv3",
            "tls_cipher": "RC4-MD5",
            "client_ip": "82.46.99.50",
        },
        "Postfix < 2.5, SSLv3 (forum post, tests/data/SOURCES.md)",
    ),
    Example(
        "2023-03-14T00:00:31.331110+01:00 helga postfix/smtpd[297535]: Anonymous TLS connection established from host1.uhu-banane.de[185.48.118.128]: TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 (256/256 bits) key-exchange X25519 server-signature RSA-PSS (2048 bits) server-digest SHA256",
        {
            "trust": "Anonymous",
            "tls_session": "established",
            "client_host": "host1.uhu-banane.de",
            "client_ip": "185.48.118.128",
            "tls_version_raw": "TLSv1.3",
            "tls_version": "TLSv1.3",
            "tls_cipher": "TLS_AES_256_GCM_SHA384",
            "tls_bits": "256",
            "tls_key_exchange": "X25519",
            "tls_server_signature": "RSA-PSS",
            "tls_server_digest": "SHA256",
        },
        "corpus postfix/pixelpark-postfix-logsums__mail.log (log-formats.md b2)",
    ),
    Example(
        "2023-03-14T02:17:40.958802+01:00 helga postfix/smtpd[310417]: Anonymous TLS connection established from a41-69.smtp-out.amazonses.com[54.240.41.69]: TLSv1.2 with cipher ECDHE-RSA-AES128-SHA256 (128/128 bits)",
        {
            "tls_version": "TLSv1.2",
            "tls_cipher": "ECDHE-RSA-AES128-SHA256",
            "tls_bits": "128",
            "tls_key_exchange": None,
        },
        PIX,
    ),
    Example(
        "Nov 29 04:13:45 vm postfix/smtpd[10673]: Anonymous TLS connection established from unknown[127.0.0.2]: TLSv1.1 with cipher ECDHE-RSA-AES256-SHA (256/256 bits)",
        {
            "tls_version_raw": "TLSv1.1",
            "tls_version": "TLSv1.1",
            "tls_cipher": "ECDHE-RSA-AES256-SHA",
        },
        LAB,
    ),
    Example(
        "Nov 29 04:14:23 vm postfix/submissions/smtpd[10744]: Anonymous TLS connection established from unknown[127.0.0.2]: TLSv1 with cipher ECDHE-RSA-AES256-SHA (256/256 bits)",
        {"tls_version_raw": "TLSv1", "tls_version": "TLSv1.0", "client_ip": "127.0.0.2"},
        LAB,
    ),
    Example(
        "<22>1 2026-11-29T04:13:45.148028+00:00 vm postfix 10673 - -  Anonymous TLS connection established from unknown[127.0.0.2]: TLSv1.1 with cipher ECDHE-RSA-AES256-SHA (256/256 bits)",
        {"tls_version": "TLSv1.1", "client_host": "unknown"},
        LAB5424,
    ),
    Example(
        f'{{"MESSAGE":"Anonymous TLS connection established from unknown[{V6}]: TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 (256/256 bits) key-exchange X25519 server-signature RSA-PSS (2048 bits) server-digest SHA256","SYSLOG_IDENTIFIER":"postfix/submission/smtpd","SYSLOG_PID":"303987","_HOSTNAME":"helga","__REALTIME_TIMESTAMP":"1678750266460183"}}',
        {"client_ip": V6, "tls_version": "TLSv1.3", "tls_server_digest": "SHA256"},
        JOURNAL + " (fields trimmed)",
    ),
    Example(
        "Jun  8 11:40:36 PDC1 postfix/smtpd[5944]: Anonymous TLS connection established from mail-pz0-f43.google.com[209.85.210.43]: TLSv1 with cipher RC4-SHA (128/128 bits)",
        {"tls_version": "TLSv1.0", "tls_cipher": "RC4-SHA", "tls_bits": "128"},
        "log-formats.md b2 (public Q&A excerpt)",
    ),
    Example(
        ENV
        + "Anonymous TLS connection established from julie.example.com[10.163.89.202]: TLSv1.2 with cipher AECDH-AES256-SHA (256/256 bits)",
        {"client_host": "julie.example.com", "tls_cipher": "AECDH-AES256-SHA"},
        why("smtpd_0010"),
    ),
    Example(
        "Mar 14 09:12:01 mx postfix/submission/smtpd[4711]: Untrusted TLS connection reused from unknown[192.0.2.7]:50110 to mail.example.org: TLSv1.3 with cipher TLS_AES_128_GCM_SHA256 (128/128 bits) key-exchange ECDHE (P-256) server-signature ECDSA (P-256) server-digest SHA256 client-signature ECDSA (P-256) client-digest SHA256",
        {
            "trust": "Untrusted",
            "tls_session": "reused",
            "client_port": "50110",
            "tls_sni": "mail.example.org",
            "tls_key_exchange": "ECDHE",
            "tls_server_signature": "ECDSA",
        },
        "format-derived (log-formats.md b2: tls_misc.c, 3.4 'reused' and SNI, client-signature)",
    ),
)
TLS_ESTABLISHED_NOT: tuple[str, ...] = (
    "2023-03-14T17:20:59.199820+01:00 helga postfix/smtp[374638]: Trusted TLS connection established to mx-ha02.web.de[212.227.17.8]:25: TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 (256/256 bits)",
    "2023-03-14T00:05:05.999028+01:00 helga postfix/tlsproxy[301555]: Anonymous TLS connection established from [122.189.87.41]:52908: TLSv1.2 with cipher ECDHE-RSA-AES256-GCM-SHA384 (256/256 bits)",
)

SMTP_TLS_ESTABLISHED: tuple[Example, ...] = (
    Example(
        "2023-03-14T17:20:59.199820+01:00 helga postfix/smtp[374638]: Trusted TLS connection established to mx-ha02.web.de[212.227.17.8]:25: TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 (256/256 bits) key-exchange ECDHE (P-256) server-signature RSA-PSS (2048 bits) server-digest SHA256",
        {
            "service": "smtp",
            "trust": "Trusted",
            "server_host": "mx-ha02.web.de",
            "server_ip": "212.227.17.8",
            "server_port": "25",
            "tls_version": "TLSv1.3",
            "tls_key_exchange": "ECDHE",
        },
        PIX,
    ),
    Example(
        "2023-03-16T02:27:30.328538+01:00 helga postfix/smtp[505058]: Trusted TLS connection established to aspmx.l.google.com[2a00:1450:400c:c00::1a]:25: TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 (256/256 bits) key-exchange X25519 server-signature ECDSA (P-256) server-digest SHA256",
        {
            "server_ip": "2a00:1450:400c:c00::1a",
            "server_port": "25",
            "tls_server_signature": "ECDSA",
        },
        PIX,
    ),
    Example(
        "Jul 24 03:28:15 mail postfix/smtp[24052]: Verified TLS connection established to mx2.comcast.net[2001:558:fe21:2a::6]:25: TLSv1.2 with cipher ECDHE-RSA-AES256-GCM-SHA384 (256/256 bits)",
        {"trust": "Verified", "server_host": "mx2.comcast.net", "tls_version": "TLSv1.2"},
        "corpus postfix/kumina-postfix_exporter__test-lines.log",
    ),
    Example(
        ENV_SMTP
        + "Verified TLS connection established to mail.sys4.de[2001:1578:400:111::7]:25: TLSv1 with cipher ECDHE-RSA-AES256-SHA (256/256 bits)",
        {"tls_version_raw": "TLSv1", "tls_version": "TLSv1.0", "server_ip": "2001:1578:400:111::7"},
        why("smtp_0016"),
    ),
    Example(
        ENV_SMTP
        + "Untrusted TLS connection established to 127.0.0.1[127.0.0.1]:2525: TLSv1.2 with cipher AECDH-AES256-SHA (256/256 bits)",
        {"trust": "Untrusted", "server_port": "2525"},
        why("smtp_0004"),
    ),
    Example(
        ENV_SMTP
        + "Trusted TLS connection established to mail.example.com[127.0.0.1]:25: TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 (256/256 bits) key-exchange X25519 server-signature RSA-PSS (4096 bits)",
        {"tls_server_signature": "RSA-PSS", "tls_server_digest": None},
        why("smtp_0036"),
    ),
)
SMTP_TLS_ESTABLISHED_NOT: tuple[str, ...] = (
    "2023-03-14T00:39:18.278179+01:00 helga postfix/smtpd[304356]: Anonymous TLS connection established from srv542.mailer-service.de[62.138.228.42]: TLSv1.2 with cipher ECDHE-RSA-AES256-GCM-SHA384 (256/256 bits)",
)

TLSPROXY_TLS_ESTABLISHED: tuple[Example, ...] = (
    Example(
        "2023-03-14T00:05:05.999028+01:00 helga postfix/tlsproxy[301555]: Anonymous TLS connection established from [122.189.87.41]:52908: TLSv1.2 with cipher ECDHE-RSA-AES256-GCM-SHA384 (256/256 bits)",
        {
            "client_ip": "122.189.87.41",
            "client_port": "52908",
            "tls_version": "TLSv1.2",
            "trust": "Anonymous",
        },
        PIX,
    ),
)

TLSPROXY_HANDSHAKE_FAILED: tuple[Example, ...] = (
    Example(
        "2023-03-14T02:52:59.199036+01:00 helga postfix/tlsproxy[312898]: TLS handshake failed for service=smtpd peer=[114.223.181.147]:59869",
        {"proxy_service": "smtpd", "client_ip": "114.223.181.147", "client_port": "59869"},
        PIX,
    ),
)

TLS_ERROR: tuple[Example, ...] = (
    Example(
        "Nov 29 04:14:16 vm postfix/submission/smtpd[10736]: SSL_accept error from unknown[127.0.0.2]: lost connection",
        {"client_ip": "127.0.0.2", "reason": "lost connection"},
        LAB,
    ),
    Example(
        "Nov 29 04:14:27 vm postfix/submissions/smtpd[10744]: SSL_accept error from unknown[127.0.0.2]: -1",
        {"reason": "-1"},
        LAB,
    ),
    Example(
        "2023-03-16T15:48:35.262145+01:00 helga postfix/submission/smtpd[559032]: SSL_accept error from unknown[192.210.206.189]: lost connection",
        {"client_ip": "192.210.206.189"},
        PIX,
    ),
    Example(
        "Aug  4 12:00:01 mail postfix/smtpd[29322]: SSL_accept error from unknown[203.0.113.10]: lost connection",
        {"client_ip": "203.0.113.10"},
        "corpus postfix/ossec-hids__postfix-ini-lines.log",
    ),
    Example(
        ENV + "SSL_accept error from eu-smtp-delivery-201.mimecast.com[207.82.80.201]: 0",
        {"client_host": "eu-smtp-delivery-201.mimecast.com", "reason": "0"},
        why("smtpd_0025"),
    ),
    Example(
        ENV + "SSL_accept error from unknown[72.13.58.7]: Connection timed out",
        {"reason": "Connection timed out"},
        why("smtpd_0023"),
    ),
)

TLS_LIBRARY_PROBLEM: tuple[Example, ...] = (
    Example(
        "Nov 29 04:14:27 vm postfix/submissions/smtpd[10744]: warning: TLS library problem: error:0A00010B:SSL routines::wrong version number:../ssl/record/ssl3_record.c:350:",
        {"tls_error_code": "0A00010B", "tls_error": "wrong version number"},
        LAB,
    ),
    Example(
        "Jun 10 10:12:13 mx postfix/smtpd[3311]: TLS library problem: 3311:error:1408F10B:SSL routines:SSL3_GET_RECORD:wrong version number:s3_pkt.c:339:",
        {"tls_error_code": "1408F10B", "tls_error": "wrong version number"},
        "format-derived (log-formats.md b4; OpenSSL 1.0 error string with the pid before it)",
    ),
)


TLS_SETUP: tuple[Example, ...] = (
    Example(
        "Jan 25 15:10:07 mail postfix/smtpd[4716]: setting up TLS connection from unknown[192.168.1.102]",
        {"client_host": "unknown", "client_ip": "192.168.1.102"},
        "Postfix < 2.5 at smtpd_tls_loglevel 1 (forum post, tests/data/SOURCES.md)",
    ),
    Example(
        "May 12 13:51:20 localhost postfix/smtpd[6439]: setting up TLS connection from 82-46-99-50.cable.ubr01.chap.blueyonder.co.uk[82.46.99.50]",
        {"client_ip": "82.46.99.50"},
        "forum post, tests/data/SOURCES.md",
    ),
)

TLSPROXY_CONNECTION: tuple[Example, ...] = (
    Example(
        "2023-03-14T00:05:05.352143+01:00 helga postfix/tlsproxy[301555]: CONNECT from [122.189.87.41]:52908",
        {"client_ip": "122.189.87.41", "client_port": "52908"},
        "corpus postfix/pixelpark-postfix-logsums__mail.log",
    ),
    Example(
        "2023-03-14T00:05:07.150928+01:00 helga postfix/tlsproxy[301555]: DISCONNECT [122.189.87.41]:52908",
        {"client_ip": "122.189.87.41"},
        "corpus postfix/pixelpark-postfix-logsums__mail.log",
    ),
)
