"""The SQL of one batch of lines: what moves the year inference, which lines may be in scope,
and the envelope of those in the two common shapes (RFC 3164 and rsyslog's RFC 3339).

Each expression restates a rule of :mod:`parsers.envelope` and :mod:`parsers.envelopes.text`
for the lines it accepts; a line it does not accept is read by the Python envelope parser (see
:mod:`pipeline.ingest.vector.parser`), so the two never disagree on a line both read.
"""

from __future__ import annotations

from pipeline.ingest.vector.dialect_sql import ASCII_ONLY, family_sql, in_scope_sql, watched_sql

MONTHS = "['Jan','Feb','Mar','Apr','May','Jun','Jul','Aug','Sep','Oct','Nov','Dec']"
_DAY_NAMES = "('Mon ','Tue ','Wed ','Thu ','Fri ','Sat ','Sun ')"

# parsers.envelopes.text: the stamp forms that reach YearInference.for_month / observe_date
_TRADITIONAL_STAMP = r"^[A-Z][a-z]{2} {1,2}[0-9]{1,2} [0-9]{2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]{1,9})? +"
_ISO_STAMP = (
    r"^[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}:[0-9]{2}(?:[.,][0-9]{1,9})?"
    r"(?:Z|[+-][0-9]{2}(?::?[0-9]{2})?)? +"
)


def q(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def classify_lines_sql() -> str:
    """Over ``lines(line_no, text)``: per line, its effect on the year inference (``mon`` for a
    year-less stamp, ``iy``/``im`` for a dated one), whether it may be in scope, and whether the
    Python parser must read the whole batch (an envelope with a prefix, JSON, journald
    short-full: their year effects are not restated here)."""
    first = "substr(text, 1, 1)"
    trad_fixed = (
        "(substr(text, 16, 1) = ' ' AND substr(text, 4, 1) = ' ' AND substr(text, 7, 1) = ' '"
        " AND substr(text, 10, 1) = ':' AND regexp_matches(substr(text, 5, 2), '^ *[0-9]+ *$')"
        " AND regexp_matches(substr(text, 8, 2), '^[0-9][0-9]$'))"
    )
    is_trad = f"({first} BETWEEN 'A' AND 'Z' AND NOT (substr(text, 1, 4) IN {_DAY_NAMES} AND substr(text, 9, 1) = '-'))"
    iso_fixed = (
        "(substr(text, 33, 1) = ' ' AND substr(text, 20, 1) = '.' AND substr(text, 11, 1) = 'T'"
        " AND substr(text, 27, 1) IN ('+', '-'))"
    )
    is_iso = f"({first} BETWEEN '0' AND '9' AND substr(text, 5, 1) = '-')"
    unsupported = (
        f"({first} IN ('<', '{{', chr(1), chr(2))"
        f" OR (substr(text, 1, 4) IN {_DAY_NAMES} AND substr(text, 9, 1) = '-')"
        f" OR (NOT ({first} BETWEEN 'A' AND 'Z' OR {first} BETWEEN '0' AND '9')"
        "     AND contains(substr(text, 1, 130), ' | ')))"
    )
    return f"""
        SELECT line_no, text,
            CASE WHEN {is_trad}
                  AND (list_position({MONTHS}, substr(text, 1, 3)) IS NOT NULL)
                  AND ({trad_fixed} OR regexp_matches(text, {q(_TRADITIONAL_STAMP)}))
                 THEN list_position({MONTHS}, substr(text, 1, 3)) END::INTEGER AS mon,
            CASE WHEN {is_iso} AND regexp_matches(text, '^[0-9]{{4}}-[0-9]{{2}}')
                  AND ({iso_fixed} OR regexp_matches(text, {q(_ISO_STAMP)}))
                 THEN substr(text, 1, 4)::INTEGER END AS iy,
            CASE WHEN {is_iso} AND regexp_matches(text, '^[0-9]{{4}}-[0-9]{{2}}')
                  AND ({iso_fixed} OR regexp_matches(text, {q(_ISO_STAMP)}))
                 THEN substr(text, 6, 2)::INTEGER END AS im,
            {in_scope_sql("text")} AS in_scope,
            {watched_sql("text")} AS watched,
            {family_sql("text")} AS fam,
            {unsupported} AS unsupported
        FROM lines
    """


def years_sql(initial_year: int | None, initial_month: int | None) -> str:
    """Over ``marks(line_no, mon, iy, im)`` (the lines that move the year inference, in order):
    the (year, month) state after each, as :class:`parsers.envelopes.years.YearInference` would
    reach it from ``(initial_year, initial_month)``: back two months or more is a new year,
    forward more than six an old one, a dated line sets both."""
    y0 = "NULL" if initial_year is None else str(initial_year)
    m0 = "NULL" if initial_month is None else str(initial_month)
    return f"""
        WITH s AS (
            SELECT line_no, mon, iy, im,
                coalesce(mon, im) AS m_after,
                sum(CASE WHEN iy IS NOT NULL THEN 1 ELSE 0 END) OVER w AS grp
            FROM marks WINDOW w AS (ORDER BY line_no ROWS UNBOUNDED PRECEDING)
        ), d AS (
            SELECT *,
                coalesce(lag(m_after) OVER (ORDER BY line_no), {m0}) AS m_before
            FROM s
        ), e AS (
            SELECT *,
                CASE WHEN mon IS NULL OR m_before IS NULL THEN 0
                     WHEN mon < m_before - 1 THEN 1
                     WHEN mon > m_before + 6 THEN -1 ELSE 0 END AS delta,
                first_value(iy) OVER (PARTITION BY grp ORDER BY line_no) AS base
            FROM d
        )
        SELECT line_no,
            ((CASE WHEN grp = 0 THEN {y0} ELSE base END)
              + sum(delta) OVER (PARTITION BY grp ORDER BY line_no ROWS UNBOUNDED PRECEDING)
            )::INTEGER AS y_after,
            m_after::INTEGER AS m_after
        FROM e
    """


def envelopes_sql() -> str:
    """Over ``scoped(line_no, text, watched)``: the envelope of each line in one of the two common
    shapes, by fixed offsets and string functions (one regex over the whole line costs ten
    times more), with ``fast`` false for a line the Python envelope parser must read.

    The stamp has a fixed width; the host is the next space-delimited token of 1 to 255
    characters not ending in ``:``; the tag ends at the first ``:``, which a program name and
    a pid cannot hold, so a ``": "`` there is :data:`_HOST_TAG`'s only match."""
    return f"""
        WITH t AS (
            SELECT line_no, text, watched,
                {ASCII_ONLY.format("text")} AS ascii,
                regexp_matches(substr(text, 1, 16), {q(_STAMP_A)}) AS is_a,
                regexp_matches(substr(text, 1, 33), {q(_STAMP_B)}) AS is_b
            FROM scoped
        ), r AS (
            SELECT *, CASE WHEN is_a THEN substr(text, 17) ELSE substr(text, 34) END AS rest
            FROM t
        ), h AS (
            SELECT *, strpos(rest, ' ') AS sp FROM r
        ), g AS (
            SELECT *, substr(rest, 1, sp - 1) AS host, substr(rest, sp + 1) AS after FROM h
        ), k AS (
            SELECT *, strpos(after, ':') AS colon FROM g
        ), m AS (
            SELECT *, substr(after, 1, colon - 1) AS tag, substr(after, colon + 2) AS message
            FROM k
        )
        SELECT line_no, text, watched,
            ascii AND (is_a OR is_b) AND sp BETWEEN 2 AND 256 AND NOT ends_with(host, ':')
                AND colon > 0 AND substr(after, colon + 1, 1) = ' '
                AND regexp_matches(tag, {q(_TAG)})
                AND NOT starts_with(message, '[ID ') AS fast,
            CASE WHEN is_a THEN 'a' WHEN is_b THEN 'b' END AS shape,
            list_position({MONTHS}, substr(text, 1, 3)) AS a_month,
            TRY_CAST(trim(substr(text, 5, 2)) AS INTEGER) AS a_day,
            CASE WHEN is_a THEN substr(text, 8, 2) ELSE substr(text, 12, 2) END AS hh,
            CASE WHEN is_a THEN substr(text, 11, 2) ELSE substr(text, 15, 2) END AS mi,
            CASE WHEN is_a THEN substr(text, 14, 2) ELSE substr(text, 18, 2) END AS ss,
            substr(text, 1, 4) AS y, substr(text, 6, 2) AS m, substr(text, 9, 2) AS d,
            substr(text, 21, 6) AS frac, substr(text, 27, 6) AS zone,
            host,
            split_part(tag, '[', 1) AS program,
            CASE WHEN contains(tag, '[') THEN rtrim(split_part(tag, '[', 2), ']') END AS pid,
            message
        FROM m
    """


# the fixed-width stamps of parsers.envelopes.text._TRADITIONAL_LINE and _RSYSLOG_LINE
_STAMP_A = r"^[A-Z][a-z]{2} [ 0-9][0-9] [0-9]{2}:[0-9]{2}:[0-9]{2} $"
_STAMP_B = (
    r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{6}[+-][0-9]{2}:[0-9]{2} $"
)
# a tag of parsers.envelopes.split.HOST_TAG: program, then an optional [pid]
_TAG = r"^[^\t\n\x0b\f\r \[\]:]{1,128}(?:\[[0-9]{1,10}\])?$"
