-- An application someone made in another office's name is voided: it leaves the line and, as a
-- withdrawal does, frees its office.
ALTER TABLE applications DROP CONSTRAINT applications_status_check;
ALTER TABLE applications ADD CONSTRAINT applications_status_check
    CHECK (status IN ('accepted', 'waitlisted', 'withdrawn', 'disqualified', 'voided'));
ALTER TABLE participants DROP CONSTRAINT participants_status_check;
ALTER TABLE participants ADD CONSTRAINT participants_status_check
    CHECK (status IN ('accepted', 'waitlisted', 'withdrawn', 'disqualified', 'voided'));
DROP INDEX participants_one_per_office;
CREATE UNIQUE INDEX participants_one_per_office ON participants (campaign_id, office_number)
    WHERE status NOT IN ('withdrawn', 'voided');
