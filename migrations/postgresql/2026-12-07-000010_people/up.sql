-- Staff are people: one row a person, who signs in to the console and owns API tokens.
CREATE TABLE people (
    id TEXT PRIMARY KEY NOT NULL,
    -- Lower-cased, so one address is one person however it is typed.
    email TEXT NOT NULL,
    name TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('admin', 'secretariat', 'auditor')),
    -- argon2id PHC string; NULL until the person chooses a password.
    password_hash TEXT,
    -- RFC 6238 secret, sealed (ChaCha20-Poly1305); NULL while TOTP is off.
    totp_secret_sealed TEXT,
    -- SHA-256 of the one-time welcome link's secret, and when it stops working.
    welcome_hash TEXT,
    welcome_expires_at TIMESTAMP,
    disabled_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    created_by TEXT NOT NULL
);
CREATE UNIQUE INDEX people_email ON people (email);
CREATE UNIQUE INDEX people_welcome ON people (welcome_hash);

-- Who a token acts for: its person, or for a machine account the token that founded it (a
-- token made from a machine token over the API belongs to the same account). Four eyes
-- compares these, never token ids.
ALTER TABLE api_tokens ADD COLUMN person_id TEXT REFERENCES people (id);
ALTER TABLE api_tokens ADD COLUMN account_id TEXT;
UPDATE api_tokens SET account_id = id;

-- Console sessions, on the server so they hold across instances and restarts and can be ended.
CREATE TABLE staff_sessions (
    -- SHA-256 of the cookie's value.
    id_hash TEXT PRIMARY KEY NOT NULL,
    person_id TEXT NOT NULL REFERENCES people (id),
    csrf_token TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    last_seen_at TIMESTAMP NOT NULL,
    ended_at TIMESTAMP
);
CREATE INDEX staff_sessions_person ON staff_sessions (person_id);

-- Failed sign-ins, for the lockout (per email and per address, within a window).
CREATE TABLE sign_in_failures (
    email TEXT NOT NULL,
    address TEXT NOT NULL,
    at TIMESTAMP NOT NULL
);
CREATE INDEX sign_in_failures_email ON sign_in_failures (email, at);
CREATE INDEX sign_in_failures_address ON sign_in_failures (address, at);

-- Who drafted and who decided a batch, as accounts (person or machine account) with the name
-- they had then.
ALTER TABLE payout_batches ADD COLUMN created_by_account TEXT;
ALTER TABLE payout_batches ADD COLUMN created_by_account_name TEXT;
ALTER TABLE payout_batches ADD COLUMN decided_by_account TEXT;
ALTER TABLE payout_batches ADD COLUMN decided_by_account_name TEXT;
