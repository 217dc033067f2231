"""Received header fields → :class:`ReceivedHop` records (pure: no I/O, never raises)."""

from parsers.received.entry import parse_received
from parsers.received.hop import ReceivedHop

__all__ = ["ReceivedHop", "parse_received"]
