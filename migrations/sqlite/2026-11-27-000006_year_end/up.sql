-- What the secretariat records per office taking part; a missing row means nothing recorded.
CREATE TABLE checkpoints (
    participant_id TEXT PRIMARY KEY NOT NULL REFERENCES participants (id),
    campaign_id TEXT NOT NULL REFERENCES campaigns (id),
    office_number TEXT NOT NULL,
    usage_started_on DATE,
    start_survey_answered BOOLEAN NOT NULL DEFAULT FALSE,
    end_survey_answered BOOLEAN NOT NULL DEFAULT FALSE,
    workflow_change_confirmed BOOLEAN NOT NULL DEFAULT FALSE,
    linkage_confirmed BOOLEAN NOT NULL DEFAULT FALSE,
    continued_use_attested_reason TEXT,
    updated_at TIMESTAMP NOT NULL,
    updated_by TEXT NOT NULL
);
CREATE INDEX checkpoints_campaign ON checkpoints (campaign_id, office_number);

-- A list of offices using the system as of a date, as imported; its rows are kept whole so a
-- check can be re-derived for any office later.
CREATE TABLE usage_lists (
    id TEXT PRIMARY KEY NOT NULL,
    campaign_id TEXT NOT NULL REFERENCES campaigns (id),
    as_of DATE NOT NULL,
    row_count INTEGER NOT NULL,
    invalid_row_count INTEGER NOT NULL,
    encoding TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    imported_at TIMESTAMP NOT NULL,
    imported_by TEXT NOT NULL
);
CREATE INDEX usage_lists_campaign ON usage_lists (campaign_id, as_of, imported_at);

-- No foreign key on usage_list_id: a national list is 300,000 rows written only together with
-- their list row in one transaction, and a per-row key check tripled the import's time.
CREATE TABLE usage_list_offices (
    usage_list_id TEXT NOT NULL,
    office_number TEXT NOT NULL,
    PRIMARY KEY (usage_list_id, office_number)
);

-- A year-end check: every accepted office's verdict, with what it was judged on.
CREATE TABLE year_end_checks (
    id TEXT PRIMARY KEY NOT NULL,
    campaign_id TEXT NOT NULL REFERENCES campaigns (id),
    as_of DATE NOT NULL,
    usage_list_id TEXT NOT NULL REFERENCES usage_lists (id),
    total_amount BIGINT NOT NULL,
    eligible_count INTEGER NOT NULL,
    inputs_sha256 TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    created_by TEXT NOT NULL,
    notified_at TIMESTAMP
);
CREATE INDEX year_end_checks_campaign ON year_end_checks (campaign_id, created_at);

CREATE TABLE year_end_results (
    check_id TEXT NOT NULL REFERENCES year_end_checks (id),
    office_number TEXT NOT NULL,
    participant_id TEXT NOT NULL REFERENCES participants (id),
    application_id TEXT NOT NULL REFERENCES applications (id),
    role TEXT NOT NULL CHECK (role IN ('single', 'pair_member', 'model', 'referred')),
    eligible BOOLEAN NOT NULL,
    amount BIGINT NOT NULL CHECK (amount >= 0),
    reasons TEXT NOT NULL,
    inputs_json TEXT NOT NULL,
    PRIMARY KEY (check_id, office_number)
);

-- Payout batches: drafted from a check, approved by a second person, then never changed.
CREATE TABLE payout_batches (
    id TEXT PRIMARY KEY NOT NULL,
    campaign_id TEXT NOT NULL REFERENCES campaigns (id),
    year_end_check_id TEXT NOT NULL REFERENCES year_end_checks (id),
    corrects TEXT REFERENCES payout_batches (id),
    status TEXT NOT NULL CHECK (status IN ('draft', 'cancelled', 'approved')),
    total_amount BIGINT NOT NULL,
    line_count INTEGER NOT NULL,
    created_by TEXT NOT NULL,
    created_by_token TEXT,
    created_at TIMESTAMP NOT NULL,
    decided_by TEXT,
    decided_by_token TEXT,
    decided_at TIMESTAMP
);
-- One draft per campaign at a time.
CREATE UNIQUE INDEX payout_batches_one_draft ON payout_batches (campaign_id) WHERE status = 'draft';
CREATE INDEX payout_batches_campaign ON payout_batches (campaign_id, created_at);

CREATE TABLE payout_lines (
    batch_id TEXT NOT NULL REFERENCES payout_batches (id),
    office_number TEXT NOT NULL,
    participant_id TEXT NOT NULL REFERENCES participants (id),
    application_id TEXT NOT NULL REFERENCES applications (id),
    role TEXT NOT NULL CHECK (role IN ('single', 'pair_member', 'model', 'referred')),
    amount BIGINT NOT NULL CHECK (amount <> 0),
    PRIMARY KEY (batch_id, office_number)
);

-- Reminders sent, one per office and Japan day, so a second call that day sends none.
CREATE TABLE checkpoint_reminders (
    campaign_id TEXT NOT NULL REFERENCES campaigns (id),
    participant_id TEXT NOT NULL REFERENCES participants (id),
    day DATE NOT NULL,
    sent_at TIMESTAMP NOT NULL,
    PRIMARY KEY (participant_id, day)
);

-- The database itself refuses to change a decided batch or its lines, whatever the code does.
CREATE TRIGGER payout_batches_frozen_update BEFORE UPDATE ON payout_batches
WHEN OLD.status <> 'draft'
BEGIN
    SELECT RAISE(ABORT, 'payout batch is approved or cancelled and never changes');
END;
CREATE TRIGGER payout_batches_frozen_delete BEFORE DELETE ON payout_batches
WHEN OLD.status <> 'draft'
BEGIN
    SELECT RAISE(ABORT, 'payout batch is approved or cancelled and never changes');
END;
CREATE TRIGGER payout_lines_frozen_insert BEFORE INSERT ON payout_lines
WHEN (SELECT status FROM payout_batches WHERE id = NEW.batch_id) <> 'draft'
BEGIN
    SELECT RAISE(ABORT, 'lines of an approved or cancelled payout batch never change');
END;
CREATE TRIGGER payout_lines_frozen_update BEFORE UPDATE ON payout_lines
WHEN (SELECT status FROM payout_batches WHERE id = OLD.batch_id) <> 'draft'
BEGIN
    SELECT RAISE(ABORT, 'lines of an approved or cancelled payout batch never change');
END;
CREATE TRIGGER payout_lines_frozen_delete BEFORE DELETE ON payout_lines
WHEN (SELECT status FROM payout_batches WHERE id = OLD.batch_id) <> 'draft'
BEGIN
    SELECT RAISE(ABORT, 'lines of an approved or cancelled payout batch never change');
END;
