"""Reading Dovecot's login element list (``login_log_format_elements``) into common field names.

The elements are joined with ``", "`` and an element whose variables are all empty is dropped,
so their order and presence vary with the version and the operator's setting. The element list
is walked token by token instead of matched by one pattern: a TLS error text may itself contain
``", "``, and operators add elements (``lport=``, ``%k``, ``tls=<…>``) wherever they like.
"""

from __future__ import annotations

import re
from typing import Final

from parsers.dialect import Fields
from parsers.redact import may_hold_password, redact
from parsers.vocab import normalise_tls_version

SERVICES: Final = r"(?P<service>imap|pop3|submission|managesieve)"
# user=<…> closes before ", " or the end; without it (Dovecot ≤ 2.0, plaintext refusals) the
# list starts at method= or rip=.
ELEMENTS: Final = (
    r"(?:user=<(?P<user>[^>\n]{0,320})>(?=, |\Z)|(?=method=|rip=))(?:, )?(?P<rest>[^\n]{0,8192})"
)

# %k / %{ssl_security}: "TLSv1.2 with cipher ECDHE-RSA-AES256-GCM-SHA384 (256/256 bits)"
_SSL_SECURITY: Final = re.compile(
    r"^(?P<version>[\w./ -]{1,24}?) with cipher (?P<cipher>[^\s()]{1,128})"
    r" \((?P<bits>\d{1,5})/\d{1,5} bits\)"
)
_KEY_CHARS: Final = "abcdefghijklmnopqrstuvwxyz_"
_FLAGS: Final = {
    "TLS": "TLS",
    "TSL": "TLS",
    "secured": "secured",
    "TLS handshaking": "TLS handshaking",
}
_FLAG_WITH_ERROR: Final = re.compile(r"^(?P<flag>TLS handshaking|TLS): (?P<error>.*)\Z", re.DOTALL)
# element name as an operator may write it → common field name
_KEYS: Final = {
    "method": "auth_method",
    "rip": "client_ip",
    "lip": "server_ip",
    "lport": "server_port",
    "local_port": "server_port",
    "rport": "client_port",
    "remote_port": "client_port",
    "mpid": "mpid",
    "session": "session_id",
    "listener": "listener",
}
_ELEMENT_FIELDS: Final = (
    "auth_method", "client_ip", "client_port", "server_ip", "server_port", "listener", "mpid",
    "tls_flag", "tls_error", "tls_version", "tls_version_raw", "tls_cipher", "tls_bits",
    "session_id",
)  # fmt: skip


def login_fields(groups: Fields) -> Fields:
    """The common fields of a successful login line from its pattern's groups."""
    return redacted(_element_fields(groups))


def _element_fields(groups: Fields) -> Fields:
    fields: Fields = dict.fromkeys(_ELEMENT_FIELDS)
    fields["service"] = groups.get("service")
    fields["user_name"] = groups.get("user") or None
    _read_elements(groups.get("rest") or "", fields)
    if fields["tls_flag"] is None:
        fields["tls_flag"] = "none"
    if fields["auth_method"]:
        fields["auth_method"] = fields["auth_method"].upper()
    return fields


def _read_elements(rest: str, fields: Fields) -> None:
    error: list[str] | None = None  # the TLS error text being read, which may contain ", "
    for token in rest.split(", "):
        key, equals, value = token.partition("=")
        if not equals:
            flag = _FLAGS.get(token)
            if flag is not None:  # "TLS", "secured": what _read_element would do first
                fields["tls_flag"] = flag
                error = None
                continue
        name = _KEYS.get(key) if equals else None
        if name is not None:
            # the common element, with no flag, cipher or tls= reading to try first: a name in
            # _KEYS is a valid element name and holds neither " " nor "=" (see _read_element)
            if len(value) >= 2 and value[0] == "<" and value[-1] == ">":
                value = value[1:-1]
            fields[name] = value or None
            error = None
            continue
        if _read_element(token, fields):
            error = None
            continue
        flagged = _FLAG_WITH_ERROR.match(token)
        if flagged is not None:
            fields["tls_flag"] = flagged["flag"]
            error = [flagged["error"]]
            fields["tls_error"] = flagged["error"]
        elif error is not None:
            error.append(token)
            fields["tls_error"] = ", ".join(error)


def _read_element(token: str, fields: Fields) -> bool:
    """Store one element; False when the token is not an element (it may continue an error)."""
    if token in _FLAGS:
        fields["tls_flag"] = _FLAGS[token]
        return True
    if token == "(proxied)":
        fields["tls_flag"] = "proxied"
        return True
    if _read_ssl_security(token, fields):
        return True
    pair = key_value(token)
    if pair is None:
        return False
    key, value = pair[0], _unbracket(pair[1])
    if key == "tls":  # Dovecot 2.4 "tls=<%{ssl_security}>"
        if value == "(proxied)":
            fields["tls_flag"] = "proxied"
        else:
            _read_ssl_security(value, fields)
        return True
    name = _KEYS.get(key)
    if name is None:
        return key != "user"  # an element this reader does not use; a stray user= is not one
    fields[name] = value or None
    return True


def key_value(token: str) -> tuple[str, str] | None:
    """``name=value`` with a name of 1 to 32 of ``a-z_`` → (name, value); else None."""
    key, equals, value = token.partition("=")
    if not equals or not 0 < len(key) <= 32 or key.strip(_KEY_CHARS):
        return None
    return key, value


def _read_ssl_security(text: str, fields: Fields) -> bool:
    if " with cipher " not in text:  # the pattern's literal: most tokens are key=value
        return False
    found = _SSL_SECURITY.match(text)
    if found is None:
        return False
    fields["tls_version_raw"] = found["version"]
    fields["tls_version"] = normalise_tls_version(found["version"])
    fields["tls_cipher"] = found["cipher"]
    fields["tls_bits"] = found["bits"]
    return True


def _unbracket(value: str) -> str:
    if len(value) >= 2 and value[0] == "<" and value[-1] == ">":
        return value[1:-1]
    return value


_ATTEMPTS: Final = re.compile(
    r"\bauth failed, (?P<n>\d{1,9}) attempts|^(?P<old>\d{1,9}) authentication attempts"
)
_CLEARTEXT: Final = re.compile(r"(?:disallowed|disabled) (?:plaintext|cleartext) auth|^cleartext\b")
# "Login failed: …" of a refused attempt (2.2/2.3 "Plaintext", 2.4 "Cleartext"; ssl = required)
_REFUSED: Final = re.compile(
    r"(?:Plaintext|Cleartext) authentication disabled|SSL required for authentication"
)
_NO_AUTH: Final = re.compile(r"^no auth attempts|^disconnected before auth was ready")
_HANDSHAKE_CODES: Final = frozenset({"tls_handshake_not_finished"})


def failure_fields(groups: Fields) -> Fields:
    """A login failure: the element fields plus reason, 2.4 code, attempts and ``failure``."""
    fields = _element_fields(groups)
    reason = groups.get("reason")
    code = groups.get("code")
    fields["disconnect_text"] = groups.get("disconnect_text")
    fields["reason"] = reason
    fields["code"] = code
    text = groups.get("disconnect_text") or ""
    if text.startswith("Login failed: ") and _REFUSED.search(text):
        failure, attempts = "plaintext_disallowed", None
    else:
        failure, attempts = classify_failure(reason or "", code or "", fields["tls_flag"] or "")
    fields["failure"] = failure
    fields["auth_attempts"] = attempts
    return redacted(fields)


def classify_failure(reason: str, code: str, tls_flag: str) -> tuple[str, str | None]:
    """(failure class, auth attempts as digits) from a login failure's reason and 2.4 code."""
    attempts = _ATTEMPTS.search(reason)
    if attempts is not None:
        return "auth_failed", attempts["n"] or attempts["old"]
    if code == "auth_failed":
        return "auth_failed", None
    if code == "cleartext_auth_disabled" or _CLEARTEXT.search(reason):
        return "plaintext_disallowed", None
    if reason == "proxy dest auth failed":
        return "auth_failed", None
    no_auth = code == "no_auth_attempts" or _NO_AUTH.search(reason) is not None
    if (
        code in _HANDSHAKE_CODES
        or "TLS handshake" in reason
        or (tls_flag == "TLS handshaking" and (no_auth or not reason))
    ):
        return "tls_failed", "0"
    if no_auth:
        return "no_auth", "0"
    return "other", None


def redacted(fields: Fields) -> Fields:
    """``fields`` with any password a value shows replaced (user= can hold one typed by mistake)."""
    if not may_hold_password("\n".join(filter(None, fields.values()))):
        return fields  # nearly every line: one test over all values instead of one per value
    return {name: redact(value) if value else value for name, value in fields.items()}
