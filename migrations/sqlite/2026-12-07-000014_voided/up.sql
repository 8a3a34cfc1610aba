-- An application someone made in another office's name is voided: it leaves the line and, as a
-- withdrawal does, frees its office. SQLite cannot change a CHECK constraint in place, so both
-- tables are rebuilt with the same rows; the foreign keys that point at them are checked at
-- commit, when the rows are back under the same ids.
PRAGMA defer_foreign_keys = ON;

CREATE TABLE applications_next (
    id TEXT PRIMARY KEY NOT NULL,
    campaign_id TEXT NOT NULL REFERENCES campaigns (id),
    tier TEXT NOT NULL CHECK (tier IN ('general_single', 'general_pair', 'model')),
    status TEXT NOT NULL CHECK (status IN ('accepted', 'waitlisted', 'withdrawn', 'disqualified', 'voided')),
    sequence BIGINT NOT NULL,
    submitted_at TIMESTAMP NOT NULL,
    contact_name TEXT NOT NULL,
    contact_email TEXT NOT NULL,
    status_secret TEXT NOT NULL UNIQUE,
    needs_review BOOLEAN NOT NULL,
    warnings_json TEXT NOT NULL,
    status_reason TEXT,
    accepted_at TIMESTAMP,
    updated_at TIMESTAMP NOT NULL,
    UNIQUE (campaign_id, sequence)
);
INSERT INTO applications_next SELECT * FROM applications;

CREATE TABLE participants_next (
    id TEXT PRIMARY KEY NOT NULL,
    application_id TEXT NOT NULL REFERENCES applications (id),
    campaign_id TEXT NOT NULL REFERENCES campaigns (id),
    position INTEGER NOT NULL,
    office_number TEXT NOT NULL,
    name TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('care_management', 'service')),
    corporate_number TEXT NOT NULL,
    corporation_name TEXT NOT NULL,
    municipality_code TEXT NOT NULL,
    address TEXT NOT NULL,
    email TEXT NOT NULL,
    using_system_since DATE,
    role TEXT NOT NULL CHECK (role IN ('single', 'pair_member', 'model', 'referred')),
    honorarium_yen BIGINT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('accepted', 'waitlisted', 'withdrawn', 'disqualified', 'voided')),
    UNIQUE (application_id, position)
);
INSERT INTO participants_next SELECT * FROM participants;

DROP TABLE participants;
DROP TABLE applications;
ALTER TABLE applications_next RENAME TO applications;
ALTER TABLE participants_next RENAME TO participants;

CREATE INDEX applications_campaign_status ON applications (campaign_id, status, sequence);
-- One participation per office and campaign, in any role; a withdrawn or voided one frees it.
CREATE UNIQUE INDEX participants_one_per_office ON participants (campaign_id, office_number)
    WHERE status NOT IN ('withdrawn', 'voided');
CREATE INDEX participants_campaign_status ON participants (campaign_id, status);
CREATE INDEX participants_campaign_office ON participants (campaign_id, office_number);
