-- Where each office is paid: 全銀 fields, holder name in half-width katakana as banks take it.
CREATE TABLE bank_accounts (
    campaign_id TEXT NOT NULL REFERENCES campaigns (id),
    office_number TEXT NOT NULL,
    bank_code TEXT NOT NULL,
    branch_code TEXT NOT NULL,
    account_type TEXT NOT NULL CHECK (account_type IN ('ordinary', 'current', 'savings')),
    account_number TEXT NOT NULL,
    holder_kana TEXT NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    updated_by TEXT NOT NULL,
    PRIMARY KEY (campaign_id, office_number)
);

-- The campaign's own account, from which the bank transfers.
CREATE TABLE payer_accounts (
    campaign_id TEXT PRIMARY KEY NOT NULL REFERENCES campaigns (id),
    requester_code TEXT NOT NULL,
    requester_name_kana TEXT NOT NULL,
    bank_code TEXT NOT NULL,
    branch_code TEXT NOT NULL,
    account_type TEXT NOT NULL CHECK (account_type IN ('ordinary', 'current', 'savings')),
    account_number TEXT NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    updated_by TEXT NOT NULL
);

-- The audit trail is append-only in the database itself: rows are never updated or deleted.
-- (The hash chain still catches whoever drops this trigger to edit it.)
CREATE FUNCTION audit_events_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the audit trail is append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON audit_events
    FOR EACH ROW EXECUTE FUNCTION audit_events_append_only();
CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
    FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only();
