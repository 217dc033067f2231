"""Per-user notices for migration phase P3 ("every L0/L1 user told individually").

RFC 8314 §5.4 asks that users be told how secure their connection really is in terms of
consequences, not cipher names; §4.1 asks for a password change where it crossed in cleartext.
The notices are written as RFC 5322 messages for the admin to review and send; nothing is sent.
"""

from __future__ import annotations

import hashlib
import re
import textwrap
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from email import policy
from email.message import EmailMessage
from email.utils import format_datetime
from typing import Any

SETTINGS = (
    "Use these settings in your mail program:\n"
    "  incoming mail (IMAP): port 993, security SSL/TLS\n"
    "  incoming mail (POP3): port 995, security SSL/TLS\n"
    "  outgoing mail (SMTP): port 465, security SSL/TLS, password required\n"
)

_TEXT = {
    "L0": (
        "Action needed: your mail password was sent without protection",
        "On {last} your mail program sent your password over the network without encryption. "
        "Anyone on the same network (a public Wi-Fi, a hotel, an internet provider) could have "
        "read it and could now read or send mail as you.\n\n"
        "{reset}{cutover}{settings}",
    ),
    "L1": (
        "Action needed: your mail program uses outdated security",
        "On {last} your mail program connected with an outdated form of encryption (TLS 1.0 "
        "or 1.1). It no longer protects your mail and password reliably against a determined "
        "attacker on the network, and modern servers refuse it.\n\n"
        "{cutover}Please update the mail app or device; if it cannot be updated, it needs "
        "replacing.\n\n{settings}",
    ),
}
RESET = "Please change your mail password now, and wherever else you use the same password.\n\n"


@dataclass(frozen=True, slots=True)
class Notice:
    user_name: str
    level: str
    subject: str
    body: str


def notice_for(
    row: Mapping[str, Any], *, cutover: date | None = None, helpdesk: str | None = None
) -> Notice | None:
    """The notice for one ``user_posture`` row, or None when its level needs none."""
    level = row.get("level")
    if level not in _TEXT:
        return None
    subject, template = _TEXT[level]
    last = row.get("last_cleartext_at") if level == "L0" else row.get("last_legacy_tls_at")
    when = f"{cutover:%d %B %Y}" if cutover else "the date your mail team announces"
    body = template.format(
        last=f"{last:%d %B %Y}" if isinstance(last, datetime) else "a recent day",
        reset=RESET if row.get("password_reset_required") else "",
        cutover=f"From {when}, such connections will stop working.\n\n",
        settings=SETTINGS,
    )
    if helpdesk:
        body += f"\nQuestions: {helpdesk}\n"
    return Notice(str(row["user_name"]), level, subject, _wrap(body))


def _wrap(text: str, width: int = 72) -> str:
    """Fill each paragraph to ``width``; indented lines (the settings) stay as they are."""
    lines = []
    for line in text.split("\n"):
        keep = line.startswith(" ") or len(line) <= width
        lines.append(line if keep else textwrap.fill(line, width))
    return "\n".join(lines)


# one addr-spec: a dot-atom local part (UTF-8 allowed, RFC 6531) @ a domain of two or more
# labels. No comma, space, quote, angle bracket or control character: a user name read from a
# log or a Received field is the attacker's text, and must never become a list of recipients.
_LOCAL = r"[^\s\x00-\x1f\x7f()<>\[\]:;@\\,\".]{1,64}(?:\.[^\s\x00-\x1f\x7f()<>\[\]:;@\\,\".]{1,64}){0,32}"
_LABEL = r"[^\W_](?:[\w-]{0,61}[^\W_])?"
_ADDRESS = re.compile(rf"(?:{_LOCAL})@(?:{_LABEL})(?:\.{_LABEL}){{1,16}}")
_POLICY = policy.default.clone(utf8=True)  # a UTF-8 address as it is, not as encoded words


def recipient(user_name: str) -> str | None:
    """``user_name`` when it is one valid mail address (what a notice's To: may hold), else None."""
    if len(user_name) > 254 or "@" not in user_name[:65]:
        return None
    return user_name if _ADDRESS.fullmatch(user_name) else None


def as_message(notice: Notice, *, sender: str, now: datetime) -> EmailMessage:
    """The notice as a message to its user; ValueError when the user name is not one valid
    address (:func:`recipient`): no notice then."""
    to = recipient(notice.user_name)
    if to is None:
        raise ValueError(f"not one mail address: {notice.user_name!r}")
    message = EmailMessage(policy=_POLICY)
    message["From"] = sender
    message["To"] = to
    message["Subject"] = notice.subject
    message["Date"] = format_datetime(now)
    message["X-Mailtls-Level"] = notice.level
    message.set_content(notice.body)
    return message


_SAFE_NAME = re.compile(r"[A-Za-z0-9@_+-][A-Za-z0-9@._+-]{0,119}")
_DIGEST_TAIL = re.compile(r"\.[0-9a-f]{12}$")


def file_name(user_name: str) -> str:
    """A safe file name for a user's notice, different for every user name: the name itself
    when it is made of ASCII letters, digits and ``@._+-`` only, else what is left of it plus
    a digest of the whole name (``x/y@`` and ``x_y@``, ``jürgen`` and ``jörgen`` would read
    alike), so no two users share a file."""
    if _SAFE_NAME.fullmatch(user_name) and not _DIGEST_TAIL.search(user_name):
        return f"{user_name}.eml"
    readable = re.sub(r"[^A-Za-z0-9@._+-]", "_", user_name)[:120].lstrip(".") or "user"
    digest = hashlib.blake2b(user_name.encode("utf-8", "surrogatepass"), digest_size=6)
    return f"{readable}.{digest.hexdigest()}.eml"
