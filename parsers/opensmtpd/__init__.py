"""OpenSMTPD (``smtpd``): the smtp session lines that tell how a client connected and logged in."""
