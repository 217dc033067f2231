"""The finished report handed to the local mail system: the HTML page as the body (with the text
report as the plain alternative) and the PDF attached, through ``sendmail -t`` or SMTP to a
local MTA. Nothing here talks to a remote server; the local MTA delivers."""

from __future__ import annotations

import shlex
import shutil
import smtplib
import socket
import subprocess
from collections.abc import Mapping, Sequence
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from typing import Final

from pipeline.errors import MailtlsError

SENDMAIL_CANDIDATES: Final = ("/usr/sbin/sendmail", "/usr/lib/sendmail")
TIMEOUT_SECONDS: Final = 60


class MailError(MailtlsError):
    """The local MTA did not take the message."""


def build_message(
    *,
    subject: str,
    sender: str,
    recipients: Sequence[str],
    page: str,
    text: str,
    pdf: bytes | None,
    images: Mapping[str, bytes] | None = None,
    pdf_name: str = "mailtls-report.pdf",
) -> EmailMessage:
    """``images``: PNGs by content id, which ``page`` shows as ``<img src="cid:…">``."""
    message = EmailMessage()
    message["Subject"] = subject
    message["From"] = sender
    message["To"] = ", ".join(recipients)
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or None)
    message["Auto-Submitted"] = "auto-generated"  # RFC 3834: no vacation replies to a cron job
    message.set_content(text)
    message.add_alternative(page, subtype="html")
    body = message.get_body(("html",))
    for cid, image in (images or {}).items():
        assert body is not None  # set just above
        body.add_related(image, maintype="image", subtype="png", cid=f"<{cid}>")
    if pdf is not None:
        message.add_attachment(pdf, maintype="application", subtype="pdf", filename=pdf_name)
    return message


def default_sender() -> str:
    return f"mailtls@{socket.getfqdn()}"


def send(message: EmailMessage, *, smtp: str | None = None, sendmail: str | None = None) -> str:
    """Hand ``message`` to the local MTA: SMTP to ``smtp`` (``HOST[:PORT]``) when given, else
    the ``sendmail`` command (default: the system's sendmail, with ``-t -oi``). Returns how."""
    if smtp:
        host, _, port = smtp.rpartition(":") if ":" in smtp else (smtp, "", "25")
        try:
            with smtplib.SMTP(host, int(port), timeout=TIMEOUT_SECONDS) as client:
                client.send_message(message)
        except (OSError, smtplib.SMTPException) as exc:
            raise MailError(f"SMTP to {smtp} failed: {exc}") from exc
        return f"SMTP {smtp}"
    command = shlex.split(sendmail) if sendmail else _system_sendmail()
    try:
        proc = subprocess.run(
            [*command, "-t", "-oi"],
            input=message.as_bytes(),
            capture_output=True,
            timeout=TIMEOUT_SECONDS,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise MailError(f"{command[0]} failed: {exc}") from exc
    if proc.returncode != 0:
        reason = proc.stderr.decode(errors="replace").strip().splitlines() or ["no message"]
        raise MailError(f"{command[0]} exited {proc.returncode}: {reason[-1]}")
    return " ".join(command)


def _system_sendmail() -> list[str]:
    for path in (*SENDMAIL_CANDIDATES, shutil.which("sendmail")):
        if path and shutil.which(path):
            return [path]
    raise MailError("no sendmail found: install a local MTA, or pass --smtp HOST[:PORT]")
