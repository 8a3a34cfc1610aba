-- Every email is a row here, written in the transaction of the change that causes it; the
-- delivery worker sends it afterwards and keeps each attempt.
CREATE TABLE outbox_messages (
    id TEXT PRIMARY KEY NOT NULL,
    message_id TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    campaign_id TEXT REFERENCES campaigns (id),
    application_id TEXT REFERENCES applications (id),
    recipient TEXT NOT NULL,
    subject TEXT NOT NULL,
    body_text TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('queued', 'sending', 'sent', 'retrying', 'failed')),
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMP NOT NULL,
    lease_until TIMESTAMP,
    last_error TEXT,
    created_at TIMESTAMP NOT NULL,
    sent_at TIMESTAMP,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX outbox_messages_due ON outbox_messages (status, next_attempt_at);
CREATE INDEX outbox_messages_recipient ON outbox_messages (recipient);
CREATE INDEX outbox_messages_application ON outbox_messages (application_id);

CREATE TABLE outbox_attempts (
    id TEXT PRIMARY KEY NOT NULL,
    outbox_id TEXT NOT NULL REFERENCES outbox_messages (id),
    attempt INTEGER NOT NULL,
    at TIMESTAMP NOT NULL,
    outcome TEXT NOT NULL CHECK (outcome IN ('sent', 'transient', 'permanent')),
    reply TEXT NOT NULL
);
CREATE INDEX outbox_attempts_message ON outbox_attempts (outbox_id, attempt);
