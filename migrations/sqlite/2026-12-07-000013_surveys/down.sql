DROP TABLE survey_answers;
DROP TABLE surveys;
ALTER TABLE campaigns DROP COLUMN survey_closes_days_after_end;
ALTER TABLE campaigns DROP COLUMN end_survey_opens_days;
