"""The Postfix smtpd sessioniser in SQL, for one span: :class:`pipeline.ingest.stitch.
FileSessioniser`'s rules over a table of smtpd events instead of one event at a time.

``pf`` holds a span's smtpd events (what :mod:`pipeline.sessions.sessioniser` reads of them).
A session is a run of one ``host/program/pid`` key: it starts at a ``connect`` or, after a
``disconnect``, at the next event, and ends at a ``disconnect`` or before the next ``connect``.
The events of a key before its first ``connect`` or ``disconnect`` (and that ``disconnect``)
are the span's heads, left to the stitch with the previous span; a key's last run without a
``disconnect`` is a tail, left open. Each closed run becomes a row classified as
``Sessioniser._postfix_row`` does, with the per-value parts (listeners, internal networks, the
TLS version vocabulary) looked up in small tables built by the Python functions themselves.
"""

from __future__ import annotations

from parsers.vocab import LEGACY_VERSIONS, MODERN_VERSIONS

PF_COLUMNS = (
    ("line_no", "BIGINT"),
    ("host", "VARCHAR"),
    ("program", "VARCHAR"),
    ("pid", "BIGINT"),
    ("kind", "VARCHAR"),
    ("at_us", "BIGINT"),
    ("client_ip", "VARCHAR"),
    ("user_name", "VARCHAR"),
    ("auth_method", "VARCHAR"),
    ("tls_raw", "VARCHAR"),
    ("tls_cipher", "VARCHAR"),
    ("starttls_ok", "BIGINT"),
    ("starttls_attempts", "BIGINT"),
    ("auth_ok", "BIGINT"),
    ("auth_attempts", "BIGINT"),
    ("commands_total", "BIGINT"),
)
COUNTERS = ("starttls_ok", "starttls_attempts", "auth_ok", "auth_attempts", "commands_total")

CREATE_PF = "CREATE TEMP TABLE pf (" + ", ".join(f"{n} {t}" for n, t in PF_COLUMNS) + ")"


def counter_sql(c: str, name: str, ok: bool) -> str:
    """``parsers.postfix.dialects._counters`` for one value of the counters text ``c``: the
    last ``name=ok[/total]`` pair; 0 when the line has counters but not this one; NULL when it
    has none."""
    value = f"coalesce(list_last(regexp_extract_all({c}, ' {name}=([0-9]+(?:/[0-9]+)?)', 1)), '0')"
    part = (
        f"split_part({value}, '/', 1)"
        if ok
        else f"CASE WHEN contains({value}, '/') THEN split_part({value}, '/', 2)"
        f" ELSE split_part({value}, '/', 1) END"
    )
    return f"CASE WHEN {c} = '' THEN NULL ELSE CAST({part} AS BIGINT) END"


def pf_select(kind: str, groups: tuple[str, ...]) -> str:
    """The pf columns of an smtpd event from its dialect's groups ``g`` (a struct): what the
    dialects' ``derive`` functions make of the groups the sessioniser reads."""

    def group(name: str) -> str:
        return f"nullif(g.{name}, '')" if name in groups else "CAST(NULL AS VARCHAR)"

    c = "coalesce(g.counters, '')" if "counters" in groups else "''"
    counters = ", ".join(
        f"{counter_sql(c, name, ok)} AS {column}"
        for column, name, ok in (
            ("starttls_ok", "starttls", True),
            ("starttls_attempts", "starttls", False),
            ("auth_ok", "auth", True),
            ("auth_attempts", "auth", False),
            ("commands_total", "commands", False),
        )
    )
    return (
        f"line_no, host, program, TRY_CAST(pid AS BIGINT) AS pid, '{kind}' AS kind, at_us,"
        f" nullif({group('client_ip')}, 'unknown') AS client_ip,"
        f" {group('user_name')} AS user_name, upper({group('auth_method')}) AS auth_method,"
        f" {group('tls_version_raw')} AS tls_raw, {group('tls_cipher')} AS tls_cipher,"
        f" {counters}"
    )


RUNS = """
CREATE OR REPLACE TEMP TABLE pfr AS
WITH e AS (
    SELECT *, host || '/' || program || '/' || coalesce(CAST(pid AS VARCHAR), 'None') AS key
    FROM pf
), w AS (
    SELECT *,
        sum(CAST(kind = 'postfix.smtpd.connect' AS INTEGER)) OVER (
            PARTITION BY key ORDER BY line_no ROWS UNBOUNDED PRECEDING) AS nconn,
        coalesce(sum(CAST(kind = 'postfix.smtpd.disconnect' AS INTEGER)) OVER (
            PARTITION BY key ORDER BY line_no
            ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS disc_before,
        lag(kind) OVER (PARTITION BY key ORDER BY line_no) AS prev_kind
    FROM e
), h AS (
    SELECT *, (nconn = 0 AND disc_before = 0) AS is_head FROM w
)
SELECT *,
    sum(CASE WHEN NOT is_head AND (kind = 'postfix.smtpd.connect'
                                   OR prev_kind = 'postfix.smtpd.disconnect')
             THEN 1 ELSE 0 END)
        OVER (PARTITION BY key ORDER BY line_no ROWS UNBOUNDED PRECEDING) AS run
FROM h
"""

SESSIONS = """
CREATE OR REPLACE TEMP TABLE pfs AS
WITH s AS (
    SELECT key, run,
        first(at_us ORDER BY line_no) AS started_us,
        first(host ORDER BY line_no) AS host,
        first(program ORDER BY line_no) AS program,
        first(pid ORDER BY line_no) AS pid,
        min(line_no) AS source_line,
        first(client_ip ORDER BY line_no) AS client_ip,
        coalesce(
            last(user_name ORDER BY line_no)
                FILTER (WHERE kind = 'postfix.smtpd.client' AND user_name IS NOT NULL),
            first(user_name ORDER BY line_no)
                FILTER (WHERE kind = 'postfix.smtpd.sasl_failed' AND user_name IS NOT NULL)
        ) AS user_name,
        coalesce(
            last(auth_method ORDER BY line_no)
                FILTER (WHERE kind = 'postfix.smtpd.client' AND auth_method IS NOT NULL),
            first(auth_method ORDER BY line_no)
                FILTER (WHERE kind = 'postfix.smtpd.sasl_failed' AND auth_method IS NOT NULL)
        ) AS auth_method,
        coalesce(bool_or(kind = 'postfix.smtpd.client' AND user_name IS NOT NULL), false)
            AS authenticated,
        last(tls_raw ORDER BY line_no) FILTER (WHERE kind = 'postfix.smtpd.tls_established')
            AS tls_raw,
        last(tls_cipher ORDER BY line_no) FILTER (WHERE kind = 'postfix.smtpd.tls_established')
            AS tls_cipher,
        coalesce(bool_or(kind = 'postfix.smtpd.tls_established'), false) AS has_tls_line,
        count(*) FILTER (WHERE kind = 'postfix.smtpd.sasl_failed') AS sasl_failures,
        last(at_us ORDER BY line_no) FILTER (WHERE at_us IS NOT NULL) AS last_us,
        coalesce(bool_or(kind = 'postfix.smtpd.disconnect'), false) AS closed,
        max(starttls_ok) FILTER (WHERE kind = 'postfix.smtpd.disconnect') AS starttls_ok,
        max(starttls_attempts) FILTER (WHERE kind = 'postfix.smtpd.disconnect')
            AS starttls_attempts,
        max(auth_ok) FILTER (WHERE kind = 'postfix.smtpd.disconnect') AS auth_ok,
        max(auth_attempts) FILTER (WHERE kind = 'postfix.smtpd.disconnect') AS auth_attempts,
        max(commands_total) FILTER (WHERE kind = 'postfix.smtpd.disconnect') AS commands_total
    FROM pfr WHERE NOT is_head
    GROUP BY key, run
)
SELECT *, run = max(run) OVER (PARTITION BY key) AS is_last FROM s
"""


def rows_sql(source_file: str) -> str:
    """The closed sessions of ``pfs`` as ``sessions`` rows (``Sessioniser._postfix_row``);
    ``lst``, ``internal``, ``versions`` are the lookups (see the module docstring)."""
    legacy = ", ".join(f"'{v}'" for v in sorted(LEGACY_VERSIONS))
    modern = ", ".join(f"'{v}'" for v in sorted(MODERN_VERSIONS))
    source = "'" + source_file.replace("'", "''") + "'"
    return f"""
WITH s AS (
    SELECT pfs.*,
        starttls_ok IS NOT NULL OR starttls_attempts IS NOT NULL OR auth_ok IS NOT NULL
            OR auth_attempts IS NOT NULL OR commands_total IS NOT NULL AS counters_known,
        lst.service AS l_service, lst.port AS l_port, lst.tls_mode AS l_tls_mode,
        coalesce(internal.is_internal, false) AS trusted,
        versions.version, versions.source AS version_source
    FROM pfs
    LEFT JOIN lst ON pfs.program = lst.program
    LEFT JOIN internal ON pfs.client_ip = internal.client_ip
    LEFT JOIN versions ON pfs.tls_raw IS NOT DISTINCT FROM versions.raw
        AND pfs.tls_cipher IS NOT DISTINCT FROM versions.cipher
    WHERE closed OR NOT is_last
), i AS (
    SELECT *,
        coalesce(l_tls_mode = 'implicit', false)
          OR (has_tls_line AND counters_known AND coalesce(starttls_attempts, 0) = 0)
          AS implicit,
        coalesce(auth_attempts, 0) AS attempts
    FROM s
), t AS (
    SELECT *,
        CASE WHEN implicit THEN true
             WHEN coalesce(starttls_ok, 0) > 0 OR has_tls_line THEN true
             WHEN counters_known THEN false END AS tls,
        CASE WHEN implicit THEN 'implicit'
             WHEN coalesce(starttls_ok, 0) > 0 OR has_tls_line THEN 'starttls'
             WHEN counters_known THEN 'none' ELSE 'unknown' END AS tls_mode
    FROM i
), a AS (
    SELECT *,
        CASE WHEN coalesce(auth_ok, 0) > 0 OR authenticated THEN 'ok'
             WHEN sasl_failures > 0 THEN 'failed'
             WHEN attempts > 0 AND tls IS NOT DISTINCT FROM false THEN 'refused_cleartext'
             WHEN attempts > 0 THEN 'failed'
             WHEN counters_known THEN 'none' ELSE 'unknown' END AS auth_result,
        greatest(attempts - coalesce(auth_ok, 0), sasl_failures) AS auth_failures,
        coalesce(l_service, 'smtp') AS service0
    FROM t
)
SELECT
    make_timestamp(started_us) AS event_at,
    'postfix' AS source,
    host AS server_host,
    CASE WHEN service0 = 'smtp' AND (attempts > 0 OR user_name IS NOT NULL)
         THEN 'submission' ELSE service0 END AS service,
    program AS listener,
    CASE WHEN l_port IS NULL AND implicit THEN 465 ELSE l_port END AS server_port,
    client_ip,
    CAST(NULL AS VARCHAR) AS server_ip,
    user_name,
    auth_method,
    auth_result,
    auth_failures,
    tls_mode,
    version AS tls_version,
    version_source AS tls_version_source,
    tls_cipher,
    CASE WHEN trusted THEN 'cleartext'
         WHEN tls IS NULL THEN 'unknown'
         WHEN NOT tls THEN 'cleartext'
         WHEN version IN ({legacy}) THEN 'legacy_tls'
         WHEN version IN ({modern}) THEN 'modern_tls'
         ELSE 'tls_unknown' END AS security,
    trusted AS is_trusted_hop,
    key || '/' || CASE WHEN started_us IS NULL THEN CAST(source_line AS VARCHAR)
        ELSE strftime(make_timestamp(started_us), '%Y-%m-%dT%H:%M:%S')
             || CASE WHEN started_us % 1000000 <> 0
                     THEN '.' || lpad(CAST(started_us % 1000000 AS VARCHAR), 6, '0')
                     ELSE '' END
             || '+00:00' END AS session_key,
    {source} AS source_file,
    source_line
FROM a
"""


_IP = "nullif(nullif(split_part(split_part(message, '[', 2), ']', 1), ''), 'unknown')"
_NONE = "CAST(NULL AS VARCHAR)"
# What the smtpd dialects' groups and derive give for the fields the sessioniser reads, by
# string functions over a message the dialect's pattern matched (regexp_extract with the full
# pattern costs four times a match; these cost a tenth). Each holds for any message the
# pattern matches: the host of ``host[ip]`` has no bracket or space, so the first ``[`` opens
# the address; a counter, a method, a cipher has no space, comma or bracket.
# tests/pipeline/ingest/test_vector_dialects.py checks them on every example.
FAST_FIELDS: dict[str, dict[str, str]] = {
    "postfix.smtpd.tls_established": {
        "tls_raw": "nullif(reverse(split_part(reverse("
        "split_part(message, ' with cipher ', 1)), ' ', 1)), '')",
        "tls_cipher": "nullif(split_part(split_part(message, ' with cipher ', 2), ' ', 1), '')",
    },
    "postfix.smtpd.client": {
        "auth_method": "upper(nullif(split_part("
        "split_part(message, ', sasl_method=', 2), ',', 1), ''))",
        "user_name": "nullif(split_part(split_part(message, ', sasl_username=', 2), ',', 1), '')",
    },
    "postfix.smtpd.sasl_failed": {
        "auth_method": "upper(nullif(split_part(split_part(message, ': SASL ', 2), ' ', 1), ''))",
        "user_name": r"nullif(regexp_extract(message, ', sasl_username=(\S{0,320})$', 1), '')",
    },
    "postfix.smtpd.disconnect": {"counters": "message"},
    "postfix.smtpd.connect": {},
    "postfix.smtpd.lost_connection": {},
    "postfix.smtpd.timeout": {},
    "postfix.smtpd.too_many_errors": {},
    "postfix.smtpd.tls_error": {},
    "postfix.smtpd.tls_library_problem": {"client_ip": _NONE},
}


def fast_pf_select(kind: str) -> str | None:
    """The pf columns of an smtpd event of ``kind`` from its matched ``message`` (see
    :data:`FAST_FIELDS`); None for a dialect without them (its groups are extracted)."""
    fields = FAST_FIELDS.get(kind)
    if fields is None:
        return None
    counted = "counters" in fields
    c = (
        "(CASE WHEN contains(split_part(message, ']', 2), '=') THEN message ELSE '' END)"
        if counted
        else "''"
    )
    counters = ", ".join(
        f"{counter_sql(c, name, ok)} AS {column}"
        for column, name, ok in (
            ("starttls_ok", "starttls", True),
            ("starttls_attempts", "starttls", False),
            ("auth_ok", "auth", True),
            ("auth_attempts", "auth", False),
            ("commands_total", "commands", False),
        )
    )
    return (
        f"line_no, host, program, TRY_CAST(pid AS BIGINT) AS pid, '{kind}' AS kind, at_us,"
        f" {fields.get('client_ip', _IP)} AS client_ip,"
        f" {fields.get('user_name', _NONE)} AS user_name,"
        f" {fields.get('auth_method', _NONE)} AS auth_method,"
        f" {fields.get('tls_raw', _NONE)} AS tls_raw,"
        f" {fields.get('tls_cipher', _NONE)} AS tls_cipher, {counters}"
    )
