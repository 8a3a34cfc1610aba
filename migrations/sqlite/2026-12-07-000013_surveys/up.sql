-- When the surveys open and close, per campaign (see domain::survey::window).
ALTER TABLE campaigns ADD COLUMN end_survey_opens_days INTEGER NOT NULL DEFAULT 31;
ALTER TABLE campaigns ADD COLUMN survey_closes_days_after_end INTEGER NOT NULL DEFAULT 30;

-- A campaign's start and end survey; the questions are kept as the JSON the API takes.
CREATE TABLE surveys (
    campaign_id TEXT NOT NULL REFERENCES campaigns (id),
    kind TEXT NOT NULL CHECK (kind IN ('start', 'end')),
    title TEXT NOT NULL,
    questions_json TEXT NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    updated_by TEXT NOT NULL,
    PRIMARY KEY (campaign_id, kind)
);

-- One office's current answers to one survey: answering again replaces them.
CREATE TABLE survey_answers (
    campaign_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    participant_id TEXT NOT NULL REFERENCES participants (id),
    office_number TEXT NOT NULL,
    answers_json TEXT NOT NULL,
    answered_at TIMESTAMP NOT NULL,
    PRIMARY KEY (campaign_id, kind, participant_id),
    FOREIGN KEY (campaign_id, kind) REFERENCES surveys (campaign_id, kind)
);
