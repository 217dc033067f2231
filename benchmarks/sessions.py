"""Whole, coherent mail sessions as log records ``(time, host, tag, message)``.

Each method writes one session — connect to disconnect on one Postfix pid, login to logout on
one Dovecot session id — with its own small delays, so sessions interleave once the records of a
time window are sorted. Line shapes follow the formats catalogued in the research notes
(Postfix 3.x smtpd/TLS/SASL, Dovecot 2.3 login and post-login lines); the templates are ours.
"""

from __future__ import annotations

import base64
import random
from bisect import bisect
from collections.abc import Callable
from itertools import accumulate

from benchmarks.population import (
    CIPHERS,
    MAIL_HOSTS,
    MX_HOST,
    SERVER_IP,
    Device,
    User,
    public_ip,
    remote_mta,
)

Record = tuple[float, str, str, str]

FQDN = {h: f"{h}.example.org" for h in (MX_HOST, *MAIL_HOSTS)}
FULL_LOGIN_FORMAT = frozenset({"mail1"})  # Dovecot with lport=%a and %k in login lines
NEW_WORDING = frozenset({"mail1"})  # Dovecot 2.3.15+ failure wording; mail2 runs an older 2.3
ALLOWS_CLEARTEXT = frozenset({"mail1"})
PFS_SUFFIX = " key-exchange X25519 server-signature RSA-PSS (2048 bits) server-digest SHA256"
BOT_NAMES = ("admin", "info", "test", "support", "office", "sales", "user", "webmaster", "contact")
SASL_REASONS = ("authentication failure", "UGFzc3dvcmQ6", "(reason unavailable)")
OUTBOUND = (
    ("gmail-smtp-in.l.google.com", "142.250.{b}.27", "Verified", "TLSv1.3", "gmail.com"),
    ("mx{n}.mail.outlook.example", "52.101.{b}.{n}", "Trusted", "TLSv1.2", "outlook.example"),
    ("mx.partner.example", "198.51.100.{n}", "Untrusted", "TLSv1.2", "partner.example"),
    (
        "mail.legacy-partner.example",
        "203.0.113.{n}",
        "Anonymous",
        "TLSv1",
        "legacy-partner.example",
    ),
)


def rint(rng: random.Random, low: int, high: int) -> int:
    """``rng.randint`` at a third of its cost (the generator calls it a few times per line)."""
    return low + int(rng.random() * (high - low + 1))


def counters(*pairs: str) -> str:
    """Postfix's disconnect counters, ``commands=`` summed from the ``name=ok[/total]`` pairs."""
    ok = total = 0
    for pair in pairs:
        value = pair.partition("=")[2]
        good, _, tried = value.partition("/")
        ok += int(good)
        total += int(tried or good)
    summary = f"commands={ok}" if ok == total else f"commands={ok}/{total}"
    return " ".join((*pairs, summary))


def tls_summary(trust: str, direction: str, peer: str, version: str, cipher: str, bits: str) -> str:
    line = f"{trust} TLS connection established {direction} {peer}: {version} with cipher {cipher} ({bits} bits)"
    return line + PFS_SUFFIX if version in ("TLSv1.3", "TLSv1.2") else line


class Site:
    """The servers of one site; appends each session's records to ``self.out``."""

    def __init__(self, rng: random.Random, users: list[User]) -> None:
        self.rng = rng
        self.users = users
        self.user_weights = list(accumulate(u.activity for u in users))
        self.out: list[Record] = []
        self._pid = rint(rng, 2000, 30000)
        self._queue = rng.getrandbits(40)
        self.daemon_pid = {
            h: {d: self.pid() for d in ("qmgr", "postscreen", "anvil")} for h in FQDN
        }
        kinds: list[tuple[float, Callable[[float], None]]] = [
            (0.44, self.mailbox_session),
            (0.21, self.inbound_mail),
            (0.06, self.submission),
            (0.07, self.postscreen_reject),
            (0.04, self.smtp_password_guess),
            (0.04, self.dovecot_password_guess),
            (0.04, self.smtp_probe),
            (0.03, self.dovecot_probe),
            (0.02, self.mistyped_password),
            (0.02, self.relay_attempt),
            (0.03, self.cron_mail),
        ]
        self.kind_weights = list(accumulate(w for w, _ in kinds))
        self.kinds = [k for _, k in kinds]

    # -- identifiers ---------------------------------------------------------------------------
    def pid(self) -> int:
        self._pid = (self._pid + rint(self.rng, 1, 37)) % 4_000_000 or 300
        return self._pid

    def queue_id(self) -> str:
        self._queue = (self._queue + 0x9E3779B1) & 0xFF_FFFF_FFFF
        return f"{self._queue:010X}"

    def session_id(self) -> str:
        return base64.b64encode(self.rng.getrandbits(96).to_bytes(12, "big")).decode()

    def user(self) -> User:
        rng = self.rng
        return self.users[bisect(self.user_weights, rng.random() * self.user_weights[-1])]

    def one_session(self, t: float) -> None:
        rng = self.rng
        self.kinds[bisect(self.kind_weights, rng.random() * self.kind_weights[-1])](t)

    # -- shared pieces -------------------------------------------------------------------------
    def queue_lines(
        self, t: float, host: str, qid: str, sender: str, size: int, rcpts: int
    ) -> None:
        out = self.out
        out.append(
            (
                t,
                host,
                f"postfix/cleanup[{self.pid()}]",
                f"{qid}: message-id=<{qid.lower()}.{int(t)}@{sender.partition('@')[2] or 'example.org'}>",
            )
        )
        out.append(
            (
                t + 0.004,
                host,
                f"postfix/qmgr[{self.daemon_pid[host]['qmgr']}]",
                f"{qid}: from=<{sender}>, size={size}, nrcpt={rcpts} (queue active)",
            )
        )

    def deliver_local(self, t: float, host: str, qid: str, user: User) -> float:
        """Postfix hands the message to Dovecot LMTP on the user's server; returns the end time."""
        rng, out = self.rng, self.out
        lmtp_pid, server = self.pid(), user.server
        out.append((t, server, "dovecot", f"lmtp({lmtp_pid}): Connect from {SERVER_IP[host]}"))
        out.append(
            (
                t + 0.02,
                server,
                "dovecot",
                f"lmtp({user.name})<{lmtp_pid}><{self.session_id()}>: msgid=<{qid.lower()}@{FQDN[host]}>: saved mail to INBOX",
            )
        )
        out.append(
            (
                t + 0.03,
                server,
                "dovecot",
                f"lmtp({lmtp_pid}): Disconnect from {SERVER_IP[host]}: Client has quit the connection (state=READY)",
            )
        )
        delay = round(0.05 + rng.random(), 2)
        out.append(
            (
                t + 0.04,
                host,
                f"postfix/lmtp[{self.pid()}]",
                f"{qid}: to=<{user.name}>, relay={FQDN[server]}[{SERVER_IP[server]}]:24, delay={delay}, delays={delay / 2:.2g}/0.01/0.01/0.02, dsn=2.0.0, status=sent (250 2.0.0 <{user.name}> {self.session_id()[:14]} Saved)",
            )
        )
        return t + 0.04

    def deliver_remote(self, t: float, host: str, qid: str) -> float:
        rng, out = self.rng, self.out
        mx, ip, trust, version, domain = OUTBOUND[min(int(rng.expovariate(1.2)), len(OUTBOUND) - 1)]
        mx, ip = mx.format(n=rint(rng, 1, 9)), ip.format(b=rint(rng, 0, 255), n=rint(rng, 1, 254))
        pid = self.pid()
        cipher, bits = rng.choice(CIPHERS[version])
        out.append(
            (
                t + 0.3,
                host,
                f"postfix/smtp[{pid}]",
                tls_summary(trust, "to", f"{mx}[{ip}]:25", version, cipher, bits),
            )
        )
        delay = round(0.4 + rng.random() * 2, 2)
        out.append(
            (
                t + 0.6,
                host,
                f"postfix/smtp[{pid}]",
                f"{qid}: to=<{rng.choice(BOT_NAMES)}.{rint(rng, 1, 999)}@{domain}>, relay={mx}[{ip}]:25, delay={delay}, delays=0.1/0.01/0.2/{delay - 0.31:.2f}, dsn=2.0.0, status=sent (250 2.0.0 Ok: queued as {self.queue_id()})",
            )
        )
        return t + 0.6

    def removed(self, t: float, host: str, qid: str) -> None:
        self.out.append(
            (t + 0.001, host, f"postfix/qmgr[{self.daemon_pid[host]['qmgr']}]", f"{qid}: removed")
        )

    # -- Dovecot -------------------------------------------------------------------------------
    def login_elements(
        self,
        host: str,
        user: str,
        method: str,
        rip: str,
        lport: int,
        mpid: int | None,
        flag: str,
        security: str,
        session: str,
    ) -> str:
        parts = [f"user=<{user}>"]
        if method:
            parts.append(f"method={method}")
        parts.append(f"rip={rip}")
        parts.append(f"lip={'127.0.0.1' if rip == '127.0.0.1' else SERVER_IP[host]}")
        full = host in FULL_LOGIN_FORMAT
        if full:
            parts.append(f"lport={lport}")
        if mpid is not None:
            parts.append(f"mpid={mpid}")
        if flag:
            parts.append(flag)
        if full and security:
            parts.append(security)
        parts.append(f"session=<{session}>")
        return ", ".join(parts)

    def login_failed(self, t: float, host: str, service: str, reason: str, elements: str) -> None:
        if host in NEW_WORDING:
            text = f"Disconnected: Connection closed ({reason})"
        else:
            text = f"Disconnected ({reason})"
        self.out.append((t, host, "dovecot", f"{service}-login: {text}: {elements}"))

    def mailbox_session(self, t: float, user: User | None = None) -> None:
        rng, out = self.rng, self.out
        user = user or self.user()
        device: Device = rng.choice(user.devices)
        host, service, session = user.server, device.service, self.session_id()
        if not device.flag and host not in ALLOWS_CLEARTEXT:
            elements = self.login_elements(
                host, "", "", device.ip, device.port, None, "", "", session
            )
            if host in NEW_WORDING:
                text = "Disconnected: Aborted login by logging out"
            else:
                text = "Aborted login"
            out.append(
                (
                    t,
                    host,
                    "dovecot",
                    f"{service}-login: {text} (tried to use disallowed plaintext auth): {elements}",
                )
            )
            return
        mpid = self.pid()
        security = (
            f"{device.tls_version} with cipher {device.cipher} ({device.bits} bits)"
            if device.tls_version
            else ""
        )
        method = "PLAIN" if rng.random() < 0.8 else "LOGIN"
        elements = self.login_elements(
            host, user.name, method, device.ip, device.port, mpid, device.flag, security, session
        )
        out.append((t, host, "dovecot", f"{service}-login: Login: {elements}"))
        if service == "pop3":
            end = t + rng.random() * 4
            retr = rint(rng, 0, 6)
            logout = f"Logged out top=0/0, retr={retr}/{retr * rint(rng, 2000, 90000)}, del={retr}/{rint(rng, retr, 400)}, size={rint(rng, 10_000, 90_000_000)}"
        else:
            end = t + min(rng.expovariate(1 / 240), 3600)
            logout = f"Logged out in={rint(rng, 30, 4000)} out={rint(rng, 400, 900_000)} deleted={rint(rng, 0, 3)} expunged=0 trashed=0 hdr_count={rint(rng, 0, 40)} hdr_bytes={rint(rng, 0, 90000)} body_count={rint(rng, 0, 9)} body_bytes={rint(rng, 0, 900_000)}"
            if rng.random() < 0.06:
                logout = "Disconnected for inactivity" + logout[10:]
        out.append(
            (
                end,
                host,
                "dovecot",
                f"{service}({user.name})<{mpid}><{session}>: Disconnected: {logout}",
            )
        )

    def mistyped_password(self, t: float) -> None:
        user = self.user()
        device = self.rng.choice(user.devices)
        host, session = user.server, self.session_id()
        self.out.append(
            (
                t,
                host,
                "dovecot",
                f"auth: passwd-file({user.name},{device.ip},<{session}>): Password mismatch",
            )
        )
        security = (
            f"{device.tls_version} with cipher {device.cipher} ({device.bits} bits)"
            if device.tls_version
            else ""
        )
        elements = self.login_elements(
            host, user.name, "PLAIN", device.ip, device.port, None, device.flag, security, session
        )
        self.login_failed(
            t + 2.1, host, device.service, "auth failed, 1 attempts in 2 secs", elements
        )
        self.mailbox_session(t + 9, user)

    def dovecot_password_guess(self, t: float) -> None:
        rng = self.rng
        host, ip = rng.choice(MAIL_HOSTS), public_ip(rng)
        tls = rng.random() < 0.4
        service, port = (
            ("imap", 993 if tls else 143) if rng.random() < 0.8 else ("pop3", 995 if tls else 110)
        )
        for _ in range(rint(rng, 1, 4)):
            session = self.session_id()
            name = rng.choice(BOT_NAMES) + (
                "@" + rng.choice(("example.org", "example.com")) if rng.random() < 0.6 else ""
            )
            verdict = "unknown user" if rng.random() < 0.7 else "Password mismatch"
            attempts = rint(rng, 1, 3)
            self.out.append(
                (t, host, "dovecot", f"auth: passwd-file({name},{ip},<{session}>): {verdict}")
            )
            security = (
                "TLSv1.2 with cipher ECDHE-RSA-AES256-GCM-SHA384 (256/256 bits)" if tls else ""
            )
            elements = self.login_elements(
                host, name, "PLAIN", ip, port, None, "TLS" if tls else "", security, session
            )
            t += 2 + rng.random() * 4
            self.login_failed(
                t,
                host,
                service,
                f"auth failed, {attempts} attempts in {int(t) % 9 + 2} secs",
                elements,
            )

    def dovecot_probe(self, t: float) -> None:
        rng = self.rng
        host, ip = rng.choice(MAIL_HOSTS), public_ip(rng)
        error = rng.choice(
            (
                "error:0A00010B:SSL routines::wrong version number",
                "error:0A000102:SSL routines::unsupported protocol",
                "error:0A0000C1:SSL routines::no shared cipher",
            )
        )
        reason = rng.choice(
            ("no auth attempts in 0 secs", "disconnected before auth was ready, waited 0 secs")
        )
        elements = self.login_elements(
            host,
            "",
            "",
            ip,
            993,
            None,
            f"TLS handshaking: SSL_accept() failed: {error}",
            "",
            self.session_id(),
        )
        self.login_failed(t, host, rng.choice(("imap", "pop3")), reason, elements)

    # -- Postfix ---------------------------------------------------------------------------------
    def inbound_mail(self, t: float) -> None:
        rng, out = self.rng, self.out
        host = MX_HOST
        rdns, ip, version = remote_mta(rng)
        port = rint(rng, 1024, 65535)
        ps = f"postfix/postscreen[{self.daemon_pid[host]['postscreen']}]"
        out.append((t, host, ps, f"CONNECT from [{ip}]:{port} to [{SERVER_IP[host]}]:25"))
        out.append((t + 0.05, host, ps, f"PASS OLD [{ip}]:{port}"))
        tag, peer, qid = f"postfix/smtpd[{self.pid()}]", f"{rdns}[{ip}]", self.queue_id()
        out.append((t + 0.06, host, tag, f"connect from {peer}"))
        if version:
            cipher, bits = rng.choice(CIPHERS[version])
            out.append(
                (t + 0.2, host, tag, tls_summary("Anonymous", "from", peer, version, cipher, bits))
            )
        out.append((t + 0.3, host, tag, f"{qid}: client={peer}"))
        rcpts = [self.user() for _ in range(1 if rng.random() < 0.7 else rint(rng, 2, 5))]
        self.queue_lines(
            t + 0.4,
            host,
            qid,
            f"news@{rdns.partition('.')[2] or 'example.net'}",
            rint(rng, 2000, 400_000),
            len(rcpts),
        )
        rcpt = f"rcpt={len(rcpts)}"
        pairs = (
            ("ehlo=2", "starttls=1", "mail=1", rcpt, "data=1", "quit=1")
            if version
            else ("ehlo=1", "mail=1", rcpt, "data=1", "quit=1")
        )
        out.append((t + 0.5, host, tag, f"disconnect from {peer} {counters(*pairs)}"))
        end = t + 0.5
        for user in rcpts:
            end = self.deliver_local(end + 0.01, host, qid, user)
        self.removed(end, host, qid)

    def submission(self, t: float) -> None:
        rng, out = self.rng, self.out
        user = self.user()
        sender, host = user.sender, user.server
        tag, peer, qid = (
            f"{sender.syslog_name}/smtpd[{self.pid()}]",
            f"{sender.rdns}[{sender.ip}]",
            self.queue_id(),
        )
        out.append((t, host, tag, f"connect from {peer}"))
        if sender.tls_version:
            out.append(
                (
                    t + 0.1,
                    host,
                    tag,
                    tls_summary(
                        "Anonymous", "from", peer, sender.tls_version, sender.cipher, sender.bits
                    ),
                )
            )
        method = "PLAIN" if rng.random() < 0.7 else "LOGIN"
        out.append(
            (
                t + 0.3,
                host,
                tag,
                f"{qid}: client={peer}, sasl_method={method}, sasl_username={user.name}",
            )
        )
        self.queue_lines(t + 0.35, host, qid, user.name, rint(rng, 900, 3_000_000), 1)
        if sender.tls_version and sender.syslog_name == "postfix/submission":
            pairs: tuple[str, ...] = (
                "ehlo=2",
                "starttls=1",
                "auth=1",
                "mail=1",
                "rcpt=1",
                "data=1",
                "quit=1",
            )
        else:
            pairs = ("ehlo=1", "auth=1", "mail=1", "rcpt=1", "data=1", "quit=1")
        out.append((t + 0.4, host, tag, f"disconnect from {peer} {counters(*pairs)}"))
        if rng.random() < 0.25:
            end = self.deliver_local(t + 0.45, host, qid, self.user())
        else:
            end = self.deliver_remote(t + 0.45, host, qid)
        self.removed(end, host, qid)

    def smtp_password_guess(self, t: float) -> None:
        rng, out = self.rng, self.out
        host = rng.choice((MX_HOST, *MAIL_HOSTS))
        syslog_name = (
            "postfix"
            if host == MX_HOST
            else rng.choice(("postfix/submission", "postfix/submissions"))
        )
        tag, peer = f"{syslog_name}/smtpd[{self.pid()}]", f"unknown[{public_ip(rng)}]"
        out.append((t, host, tag, f"connect from {peer}"))
        starttls = syslog_name == "postfix/submission"
        if syslog_name != "postfix":
            cipher, bits = rng.choice(CIPHERS["TLSv1.2"])
            out.append(
                (
                    t + 0.3,
                    host,
                    tag,
                    tls_summary("Anonymous", "from", peer, "TLSv1.2", cipher, bits),
                )
            )
        tries = rint(rng, 1, 3)
        for i in range(tries):
            reason = rng.choice(SASL_REASONS)
            if host == MX_HOST:  # Postfix >= 3.7.8 names the user it was given
                reason += f", sasl_username={rng.choice(BOT_NAMES)}@example.org"
            out.append(
                (
                    t + 1 + i * 2.5,
                    host,
                    tag,
                    f"warning: {peer}: SASL LOGIN authentication failed: {reason}",
                )
            )
        ehlo = "ehlo=2" if starttls else "ehlo=1"
        tls_pair = ("starttls=1",) if starttls else ()
        end = t + 1.5 + tries * 2.5
        if rng.random() < 0.5:
            out.append((end, host, tag, f"lost connection after AUTH from {peer}"))
            out.append(
                (
                    end,
                    host,
                    tag,
                    f"disconnect from {peer} {counters(ehlo, *tls_pair, f'auth=0/{tries}')}",
                )
            )
        else:
            out.append(
                (
                    end,
                    host,
                    tag,
                    f"disconnect from {peer} {counters(ehlo, *tls_pair, f'auth=0/{tries}', 'quit=1')}",
                )
            )

    def smtp_probe(self, t: float) -> None:
        rng, out = self.rng, self.out
        host = rng.choice((MX_HOST, *MAIL_HOSTS))
        syslog_name = (
            "postfix"
            if host == MX_HOST
            else rng.choice(("postfix/submission", "postfix/submissions"))
        )
        tag, peer = (
            f"{syslog_name}/smtpd[{self.pid()}]",
            f"{rng.choice(('unknown', 'scanner-7.census.example'))}[{public_ip(rng)}]",
        )
        out.append((t, host, tag, f"connect from {peer}"))
        if syslog_name == "postfix/submissions":
            out.append((t + 0.1, host, tag, f"SSL_accept error from {peer}: -1"))
            out.append(
                (
                    t + 0.1,
                    host,
                    tag,
                    "warning: TLS library problem: error:0A00010B:SSL routines::wrong version number:../ssl/record/ssl3_record.c:354:",
                )
            )
            out.append((t + 0.1, host, tag, f"lost connection after CONNECT from {peer}"))
            out.append((t + 0.1, host, tag, f"disconnect from {peer} commands=0/0"))
        elif rng.random() < 0.5:
            version = rng.choice(("TLSv1.2", "TLSv1.3", "TLSv1"))
            cipher, bits = rng.choice(CIPHERS[version])
            out.append(
                (t + 0.2, host, tag, tls_summary("Anonymous", "from", peer, version, cipher, bits))
            )
            out.append((t + 0.3, host, tag, f"lost connection after STARTTLS from {peer}"))
            out.append(
                (t + 0.3, host, tag, f"disconnect from {peer} {counters('ehlo=1', 'starttls=1')}")
            )
        else:
            out.append((t + 0.1, host, tag, f"lost connection after CONNECT from {peer}"))
            out.append((t + 0.1, host, tag, f"disconnect from {peer} commands=0/0"))

    def relay_attempt(self, t: float) -> None:
        rng, out = self.rng, self.out
        host = MX_HOST
        tag, peer = f"postfix/smtpd[{self.pid()}]", f"unknown[{public_ip(rng)}]"
        out.append((t, host, tag, f"connect from {peer}"))
        out.append(
            (
                t + 0.4,
                host,
                tag,
                f"NOQUEUE: reject: RCPT from {peer}: 554 5.7.1 <spam{rint(rng, 1, 99)}@elsewhere.example>: Relay access denied; from=<x@spam.example> to=<spam@elsewhere.example> proto=ESMTP helo=<WIN-{rng.getrandbits(24):06X}>",
            )
        )
        out.append(
            (
                t + 0.5,
                host,
                tag,
                f"disconnect from {peer} {counters('ehlo=1', 'mail=1', 'rcpt=0/1', 'quit=1')}",
            )
        )

    def postscreen_reject(self, t: float) -> None:
        rng, out = self.rng, self.out
        host, ip, port = MX_HOST, public_ip(self.rng), rint(rng, 1024, 65535)
        ps = f"postfix/postscreen[{self.daemon_pid[host]['postscreen']}]"
        out.append((t, host, ps, f"CONNECT from [{ip}]:{port} to [{SERVER_IP[host]}]:25"))
        out.append((t + 0.02, host, ps, f"DNSBL rank {rint(rng, 3, 9)} for [{ip}]:{port}"))
        out.append(
            (
                t + 6.1,
                host,
                ps,
                f"NOQUEUE: reject: RCPT from [{ip}]:{port}: 550 5.7.1 Service unavailable; client [{ip}] blocked using zen.dnsbl.example; from=<a@spam.example>, to=<{self.user().name}>, proto=ESMTP, helo=<spam.example>",
            )
        )
        out.append((t + 6.3, host, ps, f"DISCONNECT [{ip}]:{port}"))

    def cron_mail(self, t: float) -> None:
        out, host = self.out, self.rng.choice((MX_HOST, *MAIL_HOSTS))
        qid = self.queue_id()
        out.append((t, host, f"postfix/pickup[{self.pid()}]", f"{qid}: uid=0 from=<root>"))
        self.queue_lines(t + 0.01, host, qid, f"root@{FQDN[host]}", rint(self.rng, 600, 9000), 1)
        out.append(
            (
                t + 0.03,
                host,
                f"postfix/local[{self.pid()}]",
                f"{qid}: to=<root@{FQDN[host]}>, orig_to=<root>, relay=local, delay=0.03, delays=0.01/0.01/0/0.01, dsn=2.0.0, status=sent (delivered to mailbox)",
            )
        )
        self.removed(t + 0.03, host, qid)

    def anvil(self, t: float, stamp: str) -> None:
        rng = self.rng
        for host in FQDN:
            tag = f"postfix/anvil[{self.daemon_pid[host]['anvil']}]"
            self.out.append(
                (
                    t,
                    host,
                    tag,
                    f"statistics: max connection rate {rint(rng, 1, 9)}/60s for (smtp:{public_ip(rng)}) at {stamp}",
                )
            )
            self.out.append(
                (
                    t,
                    host,
                    tag,
                    f"statistics: max connection count {rint(rng, 1, 4)} for (smtp:{public_ip(rng)}) at {stamp}",
                )
            )
            self.out.append(
                (t, host, tag, f"statistics: max cache size {rint(rng, 1, 30)} at {stamp}")
            )
