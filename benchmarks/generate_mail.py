"""Write a seeded Maildir (or mbox) of M messages with realistic Received chains.

    python benchmarks/generate_mail.py --messages 20000 --seed 1 -o bench-out/Maildir
    python benchmarks/generate_mail.py --messages 20000 --mbox -o bench-out/mail.mbox

Every message was delivered to a local user by Dovecot LMTP (hop 0) and carries 2 to 6 Received
fields: our own Postfix submission hop (``with ESMTPSA`` and the ``using … with cipher …``
comment, legacy TLS for the users whose client is old), our MX receiving from Gmail, Exchange
Online, Exim and Sendmail-era hosts, and those providers' own internal hops. Header shapes follow
the research notes on Received formats; the templates are ours.
"""

from __future__ import annotations

import argparse
import base64
import random
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make the repository importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.population import CIPHERS, SERVER_IP, User, make_users, public_ip
from benchmarks.sessions import FQDN, rint

DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
POSTFIX_PFS = "\n\t key-exchange X25519 server-signature RSA-PSS (2048 bits) server-digest SHA256"
SCHANNEL = {
    "TLS1_2": "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
    "TLS1_3": "TLS_AES_256_GCM_SHA384",
    "TLS1_0": "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384_P256",
}


def rfc5322(when: datetime, zone_name: bool = True) -> str:
    """``Tue,  5 Mar 2024 10:06:51 +0000 (UTC)`` — Postfix pads the day with a space."""
    text = (
        f"{DAYS[when.weekday()]}, {when.day:2d} {MONTHS[when.month - 1]} {when.year} "
        f"{when.hour:02d}:{when.minute:02d}:{when.second:02d} +0000"
    )
    return text + " (UTC)" if zone_name else text


class Chains:
    """Builds Received chains top (newest) first; each hop is a folded header value."""

    def __init__(self, rng: random.Random, users: list[User]) -> None:
        self.rng = rng
        self.users = users
        self._id = rng.getrandbits(40)

    def ident(self, width: int = 10) -> str:
        self._id = (self._id + 0x9E3779B1) & 0xFF_FFFF_FFFF
        return f"{self._id:0{width}X}"[-width:]

    def lmtp_id(self) -> str:
        return base64.b64encode(self.rng.getrandbits(128).to_bytes(16, "big")).decode().rstrip("=")

    def lmtp(self, to: User, sender: str, when: datetime) -> str:
        return (
            f"from {FQDN['mx1']} ({FQDN['mx1']} [{SERVER_IP['mx1']}])\n\tby {FQDN[to.server]} "
            f"with LMTP id {self.lmtp_id()}\n\t(envelope-from <{sender}>)\n\tfor <{to.name}>; "
            f"{rfc5322(when)}"
        )

    def postfix_in(
        self, helo: str, rdns: str, ip: str, version: str, to: User, when: datetime
    ) -> str:
        rng = self.rng
        literal = f"IPv6:{ip}" if ":" in ip else ip
        text = f"from {helo} ({rdns} [{literal}])"
        if version:
            cipher, bits = rng.choice(CIPHERS[version])
            pfs = POSTFIX_PFS if version in ("TLSv1.2", "TLSv1.3") else ""
            text += f"\n\t(using {version} with cipher {cipher} ({bits} bits){pfs})\n\t(No client certificate requested)"
        keyword = "ESMTPS" if version else "ESMTP"
        return f"{text}\n\tby {FQDN['mx1']} (Postfix) with {keyword} id {self.ident()}\n\tfor <{to.name}>; {rfc5322(when)}"

    def submission(self, user: User, rcpt: str, when: datetime) -> str:
        s = self.rng
        sender = user.sender
        helo = (
            f"[192.168.{rint(s, 0, 3)}.{rint(s, 2, 250)}]"
            if s.random() < 0.6
            else "smtpclient.apple"
        )
        literal = f"IPv6:{sender.ip}" if ":" in sender.ip else sender.ip
        text = f"from {helo} ({sender.rdns} [{literal}])"
        if sender.tls_version:
            pfs = POSTFIX_PFS if sender.tls_version in ("TLSv1.2", "TLSv1.3") else ""
            text += f"\n\t(using {sender.tls_version} with cipher {sender.cipher} ({sender.bits} bits){pfs})\n\t(No client certificate requested)"
        text += f"\n\t(Authenticated sender: {user.name})"
        keyword = "ESMTPSA" if sender.tls_version else "ESMTPA"
        return f"{text}\n\tby {FQDN[user.server]} (Postfix) with {keyword} id {self.ident()}\n\tfor <{rcpt}>; {rfc5322(when)}"

    def gmail(self, rcpt: str, when: datetime) -> list[str]:
        s = self.rng
        n = rint(s, 1, 250)
        version = "TLS1_3" if s.random() < 0.85 else "TLS1_2"
        cipher = "TLS_AES_256_GCM_SHA384" if version == "TLS1_3" else "ECDHE-RSA-AES128-GCM-SHA256"
        bits = "256/256" if version == "TLS1_3" else "128/128"
        smtp_id = f"{self.ident(8).lower()}sm{rint(s, 10**6, 10**7)}.{rint(s, 1, 99)}"
        hops = [
            f"from mail-sor-f{n}.google.com (mail-sor-f{n}.google.com. [209.85.220.{n}])\n        "
            f"by mx.google.com with SMTPS id {smtp_id}\n        for <{rcpt}>\n        "
            f"(Google Transport Security);\n        {rfc5322(when, False)} (PST)",
            f"from PC ([{public_ip(s)}])\n        by smtp.gmail.com with ESMTPSA id {smtp_id}\n        "
            f"for <{rcpt}>\n        (version={version} cipher={cipher} bits={bits});\n        "
            f"{rfc5322(when - timedelta(seconds=1), False)} (PST)",
        ]
        return hops if s.random() < 0.6 else hops[1:]

    def exchange(self, when: datetime) -> list[str]:
        s = self.rng
        names = [
            f"AM{rint(s, 0, 9)}PR0{rint(s, 1, 8)}MB{rint(s, 1000, 9999)}.eurprd0{rint(s, 1, 8)}.prod.outlook.com"
            for _ in range(3)
        ]
        addrs = [
            f"2603:10a6:{s.getrandbits(12):x}:{s.getrandbits(8):x}::{s.getrandbits(8):x}"
            for _ in range(3)
        ]
        version = "TLS1_2" if s.random() < 0.8 else "TLS1_3"
        hops = [
            f"from {names[0]} ({addrs[0]})\n by {names[1]} ({addrs[1]}) with\n Microsoft SMTP Server (version={version},\n "
            f"cipher={SCHANNEL[version]}) id 15.20.{rint(s, 7000, 8000)}.{rint(s, 1, 40)}; {rfc5322(when, False)}",
            f"from {names[2]} ({addrs[2]}) by\n {names[0]} ({addrs[0]}) with Microsoft SMTP Server (TLS)\n "
            f"id 15.20.{rint(s, 7000, 8000)}.{rint(s, 1, 40)} via Frontend Transport; {rfc5322(when - timedelta(seconds=2), False)}",
        ]
        if s.random() < 0.3:
            hops.append(
                f"from {names[2]} ([fe80::{s.getrandbits(16):x}:{s.getrandbits(16):x}%{rint(s, 2, 9)}]) by\n "
                f"{names[2]} ([fe80::{s.getrandbits(16):x}%{rint(s, 2, 9)}]) with mapi id 15.20.{rint(s, 7000, 8000)}.{rint(s, 1, 40)};\n "
                f"{rfc5322(when - timedelta(seconds=3), False)}"
            )
        return hops

    def exim(self, rcpt: str, when: datetime) -> list[str]:
        s = self.rng
        host = f"mail.partner{rint(s, 1, 40)}.example"
        msg_id = f"1r{self.ident(4)}-000{rint(s, 100, 999)}-{self.ident(2)}"
        if s.random() < 0.5:
            tls = " (TLS1.3) tls TLS_AES_256_GCM_SHA384\n\t(Exim 4.96)"
            keyword = "esmtpsa "
        else:
            tls = " (TLSv1.2:ECDHE-RSA-AES256-GCM-SHA384:256)\n\t(Exim 4.92)"
            keyword = "esmtpsa"
        hop = (
            f"from [{public_ip(s)}] (helo=[192.168.1.{rint(s, 2, 250)}])\n\tby {host} with {keyword}{tls}\n\t"
            f"(envelope-from <someone@{host[5:]}>)\n\tid {msg_id}\n\tfor {rcpt}; {rfc5322(when, False)}"
        )
        return [hop]

    def sendmail(self, rcpt: str, when: datetime) -> list[str]:
        s = self.rng
        host = f"mx{rint(s, 1, 4)}.oldcorp.example"
        return [
            f"from ws{rint(s, 1, 99)}.oldcorp.example (ws.oldcorp.example [10.1.{rint(s, 0, 255)}.{rint(s, 1, 254)}])\n\t"
            f"by {host} (8.14.4/8.14.4) with ESMTP id {self.ident(14)}\n\t"
            f"(version=TLSv1/SSLv3 cipher=DHE-RSA-AES256-SHA bits=256 verify=NOT)\n\tfor <{rcpt}>; {rfc5322(when, False)}"
        ]

    def chain(self, when: datetime) -> tuple[str, str, list[str]]:
        """(sender, recipient, Received values top first) for one delivered message."""
        s = self.rng
        to = s.choice(self.users)
        when = when.replace(microsecond=0)
        earlier = when - timedelta(seconds=rint(s, 1, 5))
        kind = s.random()
        if kind < 0.35:  # a local user wrote to another
            frm = s.choice(self.users)
            return (
                frm.name,
                to.name,
                [self.lmtp(to, frm.name, when), self.submission(frm, to.name, earlier)],
            )
        if kind < 0.60:
            sender, rdns, version, outer = (
                "friend@gmail.example",
                f"mail-wr1-f{rint(s, 1, 250)}.google.com",
                "TLSv1.3",
                self.gmail(to.name, earlier),
            )
        elif kind < 0.80:
            sender, rdns, version, outer = (
                "colleague@partner.example",
                f"mail-am6eur0{rint(s, 1, 5)}on20{rint(s, 600, 700)}.outbound.protection.outlook.com",
                "TLSv1.2",
                self.exchange(earlier),
            )
        elif kind < 0.93:
            sender, rdns, version, outer = (
                "someone@partner.example",
                f"mail.partner{rint(s, 1, 40)}.example",
                s.choice(("TLSv1.3", "TLSv1.2")),
                self.exim(to.name, earlier),
            )
        else:
            sender, rdns, version, outer = (
                "it@oldcorp.example",
                f"mx{rint(s, 1, 4)}.oldcorp.example",
                s.choice(("TLSv1", "")),
                self.sendmail(to.name, earlier),
            )
        ours = [self.lmtp(to, sender, when)]
        if s.random() < 0.3:  # the content filter re-injects on localhost: one more hop of ours
            ours.append(self.postfix_in("localhost", "localhost", "127.0.0.1", "", to, when))
        ours.append(self.postfix_in(rdns, rdns, public_ip(s), version, to, earlier))
        return sender, to.name, [*ours, *outer]


def message(chains: Chains, n: int, when: datetime) -> tuple[str, bytes]:
    sender, rcpt, received = chains.chain(when)
    lines = [f"Return-Path: <{sender}>", f"Delivered-To: {rcpt}"]
    lines += [f"Received: {value}" for value in received]
    lines += [
        f"From: <{sender}>",
        f"To: <{rcpt}>",
        f"Subject: Benchmark message {n}",
        f"Date: {rfc5322(when, False)}",
        f"Message-ID: <{n}.{chains.ident(8).lower()}@bench.example>",
        "MIME-Version: 1.0",
        "Content-Type: text/plain; charset=utf-8",
        "",
        f"Hello, this is generated message number {n}.",
        "It has a short body: the benchmark reads headers.",
        "",
    ]
    return sender, "\n".join(lines).encode()


def generate(
    out: Path, messages: int, *, seed: int = 1, mbox: bool = False, start: str = "2024-03-04"
) -> int:
    """Write the mailbox; returns the number of Received fields written."""
    rng = random.Random(seed)
    chains = Chains(rng, make_users(rng, max(300, messages // 20)))
    when = datetime.fromisoformat(start).replace(tzinfo=UTC)
    fields = 0
    if mbox:
        out.parent.mkdir(parents=True, exist_ok=True)
        handle = out.open("wb")
    else:
        for sub in ("cur", "new", "tmp"):
            (out / sub).mkdir(parents=True, exist_ok=True)
    try:
        for n in range(messages):
            when += timedelta(seconds=rng.expovariate(1 / 30))
            sender, data = message(chains, n, when)
            fields += data.count(b"\nReceived: ")
            if mbox:
                handle.write(f"From {sender} {when:%a %b %d %H:%M:%S %Y}\n".encode() + data + b"\n")
            else:
                name = f"{int(when.timestamp())}.M{n}P1.{FQDN['mail1']},S={len(data)}:2,S"
                (out / "cur" / name).write_bytes(data)
    finally:
        if mbox:
            handle.close()
    return fields


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--messages", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--mbox", action="store_true", help="write one mbox file instead of a Maildir"
    )
    parser.add_argument("-o", "--output", type=Path, default=Path("bench-out/Maildir"))
    args = parser.parse_args(argv)
    began = time.perf_counter()
    fields = generate(args.output, args.messages, seed=args.seed, mbox=args.mbox)
    took = time.perf_counter() - began
    print(
        f"{args.output}: {args.messages:,} messages, {fields:,} Received fields in {took:.1f} s",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
