DROP INDEX participants_one_per_office;
CREATE UNIQUE INDEX participants_one_per_office ON participants (campaign_id, office_number)
    WHERE status <> 'withdrawn';
ALTER TABLE participants DROP CONSTRAINT participants_status_check;
ALTER TABLE participants ADD CONSTRAINT participants_status_check
    CHECK (status IN ('accepted', 'waitlisted', 'withdrawn', 'disqualified'));
ALTER TABLE applications DROP CONSTRAINT applications_status_check;
ALTER TABLE applications ADD CONSTRAINT applications_status_check
    CHECK (status IN ('accepted', 'waitlisted', 'withdrawn', 'disqualified'));
