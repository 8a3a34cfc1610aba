ALTER TABLE people DROP COLUMN totp_last_step;
DROP INDEX sign_in_failures_attempt;
ALTER TABLE sign_in_failures DROP COLUMN attempt_id;
