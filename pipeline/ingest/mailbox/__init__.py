"""Mail readers (mbox, Maildir, .eml, compressed), headers only, streaming; and the pure
message → ``messages`` / ``received_hops`` rows function the ingest writes to the lake."""

from pipeline.ingest.mailbox.headers import MailMessage, looks_like_message
from pipeline.ingest.mailbox.readers import (
    iter_maildir,
    iter_mbox,
    iter_mbox_range,
    iter_messages,
    next_message_start,
    read_message,
)
from pipeline.ingest.mailbox.rows import OwnServers, message_rows, submission_hop_index
from pipeline.ingest.mailbox.streams import TruncatedInput, compression_of, open_binary

__all__ = [
    "MailMessage",
    "OwnServers",
    "TruncatedInput",
    "compression_of",
    "iter_maildir",
    "iter_mbox",
    "iter_mbox_range",
    "iter_messages",
    "looks_like_message",
    "message_rows",
    "next_message_start",
    "open_binary",
    "read_message",
    "submission_hop_index",
]
