-- A sign-in attempt is written down (as a failure) before its password is verified, so that
-- guesses sent in parallel all count towards the lockout; a sign-in that succeeds removes its
-- own row, found by this id. Rows from before have none: they stay failures.
ALTER TABLE sign_in_failures ADD COLUMN attempt_id TEXT;
CREATE INDEX sign_in_failures_attempt ON sign_in_failures (attempt_id);

-- The last TOTP time step (Unix time / 30) accepted for the person: a code of that step or an
-- earlier one is refused, so a code seen once cannot be used again.
ALTER TABLE people ADD COLUMN totp_last_step BIGINT;
