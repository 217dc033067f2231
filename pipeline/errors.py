"""Errors of the environment (missing files, bad config, schema mismatch). Bad *content* is a
Reject, never an exception."""

from __future__ import annotations


class MailtlsError(Exception):
    """Base class: the CLI prints the message as one line and exits 1."""


class ConfigError(MailtlsError):
    """The site configuration or plan could not be read."""


class LakeError(MailtlsError):
    """The lake is missing, unreadable, or of another schema version."""
