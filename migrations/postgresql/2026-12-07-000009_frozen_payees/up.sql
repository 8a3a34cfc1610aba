-- The accounts a payout batch pays from and to, copied when it is approved (or, for one not
-- known then, when its first transfer file is written): the file of an approved batch must not
-- pay someone else because a live account was edited afterwards.
CREATE TABLE payout_batch_payers (
    batch_id TEXT PRIMARY KEY NOT NULL REFERENCES payout_batches (id),
    requester_code TEXT NOT NULL,
    requester_name_kana TEXT NOT NULL,
    bank_code TEXT NOT NULL,
    branch_code TEXT NOT NULL,
    account_type TEXT NOT NULL CHECK (account_type IN ('ordinary', 'current', 'savings')),
    account_number TEXT NOT NULL,
    frozen_at TIMESTAMP NOT NULL
);

CREATE TABLE payout_batch_payees (
    batch_id TEXT NOT NULL,
    office_number TEXT NOT NULL,
    bank_code TEXT NOT NULL,
    branch_code TEXT NOT NULL,
    account_type TEXT NOT NULL CHECK (account_type IN ('ordinary', 'current', 'savings')),
    account_number TEXT NOT NULL,
    holder_kana TEXT NOT NULL,
    frozen_at TIMESTAMP NOT NULL,
    PRIMARY KEY (batch_id, office_number),
    FOREIGN KEY (batch_id, office_number) REFERENCES payout_lines (batch_id, office_number)
);

-- The database itself keeps them: written once for an approved batch (a payee only for a line
-- that pays), never changed.
CREATE FUNCTION payout_batch_accounts_frozen() RETURNS trigger AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        RAISE EXCEPTION 'the frozen accounts of a payout batch never change';
    END IF;
    IF (SELECT status FROM payout_batches WHERE id = NEW.batch_id) IS DISTINCT FROM 'approved' THEN
        RAISE EXCEPTION 'accounts are frozen only for an approved payout batch';
    END IF;
    -- Nested, not joined by AND: a payer row has no office_number to look at.
    IF TG_TABLE_NAME = 'payout_batch_payees' THEN
        IF (SELECT amount FROM payout_lines
                WHERE batch_id = NEW.batch_id AND office_number = NEW.office_number) <= 0 THEN
            RAISE EXCEPTION 'accounts are frozen only for a paying line of an approved payout batch';
        END IF;
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER payout_batch_payers_frozen BEFORE INSERT OR UPDATE OR DELETE ON payout_batch_payers
    FOR EACH ROW EXECUTE FUNCTION payout_batch_accounts_frozen();
CREATE TRIGGER payout_batch_payees_frozen BEFORE INSERT OR UPDATE OR DELETE ON payout_batch_payees
    FOR EACH ROW EXECUTE FUNCTION payout_batch_accounts_frozen();
