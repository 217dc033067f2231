"""Real Postfix log lines and the fields each must yield, for the dialects in parsers.postfix.dialects.

Sources (see tests/data/SOURCES.md): ``pixelpark`` = corpus postfix/pixelpark-postfix-logsums__mail.log
(Postfix 3.x production, 2023), ``lab`` = corpus generated/lab-postfix3.7.11-dovecot2.3.19.1__*,
``fail2ban`` = corpus postfix/fail2ban__postfix.log, ``whyscream <case>`` = the message of that test
case in corpus postfix/whyscream-postfix-grok-patterns__test-data.tsv.log, which has no envelope:
one is added here. "format-derived" marks a line written from the format in research/log-formats.md
§b where no public sample was found.
"""

from __future__ import annotations

from parsers.dialect import Example

PIX = "corpus postfix/pixelpark-postfix-logsums__mail.log"
LAB = "corpus generated/lab-postfix3.7.11-dovecot2.3.19.1__mail-traditional.log"
LAB5424 = (
    "corpus generated/lab-postfix3.7.11-dovecot2.3.19.1__mail-rfc5424.log (APP-NAME cut to postfix)"
)
F2B = "corpus postfix/fail2ban__postfix.log"
JOURNAL = "corpus generated/journalctl-252__json.log"
ENV = "Jan 10 12:00:00 mx postfix/smtpd[4242]: "  # the envelope added to whyscream messages
ENV_SMTP = "Jan 10 12:00:00 mx postfix/smtp[4243]: "


def why(case: str) -> str:
    return (
        f"corpus postfix/whyscream-postfix-grok-patterns__test-data.tsv.log {case} (envelope added)"
    )


V6 = "2a02:8109:b240:41c8:9264:99a9:1b0d:15c8"

CONNECT = (
    Example(
        f"2023-03-14T00:31:06.294639+01:00 helga postfix/submission/smtpd[303987]: connect from unknown[{V6}]",
        {"client_host": "unknown", "client_ip": V6, "client_port": None},
        PIX,
    ),
    Example(
        "2023-03-14T00:08:35.911679+01:00 helga postfix/10025/smtpd[302614]: connect from localhost[127.0.0.1]",
        {"client_host": "localhost", "client_ip": "127.0.0.1"},
        PIX,
    ),
    Example(
        "Nov 29 04:14:23 vm postfix/submissions/smtpd[10744]: connect from unknown[127.0.0.2]",
        {"client_host": "unknown", "client_ip": "127.0.0.2"},
        LAB,
    ),
    Example(
        "<22>1 2026-11-29T04:14:23.576328+00:00 vm postfix 10744 - -  connect from unknown[127.0.0.2]",
        {"client_host": "unknown", "client_ip": "127.0.0.2"},
        LAB5424,
    ),
    Example(
        "Jan  1 00:00:00 hostname postfix/smtpd[12345]: connect from example.com[123.45.67.89]",
        {"client_host": "example.com", "client_ip": "123.45.67.89"},
        "corpus postfix/sergeymakinen-postfix_exporter__mail.log",
    ),
    Example(
        "Aug  4 16:47:50 mail3 postfix-mx/smtpd[31152]: connect from unknown[192.0.2.237]:55729",
        {"client_ip": "192.0.2.237", "client_port": "55729"},
        "format-derived (log-formats.md b0: smtpd_client_port_logging; postfix-mx multi-instance name)",
    ),
)
CONNECT_NOT = (
    "Mar 14 00:31:06 helga postfix/submission/smtpd[303987]: disconnect from unknown[192.0.2.1] ehlo=1 quit=1 commands=2",
    "Feb 24 16:18:40 letterman postfix/postscreen[1234]: CONNECT from [1.2.3.4]:5678 to [5.6.7.8]:25",
    "2023-03-14T00:05:05.352143+01:00 helga postfix/tlsproxy[301555]: CONNECT from [122.189.87.41]:52908",
)

DISCONNECT = (
    Example(
        f"2023-03-14T00:31:06.651444+01:00 helga postfix/submission/smtpd[303987]: disconnect from unknown[{V6}] ehlo=2 starttls=1 auth=1 mail=1 rcpt=1 data=1 quit=1 commands=8",
        {
            "client_ip": V6,
            "cmd_ehlo": "2",
            "cmd_starttls": "1",
            "cmd_auth": "1",
            "starttls_ok": "1",
            "starttls_attempts": "1",
            "auth_ok": "1",
            "auth_attempts": "1",
            "commands_ok": "8",
            "commands_total": "8",
        },
        PIX,
    ),
    Example(
        "Nov 29 04:14:16 vm postfix/submission/smtpd[10736]: disconnect from unknown[127.0.0.2] ehlo=1 starttls=0/1 commands=1/2",
        {
            "cmd_starttls": "0/1",
            "starttls_ok": "0",
            "starttls_attempts": "1",
            "auth_ok": "0",
            "auth_attempts": "0",
            "commands_ok": "1",
            "commands_total": "2",
        },
        LAB,
    ),
    Example(
        "Nov 29 04:14:35 vm postfix/submissions/smtpd[10744]: disconnect from unknown[127.0.0.2] ehlo=1 auth=0/2 commands=1/3",
        {"auth_ok": "0", "auth_attempts": "2", "starttls_ok": "0", "starttls_attempts": "0"},
        LAB,
    ),
    Example(
        "Nov 29 04:14:27 vm postfix/submissions/smtpd[10744]: disconnect from unknown[127.0.0.2] commands=0/0",
        {"commands_ok": "0", "commands_total": "0", "auth_attempts": "0"},
        LAB,
    ),
    Example(
        "<22>1 2026-11-29T04:14:16.112720+00:00 vm postfix 10736 - -  disconnect from unknown[127.0.0.2] ehlo=1 starttls=0/1 commands=1/2",
        {"starttls_ok": "0", "starttls_attempts": "1"},
        LAB5424,
    ),
    Example(
        "2023-03-14T04:52:51.090569+01:00 helga postfix/submission/smtpd[320809]: disconnect from unknown[198.235.24.129] unknown=0/1 commands=0/1",
        {"cmd_unknown": "0/1", "commands_ok": "0", "commands_total": "1"},
        PIX,
    ),
    Example(
        "Feb 10 13:26:34 srv postfix/smtp-25/smtpd[123]: disconnect from unknown[192.0.2.1] helo=1 auth=0/1 quit=1 commands=2/3",
        {"cmd_helo": "1", "auth_ok": "0", "auth_attempts": "1"},
        F2B,
    ),
    Example(
        ENV + "disconnect from unknown[unknown] commands=0/0",
        {"client_host": "unknown", "client_ip": None, "commands_total": "0"},
        why("smtpd_0032"),
    ),
    Example(
        ENV + "disconnect from 061238241086.static.ctinets.com[61.238.241.86]",
        {
            "client_ip": "61.238.241.86",
            "starttls_ok": None,
            "auth_attempts": None,
            "commands_total": None,
        },
        why("smtpd_0002"),
    ),
)
DISCONNECT_NOT = (
    "Mar 14 00:31:06 helga postfix/submission/smtpd[303987]: connect from unknown[192.0.2.1]",
    "2023-03-14T00:05:07.150928+01:00 helga postfix/tlsproxy[301555]: DISCONNECT [122.189.87.41]:52908",
)

CLIENT_LINE = (
    Example(
        f"2023-03-14T00:31:06.621091+01:00 helga postfix/submission/smtpd[303987]: 4PbCZy4PWKz3tBr: client=unknown[{V6}], sasl_method=PLAIN, sasl_username=vmail@uhu-banane.net",
        {
            "queue_id": "4PbCZy4PWKz3tBr",
            "client_ip": V6,
            "auth_method": "PLAIN",
            "user_name": "vmail@uhu-banane.net",
        },
        PIX,
    ),
    Example(
        "2023-03-14T00:08:35.917122+01:00 helga postfix/10025/smtpd[302614]: 4PbC4z6W5Qz3tG3: client=localhost[127.0.0.1]",
        {
            "queue_id": "4PbC4z6W5Qz3tG3",
            "client_host": "localhost",
            "auth_method": None,
            "user_name": None,
        },
        PIX,
    ),
    Example(
        "Oct 30 13:19:26 mailgw-out1 postfix/smtpd[27530]: EB4B2C19E2: client=xxx[1.2.3.4], sasl_method=PLAIN, sasl_username=user@domain",
        {
            "queue_id": "EB4B2C19E2",
            "client_ip": "1.2.3.4",
            "auth_method": "PLAIN",
            "user_name": "user@domain",
        },
        "corpus postfix/kumina-postfix_exporter__test-lines.log",
    ),
    Example(
        "Feb 24 16:42:00 letterman postfix/smtpd[24906]: 1CF582025C: client=xxx[2.3.4.5]",
        {"queue_id": "1CF582025C", "client_ip": "2.3.4.5"},
        "corpus postfix/hsn723-postfix_exporter__test-lines.log",
    ),
    Example(
        ENV + "4104E3D: client=061238241086.static.ctinets.com[61.238.241.86]",
        {"queue_id": "4104E3D", "client_host": "061238241086.static.ctinets.com"},
        why("smtpd_0003"),
    ),
    Example(
        "Mar 14 00:31:06 mx postfix/submissions/smtpd[1234]: 4PbCZy4PWKz3tBr: client=mua.example.net[192.0.2.9]:51234, sasl_method=login, sasl_username=bob@example.net, sasl_sender=bob@example.net",
        {"auth_method": "LOGIN", "client_port": "51234", "sasl_sender": "bob@example.net"},
        "format-derived (log-formats.md b3: smtpd.c queue line with sasl_sender)",
    ),
    Example(
        "Jun 12 19:14:31 collab postfix/smtpd[9371]: NOQUEUE: client=russian-caravan.cloud9.net[168.100.1.4]",
        {"queue_id": None, "client_host": "russian-caravan.cloud9.net", "client_ip": "168.100.1.4"},
        "before-queue content filter (smtpd_proxy_filter): public log excerpt, tests/data/SOURCES.md",
    ),
    Example(
        "May  2 11:23:11 host postfix/smtpd[24062]: NOQUEUE: client=client.domain.example[1.2.3.4], sasl_method=PLAIN, sasl_username=user@domain.example",
        {
            "queue_id": None,
            "client_ip": "1.2.3.4",
            "auth_method": "PLAIN",
            "user_name": "user@domain.example",
        },
        "before-queue proxy with SMTP AUTH: comment in a public log analyser, tests/data/SOURCES.md",
    ),
)
CLIENT_LINE_NOT = (
    "2023-03-14T00:31:06.648747+01:00 helga postfix/cleanup[304008]: 4PbCZy4PWKz3tBr: message-id=<20230313233104.C4ABB401A8@bruni.home.brehm-online.com>",
)

SASL_FAILED = (
    Example(
        "Nov 29 04:13:48 vm postfix/submission/smtpd[10677]: warning: unknown[127.0.0.2]: SASL PLAIN authentication failed: (reason unavailable), sasl_username=alice@example.org",
        {
            "client_ip": "127.0.0.2",
            "auth_method": "PLAIN",
            "reason": "(reason unavailable)",
            "user_name": "alice@example.org",
        },
        LAB,
    ),
    Example(
        "<20>1 2026-11-29T04:14:27.270840+00:00 vm postfix 10744 - -  warning: unknown[127.0.0.2]: SASL LOGIN authentication failed: (reason unavailable), sasl_username=alice@example.org",
        {"auth_method": "LOGIN", "user_name": "alice@example.org"},
        LAB5424,
    ),
    Example(
        "Mar 10 13:33:30 gandalf postfix/smtpd[3937]: warning: HOSTNAME[1.1.1.1]: SASL LOGIN authentication failed: authentication failure",
        {"client_host": "HOSTNAME", "reason": "authentication failure", "user_name": None},
        F2B,
    ),
    Example(
        "Aug 4 16:47:52 mail3 postfix/smtpd[31152]: warning: unknown[192.0.2.237]:55729: SASL LOGIN authentication failed: authentication failure",
        {"client_ip": "192.0.2.237", "client_port": "55729", "auth_method": "LOGIN"},
        F2B,
    ),
    Example(
        "Sep  6 00:44:57 trianon postfix/submission/smtpd[11538]: warning: unknown[82.221.106.233]: SASL login authentication failed: UGFzc3dvcmQ6",
        {"auth_method": "LOGIN", "reason": "UGFzc3dvcmQ6"},
        F2B,
    ),
    Example(
        "Aug 3 15:30:49 ksusha postfix/smtpd[17041]: warning: mail.foldsandwalker.com[98.191.84.74]: SASL Plain authentication failed:",
        {"auth_method": "PLAIN", "reason": ""},
        F2B,
    ),
    Example(
        "Dec  2 22:24:22 hel postfix/smtpd[7676]: warning: 114-44-142-233.dynamic.hinet.net[114.44.142.233]: SASL CRAM-MD5 authentication failed: PDc3OTEwNTkyNTEyMzA2NDIuMTIyODI1MzA2MUBoZWw+",
        {"auth_method": "CRAM-MD5"},
        F2B,
    ),
    Example(
        "Sep 28 00:33:22 srv postfix/smtps/smtpd[999542]: warning: unknown[220.180.37.144]: SASL LOGIN authentication failed: (reason unavailable), sasl_username=admin",
        {"user_name": "admin", "client_ip": "220.180.37.144"},
        "corpus postfix/maillogsentinel__sample_sasl.log",
    ),
    Example(
        "Feb  3 08:29:28 mail postfix/smtpd[21022]: warning: unknown[1.1.1.1]: SASL LOGIN authentication failed: Connection lost to authentication server",
        {"reason": "Connection lost to authentication server"},
        F2B,
    ),
    Example(
        "Apr 26 10:55:19 tcc1 postfix/smtpd[21126]: warning: laptop.local[192.168.1.2]: SASL PLAIN authentication failed: generic failure",
        {"client_host": "laptop.local", "reason": "generic failure"},
        "corpus postfix/kumina-postfix_exporter__test-lines.log",
    ),
)
SASL_FAILED_NOT = (
    "Apr 26 10:55:19 tcc1 postfix/smtpd[21126]: warning: SASL authentication failure: Password verification failed",
    ENV_SMTP
    + "D0F29603B4: SASL authentication failed; server xyz.example.com[1.2.3.4] said: 535 5.7.8 Error: authentication failed: authentication failure",
)

AFTER = {
    "postfix.smtpd.lost_connection": (
        Example(
            "2023-03-14T02:47:08.105903+01:00 helga postfix/submission/smtpd[312857]: lost connection after STARTTLS from scanner-25.ch1.censys-scanner.com[162.142.125.223]",
            {"after": "STARTTLS", "client_ip": "162.142.125.223", "queue_id": None},
            PIX,
        ),
        Example(
            "Nov 29 04:14:27 vm postfix/submissions/smtpd[10744]: lost connection after CONNECT from unknown[127.0.0.2]",
            {"after": "CONNECT"},
            LAB,
        ),
        Example(
            "Sep 17 18:19:20 mxhost postfix/smtpd[12345]: NOQUEUE: lost connection after CONNECT from unknown[192.0.2.25]",
            {"after": "CONNECT", "queue_id": None, "client_ip": "192.0.2.25"},
            F2B,
        ),
        Example(
            ENV + "lost connection after DATA (7774180 bytes) from unknown[72.13.58.7]",
            {"after": "DATA", "bytes": "7774180"},
            why("smtpd_0011"),
        ),
        Example(
            ENV + "lost connection after UNKNOWN from unknown[2001:456:cfb1:1:f5d7:dead:beef:cafe]",
            {"after": "UNKNOWN", "client_ip": "2001:456:cfb1:1:f5d7:dead:beef:cafe"},
            why("smtpd_0012"),
        ),
        Example(
            "<22>1 2026-11-29T04:14:16.112702+00:00 vm postfix 10736 - -  lost connection after STARTTLS from unknown[127.0.0.2]",
            {"after": "STARTTLS"},
            LAB5424,
        ),
        Example(
            "Mar 14 00:31:07 mx postfix/submission/smtpd[4242]: 4PbCZy4PWKz3tBr: lost connection after DATA from unknown[192.0.2.8]",
            {"after": "DATA", "queue_id": "4PbCZy4PWKz3tBr"},
            "format-derived (log-formats.md b4: Postfix 3.10 queue-id prefix)",
        ),
        Example(
            "Dec 24 14:33:56 testmail postfix/smtpd[20379]: lost connection after DATA (0 bytes) from unknown[123.123.123.123]",
            {"after": "DATA", "bytes": "0", "client_ip": "123.123.123.123"},
            "public parser test data, tests/data/SOURCES.md",
        ),
        Example(
            "Dec 24 14:33:57 testmail postfix/smtpd[20379]: lost connection after DATA (approximately 0 bytes) from unknown[123.123.123.124]",
            {"after": "DATA", "bytes": "0", "client_ip": "123.123.123.124"},
            "format of smtpd.c in the Postfix 2.6 snapshots (postfix-2.6-20080629 to 20090404)",
        ),
        Example(
            "Apr 22 10:00:01 mx postfix/smtpd[5150]: lost connection after BDAT (65536 bytes) from mail-db3eur04on2050.outbound.protection.outlook.com[40.107.6.50]",
            {"after": "BDAT", "bytes": "65536"},
            "format of smtpd.c since Postfix 3.4 (BDAT byte count)",
        ),
        Example(
            "Apr 22 10:00:02 mx postfix/smtpd[5151]: NOQUEUE: lost connection after DATA (0 bytes) from unknown[192.0.2.26]",
            {"after": "DATA", "bytes": "0", "queue_id": None},
            "format of smtpd.c since Postfix 3.10 (queue id or NOQUEUE, then the byte count)",
        ),
    ),
    "postfix.smtpd.timeout": (
        Example(
            "2023-03-15T20:42:13.365401+01:00 helga postfix/submission/smtpd[482723]: timeout after EHLO from 200123004113.gtdperu.pe[200.123.4.113]",
            {"after": "EHLO", "client_host": "200123004113.gtdperu.pe"},
            PIX,
        ),
        Example(
            ENV + "timeout after END-OF-MESSAGE from unknown[72.13.58.7]",
            {"after": "END-OF-MESSAGE"},
            why("smtpd_0014"),
        ),
        Example(
            "Aug 25 15:15:58 mail postfix/smtpd[24337]: timeout after DATA (0 bytes) from unknown[46.100.157.63]",
            {"after": "DATA", "bytes": "0"},
            "public log excerpt in a fail2ban-style filter comment, tests/data/SOURCES.md",
        ),
    ),
    "postfix.smtpd.too_many_errors": (
        Example(
            "2016-03-20T13:30:53.574978+01:00 tron postfix/smtpd[32655]: too many errors after RCPT from unknown[157.122.148.252]",
            {"after": "RCPT", "client_ip": "157.122.148.252"},
            "corpus postfix/wazuh-ruleset__log-entries-postfix.log",
        ),
        Example(
            "Jun  3 06:25:43 srv postfix/smtpd[29306]: too many errors after RCPT from example.com[192.0.2.11]",
            {"after": "RCPT", "client_host": "example.com"},
            F2B,
        ),
        Example(
            "Jun  3 06:25:44 srv postfix/smtpd[29307]: too many errors after DATA (approximately 12 bytes) from example.com[192.0.2.12]",
            {"after": "DATA", "bytes": "12", "client_host": "example.com"},
            "format of smtpd.c in the Postfix 2.6 snapshots (postfix-2.6-20080629 to 20090404)",
        ),
    ),
}
AFTER_NOT = (
    "Dec 25 02:35:54 platypus postfix/smtpd[9144]: improper command pipelining after RSET from 173-10-140-217-BusName-washingtonDC.hfc.comcastbusiness.net[173.10.140.217]",
)
