"""Dovecot: login lines (imap/pop3/submission/managesieve) and the auth process's failures."""
