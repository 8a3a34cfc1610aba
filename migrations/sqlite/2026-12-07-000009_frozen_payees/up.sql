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
CREATE TRIGGER payout_batch_payers_frozen_insert BEFORE INSERT ON payout_batch_payers
WHEN (SELECT status FROM payout_batches WHERE id = NEW.batch_id) IS NOT 'approved'
BEGIN
    SELECT RAISE(ABORT, 'accounts are frozen only for an approved payout batch');
END;
CREATE TRIGGER payout_batch_payers_frozen_update BEFORE UPDATE ON payout_batch_payers
BEGIN
    SELECT RAISE(ABORT, 'the frozen accounts of a payout batch never change');
END;
CREATE TRIGGER payout_batch_payers_frozen_delete BEFORE DELETE ON payout_batch_payers
BEGIN
    SELECT RAISE(ABORT, 'the frozen accounts of a payout batch never change');
END;
CREATE TRIGGER payout_batch_payees_frozen_insert BEFORE INSERT ON payout_batch_payees
WHEN (SELECT status FROM payout_batches WHERE id = NEW.batch_id) IS NOT 'approved'
    OR (SELECT amount FROM payout_lines
        WHERE batch_id = NEW.batch_id AND office_number = NEW.office_number) <= 0
BEGIN
    SELECT RAISE(ABORT, 'accounts are frozen only for a paying line of an approved payout batch');
END;
CREATE TRIGGER payout_batch_payees_frozen_update BEFORE UPDATE ON payout_batch_payees
BEGIN
    SELECT RAISE(ABORT, 'the frozen accounts of a payout batch never change');
END;
CREATE TRIGGER payout_batch_payees_frozen_delete BEFORE DELETE ON payout_batch_payees
BEGIN
    SELECT RAISE(ABORT, 'the frozen accounts of a payout batch never change');
END;
