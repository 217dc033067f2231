"""The site configuration: defaults, the example file, one-line errors naming file and key."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.config import SiteConfig, config_from, load_config
from pipeline.errors import ConfigError

EXAMPLE = Path(__file__).parents[2] / "mailtls.example.toml"


def test_defaults_follow_design() -> None:
    config = SiteConfig()
    smtpd = config.postfix_listener("postfix")  # postfix/smtpd: the bare instance name
    assert smtpd is not None and (smtpd.port, smtpd.tls_mode) == (25, "starttls-optional")
    for name in ("postfix/smtps", "postfix/submissions", "postfix-out/submissions"):
        listener = config.postfix_listener(name)
        assert listener is not None and (listener.port, listener.is_implicit) == (465, True)
    assert config.postfix_listener("postfix/10025") is None
    assert config.dovecot_ports[993] == "implicit" and config.dovecot_ports[143] == "starttls"
    assert config.internal_networks == () and not config.is_internal("127.0.0.1")


def test_the_example_file_loads_and_adds_a_listener() -> None:
    config = load_config(EXAMPLE)
    listener = config.postfix_listener("postfix/10025")
    assert listener is not None and listener.port == 10025
    assert config.is_internal("10.1.2.3") and not config.is_internal("192.0.2.1")
    assert config.timezone == "Europe/Berlin" and config.dovecot_ports[10993] == "implicit"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {"site": {"internal_networks": ["10.0.0.300/8"]}},
            "site.internal_networks: not a network",
        ),
        ({"logs": {"year": "2024"}}, "logs.year: must be a int"),
        ({"logs": {"timezone": "Mars/Olympus"}}, "logs.timezone: unknown IANA zone"),
        ({"listeners": {"postfix": {"x": {"tls_mode": "maybe"}}}}, "listeners.postfix.x.tls_mode"),
        ({"listeners": {"dovecot": {"imaps": "implicit"}}}, "listeners.dovecot.imaps"),
    ],
)
def test_errors_name_the_file_and_key(data: dict[str, object], message: str) -> None:
    with pytest.raises(ConfigError, match=message) as caught:
        config_from(data, "site.toml")
    assert str(caught.value).startswith("site.toml: ") and "\n" not in str(caught.value)


def test_unreadable_toml_is_one_line(tmp_path: Path) -> None:
    bad = tmp_path / "mailtls.toml"
    bad.write_text("[site\n")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_config(bad)
