-- The worker's next message: the earliest due among those still to send. Sent and failed
-- messages, which pile up over a campaign, are not in this index, so a claim reads its first
-- entry whatever the outbox's size or backlog.
CREATE INDEX outbox_messages_pending ON outbox_messages (next_attempt_at, created_at)
    WHERE status IN ('queued', 'retrying');
