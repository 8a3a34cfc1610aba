//! The start and end surveys' definitions and answers.

use super::participants;

diesel::table! {
    surveys (campaign_id, kind) {
        campaign_id -> Text,
        kind -> Text,
        title -> Text,
        questions_json -> Text,
        updated_at -> Timestamp,
        updated_by -> Text,
    }
}

diesel::table! {
    survey_answers (campaign_id, kind, participant_id) {
        campaign_id -> Text,
        kind -> Text,
        participant_id -> Text,
        office_number -> Text,
        answers_json -> Text,
        answered_at -> Timestamp,
    }
}

diesel::joinable!(survey_answers -> participants (participant_id));
