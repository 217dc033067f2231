"""`mailtls report --mail-to` against the lab's real Postfix: the report (HTML body, PDF
attached) handed over by SMTP on 127.0.0.1:25 and by the lab's own `sendmail -t`, delivered over
LMTP into a Dovecot Maildir, and read back from there."""

from __future__ import annotations

import email
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.cli import cli
from pipeline.report import pdf
from tests import small_lake

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
RECIPIENT = "rita@lab.example"  # the lab user who only receives mail
DELIVERY_TIMEOUT = 60.0


@pytest.fixture(scope="module")
def lab() -> Iterator[Path]:
    """The lab's Postfix and Dovecot running in a LAB_DIR of their own; yields that folder.
    Not under pytest's temporary folder: its parents are closed to the servers' users."""
    if os.geteuid() != 0 or shutil.which("apt-get") is None:
        pytest.skip("the mail lab needs root on Debian")
    if not any(shutil.which(name) for name in pdf.CANDIDATES):
        pytest.skip("needs Chromium (make e2e installs it)")
    lab_dir = Path(tempfile.mkdtemp(prefix="mailtls-lab-report-"))
    env = {**os.environ, "LAB_DIR": str(lab_dir)}
    subprocess.run(["bash", str(ROOT / "lab" / "setup.sh")], env=env, check=True, timeout=600)
    try:
        subprocess.run(
            ["bash", str(ROOT / "lab" / "start.sh"), "recommended"],
            env=env,
            check=True,
            timeout=120,
        )
        yield lab_dir
    finally:
        subprocess.run(["bash", str(ROOT / "lab" / "stop.sh"), "all"], env=env, timeout=120)
        shutil.rmtree(lab_dir, ignore_errors=True)


def _delivered(lab_dir: Path, sender: str) -> email.message.Message:
    """The message from ``sender`` to RECIPIENT, once delivered."""
    maildir = lab_dir / "mail" / RECIPIENT.split("@")[0] / "Maildir"
    deadline = time.monotonic() + DELIVERY_TIMEOUT
    while time.monotonic() < deadline:
        for path in sorted(maildir.glob("*/*")):
            if path.parent.name in ("new", "cur"):
                message = email.message_from_bytes(path.read_bytes())
                if message["From"] == sender:
                    return message
        time.sleep(0.5)
    log = (lab_dir / "log" / "postfix.log").read_text(errors="replace")[-3000:]
    raise AssertionError(f"no message from {sender} delivered to {RECIPIENT}:\n{log}")


def _check(message: email.message.Message) -> None:
    parts = {p.get_content_type(): p for p in message.walk()}
    assert set(parts) >= {
        "multipart/mixed",
        "multipart/related",
        "text/plain",
        "text/html",
        "image/png",
        "application/pdf",
    }
    page = parts["text/html"].get_payload(decode=True).decode()
    assert "Who still sends mail passwords unsafely" in page
    assert parts["application/pdf"].get_payload(decode=True).startswith(b"%PDF")
    received = [" ".join(r.split()) for r in message.get_all("Received") or []]
    assert any("by mail.lab.example (Postfix" in r for r in received), received


@pytest.mark.parametrize("via", ["smtp", "sendmail"])
def test_mail_to_reaches_a_mailbox_through_the_real_postfix(
    lab: Path, tmp_path: Path, via: str
) -> None:
    lake = small_lake.write_small_lake(tmp_path / "lake")
    sender = f"postmaster+{via}@lab.example"
    handover = (
        ["--smtp", "127.0.0.1:25"]
        if via == "smtp"
        else ["--sendmail", f"/usr/sbin/sendmail -C {lab / 'postfix'}"]
    )
    result = CliRunner().invoke(
        cli,
        ["report", "--lake", str(lake), "--mail-to", RECIPIENT, "--mail-from", sender, *handover],
    )
    assert result.exit_code == 0, result.output
    message = _delivered(lab, sender)
    assert message["Subject"].startswith("mailtls report")
    _check(message)
