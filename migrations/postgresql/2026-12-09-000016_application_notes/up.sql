-- Staff's free-text notes on an application, oldest first on its page. The author is the
-- actor as the audit trail names them (person, and session or token); each note is audited too.
CREATE TABLE application_notes (
    id TEXT PRIMARY KEY NOT NULL,
    application_id TEXT NOT NULL REFERENCES applications (id),
    campaign_id TEXT NOT NULL REFERENCES campaigns (id),
    text TEXT NOT NULL,
    author TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX application_notes_application ON application_notes (application_id, created_at);
