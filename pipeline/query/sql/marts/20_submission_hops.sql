-- grain: one row per distinct authenticated submission into our own servers seen in a Received
-- header (copies of one message in several mailboxes collapse to one row)
-- Only the chain of custody is believed, the rule of pipeline.ingest.mailbox.rows
-- (submission_hop_index): from the top (hop 0), hops `by` one of our servers while the `from`
-- of each hop above was one of ours too; the first hop from outside ends the run. The submission
-- hop is the lowest authenticated hop of the run: everything below it, or below a hop from
-- outside, was written by someone else (a forged `by mail.example.org with ESMTPA … user=victim`
-- under a stranger's real top hop is never evidence).
-- A Received header cannot say implicit or STARTTLS, so modern TLS here is at best L2; a hop
-- from a local client (webmail on localhost) is a trusted hop, like Dovecot `secured`.
CREATE OR REPLACE VIEW submission_hops AS
WITH chained AS (
    SELECT
        *,
        -- hop_index counts from 0 with no gap up to here, and every hop so far is ours
        row_number() OVER w - 1 = hop_index
            AND bool_and(is_own_server) OVER w AS is_by_own_run,
        coalesce(bool_and(is_from_own) OVER above, true) AS is_handed_by_own
    FROM stg_received_hops
    WINDOW
        w AS (PARTITION BY message_key ORDER BY hop_index ROWS UNBOUNDED PRECEDING),
        above AS (
            PARTITION BY message_key ORDER BY hop_index
            ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING
        )
),
custody AS (  -- per message, the lowest authenticated hop of the run
    SELECT *, hop_index = max(hop_index) FILTER (WHERE is_authenticated)
        OVER (PARTITION BY message_key) AS is_submission_hop
    FROM chained
    WHERE is_by_own_run AND is_handed_by_own
),
hops AS (
    SELECT DISTINCT
        received_at,
        auth_user,
        user_key,
        from_ip,
        by_host,
        with_protocol,
        is_tls,
        tls_version,
        tls_version_source,
        tls_cipher,
        security,
        is_local,
        partition_date
    FROM custody
    WHERE is_submission_hop AND user_key IS NOT NULL AND received_at IS NOT NULL
)
SELECT
    *,
    level_of(security, NULL, is_local, false) AS level
FROM hops;
