CREATE TABLE api_tokens (
    id TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('admin', 'secretariat', 'auditor')),
    token_hash TEXT NOT NULL UNIQUE,
    created_at TIMESTAMP NOT NULL,
    revoked_at TIMESTAMP
);

CREATE TABLE campaigns (
    id TEXT PRIMARY KEY NOT NULL,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    region_code TEXT NOT NULL,
    region_name TEXT NOT NULL,
    opens_at TIMESTAMP NOT NULL,
    deadline DATE NOT NULL,
    ends_on DATE NOT NULL,
    total_slots INTEGER NOT NULL CHECK (total_slots >= 0),
    model_slots INTEGER NOT NULL CHECK (model_slots >= 0),
    reserved_seminar_slots INTEGER NOT NULL CHECK (reserved_seminar_slots >= 0),
    max_referrals INTEGER NOT NULL CHECK (max_referrals >= 1),
    honorarium_general_yen BIGINT NOT NULL CHECK (honorarium_general_yen >= 0),
    honorarium_model_yen BIGINT NOT NULL CHECK (honorarium_model_yen >= 0),
    honorarium_referred_yen BIGINT NOT NULL CHECK (honorarium_referred_yen >= 0),
    office_check_digit TEXT NOT NULL CHECK (office_check_digit IN ('flag', 'reject')),
    partner_failure_blocks BOOLEAN NOT NULL,
    promote_after_deadline BOOLEAN NOT NULL,
    referral_same_corporation_allowed BOOLEAN NOT NULL,
    last_sequence BIGINT NOT NULL DEFAULT 0,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

CREATE TABLE campaign_deadline_changes (
    id TEXT PRIMARY KEY NOT NULL,
    campaign_id TEXT NOT NULL REFERENCES campaigns (id),
    previous_deadline DATE NOT NULL,
    new_deadline DATE NOT NULL,
    reason TEXT NOT NULL,
    changed_by TEXT NOT NULL,
    changed_at TIMESTAMP NOT NULL
);
CREATE INDEX campaign_deadline_changes_campaign ON campaign_deadline_changes (campaign_id, changed_at);

-- One row: the head of the audit hash chain. Updating it first serialises writers of the chain.
CREATE TABLE audit_chain (
    id INTEGER PRIMARY KEY NOT NULL CHECK (id = 1),
    last_seq BIGINT NOT NULL,
    last_hash TEXT NOT NULL
);
INSERT INTO audit_chain (id, last_seq, last_hash) VALUES (1, 0, '');

CREATE TABLE audit_events (
    seq BIGINT PRIMARY KEY NOT NULL,
    at TIMESTAMP NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    entity TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    campaign_id TEXT,
    before_json TEXT,
    after_json TEXT,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE INDEX audit_events_campaign ON audit_events (campaign_id, seq);

CREATE TABLE idempotency_keys (
    scope TEXT NOT NULL,
    idempotency_key TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    response_status INTEGER NOT NULL,
    response_body TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (scope, idempotency_key)
);
