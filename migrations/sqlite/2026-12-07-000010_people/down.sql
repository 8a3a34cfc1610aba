ALTER TABLE payout_batches DROP COLUMN decided_by_account_name;
ALTER TABLE payout_batches DROP COLUMN decided_by_account;
ALTER TABLE payout_batches DROP COLUMN created_by_account_name;
ALTER TABLE payout_batches DROP COLUMN created_by_account;
DROP TABLE sign_in_failures;
DROP TABLE staff_sessions;
ALTER TABLE api_tokens DROP COLUMN account_id;
ALTER TABLE api_tokens DROP COLUMN person_id;
DROP TABLE people;
