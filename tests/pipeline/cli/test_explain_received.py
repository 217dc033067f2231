"""``mailtls explain`` prints a hop table for a Received value or a message file, and still
explains log lines (including RFC 3339 ones, which must not look like a header)."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from pipeline.cli import cli

HEADER = (
    "Received: from [192.168.4.253] (60-241-138-146.static.tpgi.com.au [60.241.138.146])"
    " (using TLSv1 with cipher AES128-SHA (128/128 bits)) (Authenticated sender: mikel)"
    " by mx1.test.lindsaar.net.au (Postfix) with ESMTPSA id 5C0186DD4CD; Fri, 30 Oct 2009 19:11:08 +1100"
)


def test_explain_a_received_value_prints_its_hop() -> None:
    result = CliRunner().invoke(cli, ["explain", HEADER])
    assert result.exit_code == 0, result.output
    line = result.output.splitlines()[1].split()
    assert line[:4] == ["0", "mx1.test.lindsaar.net.au", "60.241.138.146", "ESMTPSA"]
    assert "TLSv1.0" in line and "mikel" in line and "legacy_tls" in line


def test_explain_an_eml_file_prints_every_hop(tmp_path: Path) -> None:
    path = tmp_path / "m.eml"
    path.write_text(
        HEADER + "\nReceived: by mx1.test.lindsaar.net.au (Postfix, from userid 0) id 1;"
        " Fri, 30 Oct 2009 19:11:09 +1100\nMessage-ID: <a@b>\n\nbody\n"
    )
    result = CliRunner().invoke(cli, ["explain", str(path)])
    assert result.exit_code == 0, result.output
    assert "<a@b>, 2 hops" in result.output
    assert len(result.output.strip().splitlines()) == 4


def test_a_log_file_with_rfc3339_times_is_still_a_log(tmp_path: Path) -> None:
    path = tmp_path / "mail.log"
    path.write_text("2024-03-14T00:31:06+01:00 helga postfix/smtpd[1]: connect from a[192.0.2.1]\n")
    result = CliRunner().invoke(cli, ["explain", str(path)])
    assert "hops" not in result.output and "by_host" not in result.output
