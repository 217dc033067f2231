from __future__ import annotations

import pytest

from parsers.vocab import infer_tls_version, normalise_tls_version, security_of, version_with_source


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("TLSv1", "TLSv1.0"),
        ("TLSv1.0", "TLSv1.0"),
        ("TLS1", "TLSv1.0"),
        ("TLS1_0", "TLSv1.0"),
        ("TLS-1.0", "TLSv1.0"),
        ("TLS 1.0", "TLSv1.0"),
        ("TLSv1.1", "TLSv1.1"),
        ("TLS1_1", "TLSv1.1"),
        ("TLS1.2", "TLSv1.2"),
        ("TLS 1.2", "TLSv1.2"),
        ("tls1_3", "TLSv1.3"),
        ("TLSv1.3", "TLSv1.3"),
        ("SSLv3", "SSLv3"),
        ("SSLv2", "SSLv2"),
        ("SSL3", "SSLv3"),
        ("TLSv1/SSLv3", None),
        ("", None),
        (None, None),
        ("TLSv1.4", None),
        ("OTHER", None),
    ],
)
def test_normalise_tls_version(written: str | None, expected: str | None) -> None:
    assert normalise_tls_version(written) == expected


@pytest.mark.parametrize(
    ("cipher", "expected"),
    [
        ("TLS_AES_256_GCM_SHA384", "TLSv1.3"),
        ("TLS_CHACHA20_POLY1305_SHA256", "TLSv1.3"),
        ("TLS13_AES_128_GCM_SHA256", "TLSv1.3"),
        ("AEAD-AES128-GCM-SHA256", "TLSv1.3"),
        ("ECDHE-RSA-AES256-GCM-SHA384", "TLSv1.2"),
        ("AES256-SHA256", "TLSv1.2"),
        ("ECDHE_RSA_AES_256_GCM_SHA384", "TLSv1.2"),
        ("ECDHE-RSA-AES256-SHA", None),
        ("RC4-MD5", None),
        ("DES-CBC3-SHA", None),
        ("OTHER", None),
    ],
)
def test_infer_tls_version(cipher: str, expected: str | None) -> None:
    assert infer_tls_version(cipher) == expected


def test_version_source_prefers_the_logged_version() -> None:
    assert version_with_source("TLSv1", "ECDHE-RSA-AES256-GCM-SHA384") == ("TLSv1.0", "logged")
    assert version_with_source("TLSv1/SSLv3", "ECDHE-RSA-AES256-GCM-SHA384") == (
        "TLSv1.2",
        "inferred",
    )
    assert version_with_source(None, "AES128-SHA") == (None, None)


def test_security_classes() -> None:
    assert security_of(False, None) == "cleartext"
    assert security_of(True, "TLSv1.1") == "legacy_tls"
    assert security_of(True, "TLSv1.3") == "modern_tls"
    assert security_of(True, None) == "tls_unknown"
    assert security_of(None, None) == "unknown"
    assert security_of(True, "TLSv1.3", is_trusted_hop=True) == "cleartext"
