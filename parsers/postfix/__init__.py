"""Postfix: the smtpd (and tlsproxy) lines that tell how a client connected and logged in."""
