-- grain: one row per message read from a mailbox (lake table `messages`)
CREATE OR REPLACE VIEW stg_messages AS
SELECT
    message_key,
    source_file,
    "offset" AS file_offset,
    message_id,
    header_from,
    header_date_at,
    hop_count
FROM src_messages;
