"""Dovecot dialects: login-process lines (2.2, 2.3, 2.4) and auth-process lines.

A login process logs one line per client connection: ``Login:`` (2.4: ``Logged in:``) when the
user got in, or one of the failure wordings (``Aborted login``, ``Disconnected``, 2.3.15+ ``Disconnected: Connection
closed``, 2.4 ``Login aborted: … (reason) (code)``). A failure's free text may hold OpenSSL
errors with colons and parentheses, so the element list is found at its boundary
(``: user=<``, ``: method=``, ``: rip=``) after the last parenthesised reason, not at the first
colon. A refused attempt inside a connection that goes on is logged as ``Login failed: <why>``
(2.2/2.3 ``Plaintext authentication disabled``, 2.4 ``Cleartext authentication disabled``, both
``SSL required for authentication``; ``src/login-common/client-common-auth.c``).
"""

from __future__ import annotations

import re

from parsers.dialect import Dialect, Example, Watch
from parsers.dovecot import auth as dovecot_auth
from parsers.dovecot.fields import ELEMENTS, SERVICES, failure_fields, login_fields

_PREFIX = rf"^{SERVICES}-login: (?:Info: )?+"  # possessive: "Info" is never part of the text
_FAILURE_HEAD = (
    r"(?!Login: |Logged in: )(?P<disconnect_text>[^\n]{1,2048}?)"
    r"(?: \((?P<reason>[^()\n]{1,512})\)(?: \((?P<code>[a-z0-9_]{1,64})\))?)?: "
)

LOGIN = Dialect(
    key="dovecot.login.ok",
    family="dovecot",
    contains="in: user=<",  # "Login: user=<" (≤ 2.3) and "Logged in: user=<" (2.4)
    pattern=re.compile(rf"{_PREFIX}(?:Login|Logged in): {ELEMENTS}"),
    derive=login_fields,
    description="a successful login; the flag says TLS, secured (trusted, not encrypted) or none",
    examples=(
        Example(
            "Sep 10 00:07:06 vpsbr dovecot[52217]: imap-login: Logged in: user=<ceo@example.com>, method=PLAIN, rip=198.51.100.7, lip=10.0.0.1, mpid=88721, secured, session=<x>",
            {
                "service": "imap",
                "user_name": "ceo@example.com",
                "auth_method": "PLAIN",
                "client_ip": "198.51.100.7",
                "mpid": "88721",
                "tls_flag": "secured",
                "session_id": "x",
            },
            'Dovecot 2.4 wording (client_destroy_success(client, "Logged in")); line from a public parser test, see tests/data/SOURCES.md',
        ),
        Example(
            "Sep 16 00:01:01 mailhost dovecot: pop3-login: Logged in: user=<testuser>, method=PLAIN, rip=203.0.113.4, lip=203.0.113.5, mpid=2001, TLS, session=<abc>",
            {"service": "pop3", "user_name": "testuser", "tls_flag": "TLS", "session_id": "abc"},
            "Dovecot 2.4 wording without a pid in the envelope; see tests/data/SOURCES.md",
        ),
        Example(
            "Oct 13 09:22:59 canyon dovecot: pop3-login: Info: Login: user=<test@yourdomain.net>, method=PLAIN, rip=172.17.0.1, lip=172.17.0.2, mpid=18, TLS, session=<PeYcgjjOGOisEQAB>",
            {
                "service": "pop3",
                "user_name": "test@yourdomain.net",
                "auth_method": "PLAIN",
                "client_ip": "172.17.0.1",
                "server_ip": "172.17.0.2",
                "mpid": "18",
                "tls_flag": "TLS",
                "session_id": "PeYcgjjOGOisEQAB",
                "tls_version": None,
            },
            "corpus dovecot/crowdsec-hub__dovecot-logs.log",
        ),
        Example(
            "2026-12-31T23:59:58+00:00 helga dovecot: imap-login: Login: user=<hess@test.fr>, method=PLAIN, rip=172.17.0.1, lip=172.17.0.2, mpid=18, TLS, session=<PeYcgjjOGOisEQAB>",
            {"service": "imap", "user_name": "hess@test.fr", "tls_flag": "TLS"},
            "corpus generated/rsyslog-8.2302__from-rfc3164-input__fileformat.log",
        ),
        Example(
            "Sep 03 16:23:44 cv5187376.novalocal dovecot[341609]: imap-login: Login: user=<info@ssboss.shop>, method=PLAIN, rip=37.98.158.173, lip=192.168.0.231, mpid=343643, TLS, session=<P1pag+U9MAklYp6t>",
            {"user_name": "info@ssboss.shop", "mpid": "343643", "session_id": "P1pag+U9MAklYp6t"},
            "public Dovecot 2.3.21 excerpt quoted in log-formats.md c1",
        ),
        Example(
            "May 26 02:06:54 mail dovecot: imap-login: Login: user=<francisco@andrefigueiredoimoveis.com.br>, method=PLAIN, rip=52.125.128.18, lip=177.66.160.217, mpid=21031, secured, session=<wfgiJYamoMs0fYAS>",
            {"tls_flag": "secured", "client_ip": "52.125.128.18"},
            "public excerpt quoted in log-formats.md c1 (given a syslog host)",
        ),
        Example(
            "Nov 29 04:14:39 vm dovecot: imap-login: Login: user=<alice@example.org>, method=PLAIN, rip=127.0.0.2, lip=127.0.0.1, mpid=4711, session=<cYfwh2Jh7eB/AAAC>",
            {"tls_flag": "none", "tls_error": None, "mpid": "4711"},
            "format-derived (log-formats.md c1: cleartext login has no flag)",
        ),
        Example(
            "Jun 13 20:20:21 platypus dovecot: imap-login: Login: user=<bob>, method=PLAIN, rip=192.0.2.7, lip=192.0.2.1, lport=993, mpid=1234, TLS, TLSv1.2 with cipher ECDHE-RSA-AES256-GCM-SHA384 (256/256 bits), session=<abc>",
            {
                "server_port": "993",
                "tls_version": "TLSv1.2",
                "tls_version_raw": "TLSv1.2",
                "tls_cipher": "ECDHE-RSA-AES256-GCM-SHA384",
                "tls_bits": "256",
                "tls_flag": "TLS",
            },
            "format-derived (log-formats.md c1: recommended 2.3 elements with lport=%a and %k)",
        ),
        Example(
            "Jun 13 20:20:22 platypus dovecot: pop3-login: Login: user=<carol>, method=LOGIN, rip=192.0.2.8, rport=50123, lip=192.0.2.1, lport=110, listener=pop3, mpid=1235, TLS, TLSv1 with cipher ECDHE-RSA-AES256-SHA (256/256 bits), session=<abd>",
            {
                "client_port": "50123",
                "server_port": "110",
                "listener": "pop3",
                "tls_version": "TLSv1.0",
                "tls_version_raw": "TLSv1",
                "auth_method": "LOGIN",
            },
            "format-derived (log-formats.md c1: %b rport, %{listener}, legacy TLS)",
        ),
        Example(
            "Aug 30 00:11:05 mx dovecot: submission-login: Login: user=<info@example.com>, method=PLAIN, rip=192.0.2.110, lip=192.0.2.1, lport=465, mpid=4242, TLS, tls=<TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 (256/256 bits)>, session=<CvN+E95Uf4e7eEnj>",
            {
                "service": "submission",
                "server_port": "465",
                "tls_version": "TLSv1.3",
                "tls_cipher": "TLS_AES_256_GCM_SHA384",
                "tls_bits": "256",
            },
            "format-derived (log-formats.md c1: 2.4 lport=%{local_port} tls=<%{ssl_security}>)",
        ),
        Example(
            "Aug 30 00:12:05 mx dovecot: managesieve-login: Login: user=<user@domain>, method=PLAIN, rip=192.0.2.241, lip=203.0.113.104, mpid=77, TLS, (proxied), session=<Dp8j1Ho3suQYdo+k>",
            {"service": "managesieve", "tls_flag": "proxied"},
            "format-derived (log-formats.md c1: %k is (proxied) behind a TLS-terminating proxy)",
        ),
    ),
    not_examples=(
        "Sep 03 16:23:44 cv5187376.novalocal dovecot[341609]: imap(info@ssboss.shop)<343643><P1pag+U9MAklYp6t>: Disconnected: Logged out in=9 out=482 deleted=0 expunged=0 trashed=0 hdr_count=0 hdr_bytes=0 body_count=0 body_bytes=0",
        "Jun 12 19:07:29 hostname dovecot[241]: imap-login: Login aborted: Connection closed (auth failed, 3 attempts in 16 secs) (auth_failed): user=<test>, method=PLAIN, rip=192.0.2.241, lip=203.0.113.104, TLS, session=<9ZHq02g3J8S60fan>",
    ),
)

FAILED = Dialect(
    key="dovecot.login.failed",
    family="dovecot",
    contains="rip=",
    pattern=re.compile(rf"{_PREFIX}{_FAILURE_HEAD}{ELEMENTS}"),
    derive=failure_fields,
    description="a connection that ended without a login; the reason says why",
    examples=(
        Example(
            "Jun 13 16:30:54 platypus dovecot: imap-login: Disconnected (auth failed, 2 attempts): user=<username.bob>, method=PLAIN, rip=49.176.98.87, lip=113.212.99.194, TLS",
            {
                "service": "imap",
                "user_name": "username.bob",
                "auth_method": "PLAIN",
                "client_ip": "49.176.98.87",
                "server_ip": "113.212.99.194",
                "tls_flag": "TLS",
                "disconnect_text": "Disconnected",
                "reason": "auth failed, 2 attempts",
                "code": None,
                "failure": "auth_failed",
                "auth_attempts": "2",
                "session_id": None,
            },
            "corpus dovecot/fail2ban__dovecot.log (2.2)",
        ),
        Example(
            "Jun 14 00:48:21 platypus dovecot: imap-login: Disconnected (auth failed, 1 attempts): method=PLAIN, rip=59.167.242.100, lip=113.212.99.194, TLS: Disconnected",
            {
                "user_name": None,
                "auth_method": "PLAIN",
                "tls_flag": "TLS",
                "tls_error": "Disconnected",
                "failure": "auth_failed",
                "auth_attempts": "1",
            },
            "corpus dovecot/fail2ban__dovecot.log (2.0: no user= element)",
        ),
        Example(
            "Dec 12 11:19:11 dunnart dovecot: pop3-login: Aborted login (tried to use disallowed plaintext auth): rip=190.210.136.21, lip=113.212.99.193, session=<LgDINsQCkttVIMPg>",
            {
                "service": "pop3",
                "disconnect_text": "Aborted login",
                "tls_flag": "none",
                "failure": "plaintext_disallowed",
                "session_id": "LgDINsQCkttVIMPg",
            },
            "corpus dovecot/fail2ban__dovecot.log",
        ),
        Example(
            "Dec 12 11:19:11 dunnart dovecot: pop3-login: Aborted login (tried to use disabled plaintext auth): rip=190.210.136.21, lip=113.212.99.193",
            {"failure": "plaintext_disallowed", "client_ip": "190.210.136.21"},
            "corpus dovecot/fail2ban__dovecot.log",
        ),
        Example(
            "Jul 26 11:11:21 hostname dovecot: imap-login: Disconnected: Too many invalid commands (tried to use disallowed plaintext auth): user=<test>, rip=192.0.2.1, lip=192.168.1.1, session=<S5dIdTFCDKUWWMbU>",
            {
                "disconnect_text": "Disconnected: Too many invalid commands",
                "user_name": "test",
                "failure": "plaintext_disallowed",
                "tls_flag": "none",
            },
            "corpus dovecot/fail2ban__dovecot.log",
        ),
        Example(
            "Jun 23 00:52:43 vhost1-ua dovecot: pop3-login: Disconnected: Inactivity (auth failed, 1 attempts): user=<info>, method=PLAIN, rip=193.95.245.163, lip=176.214.13.210",
            {
                "disconnect_text": "Disconnected: Inactivity",
                "user_name": "info",
                "failure": "auth_failed",
                "auth_attempts": "1",
                "tls_flag": "none",
            },
            "corpus dovecot/fail2ban__dovecot.log",
        ),
        Example(
            "Nov 29 04:14:42 vm dovecot: imap-login: Disconnected: Connection closed (auth failed, 1 attempts in 3 secs): user=<alice@example.org>, method=PLAIN, rip=127.0.0.1, lip=127.0.0.1, secured, session=<0ZgsiGJhx7B/AAAB>",
            {
                "disconnect_text": "Disconnected: Connection closed",
                "tls_flag": "secured",
                "reason": "auth failed, 1 attempts in 3 secs",
                "session_id": "0ZgsiGJhx7B/AAAB",
            },
            "corpus generated/lab-postfix3.7.11-dovecot2.3.19.1__mail-traditional.log (2.3.19)",
        ),
        Example(
            "Nov 29 04:14:58 vm dovecot: imap-login: Disconnected: Aborted login by logging out (auth failed, 1 attempts in 4 secs): user=<alice@example.org>, method=PLAIN, rip=127.0.0.2, lip=127.0.0.1, TLS, session=<CqYUiWJhpbB/AAAC>",
            {
                "disconnect_text": "Disconnected: Aborted login by logging out",
                "tls_flag": "TLS",
                "failure": "auth_failed",
                "auth_attempts": "1",
            },
            "corpus generated/lab-postfix3.7.11-dovecot2.3.19.1__mail-traditional.log",
        ),
        Example(
            "Nov 29 04:15:02 vm dovecot: imap-login: Disconnected: Connection closed: SSL_accept() failed: error:0A00010B:SSL routines::wrong version number (disconnected before auth was ready, waited 0 secs): user=<>, rip=127.0.0.2, lip=127.0.0.1, TLS handshaking: SSL_accept() failed: error:0A00010B:SSL routines::wrong version number, session=<JxuRiWJh3+Z/AAAC>",
            {
                "disconnect_text": "Disconnected: Connection closed: SSL_accept() failed: error:0A00010B:SSL routines::wrong version number",
                "reason": "disconnected before auth was ready, waited 0 secs",
                "user_name": None,
                "tls_flag": "TLS handshaking",
                "tls_error": "SSL_accept() failed: error:0A00010B:SSL routines::wrong version number",
                "failure": "tls_failed",
                "session_id": "JxuRiWJh3+Z/AAAC",
            },
            "corpus generated/lab-postfix3.7.11-dovecot2.3.19.1__mail-traditional.log",
        ),
        Example(
            "Oct 12 15:44:43 canyon dovecot: pop3-login: Info: Disconnected: Connection closed (auth failed, 2 attempts in 30 secs): user=<hess@lol.fr>, method=PLAIN, rip=172.17.0.1, lip=172.17.0.2, TLS: Connection closed, session=<oEOptynOHNasEQAB>",
            {"tls_flag": "TLS", "tls_error": "Connection closed", "auth_attempts": "2"},
            "corpus dovecot/crowdsec-hub__dovecot-logs.log",
        ),
        Example(
            "Oct 12 15:54:33 canyon dovecot: pop3-login: Info: Disconnected: Disconnected: Too many bad commands (auth failed, 2 attempts in 0 secs): user=<test@yourdomain.net>, rip=172.17.0.1, lip=172.17.0.2, session=<02qW3CnO5tWsEQAB>",
            {
                "disconnect_text": "Disconnected: Disconnected: Too many bad commands",
                "user_name": "test@yourdomain.net",
                "auth_method": None,
                "failure": "auth_failed",
            },
            "corpus dovecot/crowdsec-hub__dovecot-spam.log (the doubled prefix)",
        ),
        Example(
            "Oct 13 09:22:47 canyon dovecot: pop3-login: Info: Disconnected: Disconnected: Too many bad commands (no auth attempts in 22 secs): user=<>, rip=172.17.0.1, lip=172.17.0.2, TLS, session=<HfdbgTjOEOisEQAB>",
            {"failure": "no_auth", "auth_attempts": "0", "user_name": None, "tls_flag": "TLS"},
            "corpus dovecot/crowdsec-hub__dovecot-spam.log",
        ),
        Example(
            "Aug 28 06:38:51 s166-62-100-187 dovecot: imap-login: Disconnected (auth failed, 1 attempts in 9 secs): user=<administrator@example.com>, method=PLAIN, rip=192.0.2.3, lip=192.168.1.2, TLS: Disconnected, TLSv1.2 with cipher ECDHE-RSA-AES256-GCM-SHA384 (256/256 bits)",
            {
                "tls_flag": "TLS",
                "tls_error": "Disconnected",
                "tls_version": "TLSv1.2",
                "tls_cipher": "ECDHE-RSA-AES256-GCM-SHA384",
                "tls_bits": "256",
            },
            "corpus dovecot/fail2ban__dovecot.log (%k after the flag)",
        ),
        Example(
            "Aug 28 06:38:52 s166-62-100-187 dovecot: imap-login: Disconnected: Connection closed: read(size=1003) failed: Connection reset by peer (auth failed, 1 attempts in 0 secs): user=<test@example.com>, rip=192.0.2.4, lip=127.0.0.19, session=<Lsz0Oo7WXti3b7xe>",
            {
                "disconnect_text": "Disconnected: Connection closed: read(size=1003) failed: Connection reset by peer",
                "user_name": "test@example.com",
                "failure": "auth_failed",
            },
            "corpus dovecot/fail2ban__dovecot.log (parenthesis in the free text)",
        ),
        Example(
            "Aug 29 01:49:33 server dovecot[472]: imap-login: Disconnected: Connection closed: SSL_accept() failed: error:14209102:SSL routines:tls_early_post_process_client_hello:unsupported protocol (no auth attempts in 0 secs): user=<>, rip=192.0.2.5, lip=127.0.0.1, TLS handshaking: SSL_accept() failed: error:14209102:SSL routines:tls_early_post_process_client_hello:unsupported protocol",
            {
                "reason": "no auth attempts in 0 secs",
                "tls_flag": "TLS handshaking",
                "tls_error": "SSL_accept() failed: error:14209102:SSL routines:tls_early_post_process_client_hello:unsupported protocol",
                "failure": "tls_failed",
                "auth_attempts": "0",
            },
            "corpus dovecot/fail2ban__dovecot.log (a legacy-TLS client refused)",
        ),
        Example(
            "Aug 29 15:33:53 server dovecot: managesieve-login: Disconnected: Too many invalid commands. (auth failed, 1 attempts in 2 secs): user=<myself>, method=PLAIN, rip=192.0.2.100, lip=0.0.0.0, TLS, TLSv1.3 with cipher TLS_CHACHA20_POLY1305_SHA256 (256/256 bits)",
            {
                "service": "managesieve",
                "tls_version": "TLSv1.3",
                "tls_cipher": "TLS_CHACHA20_POLY1305_SHA256",
                "failure": "auth_failed",
            },
            "corpus dovecot/fail2ban__dovecot.log",
        ),
        Example(
            "Aug 29 03:17:18 server dovecot: submission-login: Client has quit the connection (auth failed, 1 attempts in 2 secs): user=<user1>, method=LOGIN, rip=192.0.2.133, lip=0.0.0.0",
            {
                "service": "submission",
                "disconnect_text": "Client has quit the connection",
                "auth_method": "LOGIN",
                "failure": "auth_failed",
                "tls_flag": "none",
            },
            "corpus dovecot/fail2ban__dovecot.log",
        ),
        Example(
            "Jul 17 09:21:22 mailproxy dovecot: imap-login: Disconnected (proxy dest auth failed): user=<rtomes@acenet.com.au>, method=PLAIN, rip=192.0.2.4, lip=192.168.1.2, session=<NTI4FiZxcQCSud4G>",
            {"reason": "proxy dest auth failed", "failure": "auth_failed", "auth_attempts": None},
            "corpus dovecot/fail2ban__dovecot.log",
        ),
        Example(
            "Jun 12 19:07:29 hostname dovecot[241]: imap-login: Login aborted: Connection closed (auth failed, 3 attempts in 16 secs) (auth_failed): user=<test>, method=PLAIN, rip=192.0.2.241, lip=203.0.113.104, TLS, session=<9ZHq02g3J8S60fan>",
            {
                "disconnect_text": "Login aborted: Connection closed",
                "reason": "auth failed, 3 attempts in 16 secs",
                "code": "auth_failed",
                "failure": "auth_failed",
                "auth_attempts": "3",
                "session_id": "9ZHq02g3J8S60fan",
            },
            "corpus dovecot/fail2ban__dovecot.log (2.4)",
        ),
        Example(
            "Jun 13 16:35:56 mx dovecot[241]: managesieve-login: Login aborted: Logged out (auth failed, 1 attempts in 10 secs) (auth_failed): user=<user@domain>, method=PLAIN, rip=192.0.2.241, lip=203.0.113.104, TLS, session=<Dp8j1Ho3suQYdo+k>",
            {
                "service": "managesieve",
                "disconnect_text": "Login aborted: Logged out",
                "code": "auth_failed",
                "auth_attempts": "1",
            },
            "corpus dovecot/fail2ban__dovecot.log (2.4)",
        ),
        Example(
            "Aug 22 12:09:41 server dovecot: imap-login: Login aborted: Connection closed: SSL_accept() failed: error:0A0000C1:SSL routines::no shared cipher (disconnected during TLS handshake) (tls_handshake_not_finished): user=<>, rip=192.0.2.7, lip=192.0.2.1, TLS handshaking: SSL_accept() failed: error:0A0000C1:SSL routines::no shared cipher, session=<Q23ybvY8RLSkXGoP>",
            {
                "reason": "disconnected during TLS handshake",
                "code": "tls_handshake_not_finished",
                "failure": "tls_failed",
                "tls_flag": "TLS handshaking",
                "tls_error": "SSL_accept() failed: error:0A0000C1:SSL routines::no shared cipher",
            },
            "corpus dovecot/fail2ban__dovecot.log (2.4)",
        ),
        Example(
            "Aug 22 12:09:41 server dovecot: imap-login: Login aborted: Connection closed: read(size=653) failed: Connection reset by peer (no auth attempts in 1 secs) (no_auth_attempts): user=<>, rip=192.0.2.6, lip=192.0.2.1, TLS: read(size=653) failed: Connection reset by peer, session=<qMLsbvY8PLSkXGoP>",
            {
                "code": "no_auth_attempts",
                "failure": "no_auth",
                "tls_flag": "TLS",
                "tls_error": "read(size=653) failed: Connection reset by peer",
            },
            "corpus dovecot/fail2ban__dovecot.log (2.4)",
        ),
        Example(
            "Aug 31 16:06:05 s166-62-100-187 dovecot: imap-login: Disconnected: a: a: a: a: a: a: a: a: a: a: a: a: a: a: a: a: a: a: a: a: a: a: (reason: some unknown reason) (tried to use disallowed test auth): user=<>, rip=192.0.2.111",
            {"reason": "tried to use disallowed test auth", "failure": "other"},
            "corpus dovecot/fail2ban__dovecot.log (GHSA-33wh-ccjc-p397 probe)",
        ),
        Example(
            "Jul  4 17:30:51 hostname dovecot[2992]: pop3-login: Disconnected: rip=1.2.3.4, lip=1.2.3.5",
            {
                "disconnect_text": "Disconnected",
                "reason": None,
                "failure": "other",
                "client_ip": "1.2.3.4",
            },
            "corpus dovecot/wazuh-ruleset__dovecot-ini-lines.log (Dovecot 1.x, no reason)",
        ),
        Example(
            "Aug 30 00:11:06 mx dovecot: imap-login: Login aborted: Logged out (tried to use disallowed cleartext auth) (cleartext_auth_disabled): user=<>, rip=192.0.2.110, lip=192.0.2.1, lport=143, session=<CvN+E95Uf4e7eEnk>",
            {
                "code": "cleartext_auth_disabled",
                "failure": "plaintext_disallowed",
                "server_port": "143",
                "tls_flag": "none",
            },
            "format-derived (log-formats.md c2: 2.4 reason and code for a refused cleartext login)",
        ),
        Example(
            "Jul 31 20:05:49 pegasoft dovecot: pop3-login: Login failed: Plaintext authentication disabled: user=<>, rip=151.1.221.25, lip=45.56.68.190, session=<Wm/26KVVVwCXAd0Z>",
            {
                "disconnect_text": "Login failed: Plaintext authentication disabled",
                "user_name": None,
                "failure": "plaintext_disallowed",
                "client_ip": "151.1.221.25",
                "session_id": "Wm/26KVVVwCXAd0Z",
            },
            "public log excerpt in a SparForte script (tests/data/SOURCES.md)",
        ),
        Example(
            "Jun 12 19:07:30 hostname dovecot[241]: imap-login: Login failed: Cleartext authentication disabled: user=<>, rip=192.0.2.241, lip=203.0.113.104, session=<9ZHq02g3J8S60fao>",
            {"failure": "plaintext_disallowed", "user_name": None, "tls_flag": "none"},
            "Dovecot 2.4 wording (client_check_plaintext_auth in src/login-common/client-common-auth.c)",
        ),
        Example(
            "Jun 12 19:07:31 hostname dovecot[241]: imap-login: Login failed: SSL required for authentication: user=<>, rip=192.0.2.241, lip=203.0.113.104, session=<9ZHq02g3J8S60fap>",
            {"failure": "plaintext_disallowed", "tls_flag": "none"},
            "Dovecot 2.3/2.4 wording (client_auth_begin_common, ssl = required)",
        ),
    ),
    not_examples=(
        "Sep 10 00:07:06 vpsbr dovecot[52217]: imap-login: Logged in: user=<ceo@example.com>, method=PLAIN, rip=198.51.100.7, lip=10.0.0.1, mpid=88721, secured, session=<x>",
        "Oct 13 09:22:59 canyon dovecot: pop3-login: Info: Login: user=<test@yourdomain.net>, method=PLAIN, rip=172.17.0.1, lip=172.17.0.2, mpid=18, TLS, session=<PeYcgjjOGOisEQAB>",
        "Aug 31 16:06:06 s166-62-100-187 dovecot: imap-login: Disconnected: a: a: a: a: a: a: a: a: a: a: a: a: a: a: a: a: a: a: a: a: a: a: test no match",
        "Nov 29 04:16:00 vm dovecot: auth: Debug: client in: AUTH\t1\tPLAIN\tservice=imap\tlip=127.0.0.1\trip=127.0.0.2",
    ),
)

DIALECTS: tuple[Dialect, ...] = (LOGIN, FAILED, *dovecot_auth.DIALECTS)

# Unrecognised lines are counted by shape for the login processes (imap-login, pop3-login, …):
# each of their lines is about a client logging in.
WATCHED = Watch(literals=("-login: ",), message=re.compile(r"[a-z0-9]{1,24}-login: "))
