//! Diesel table definitions shared by both backends (only types common to SQLite and PostgreSQL).

mod drafts;
mod questionnaires;
mod registers;
pub use drafts::*;
pub use questionnaires::*;
pub use registers::*;

diesel::table! {
    api_tokens (id) {
        id -> Text,
        name -> Text,
        role -> Text,
        token_hash -> Text,
        created_at -> Timestamp,
        revoked_at -> Nullable<Timestamp>,
        person_id -> Nullable<Text>,
        account_id -> Nullable<Text>,
    }
}

diesel::table! {
    people (id) {
        id -> Text,
        email -> Text,
        name -> Text,
        role -> Text,
        password_hash -> Nullable<Text>,
        totp_secret_sealed -> Nullable<Text>,
        welcome_hash -> Nullable<Text>,
        welcome_expires_at -> Nullable<Timestamp>,
        disabled_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        created_by -> Text,
        totp_last_step -> Nullable<BigInt>,
    }
}

diesel::table! {
    staff_sessions (id_hash) {
        id_hash -> Text,
        person_id -> Text,
        csrf_token -> Text,
        created_at -> Timestamp,
        last_seen_at -> Timestamp,
        ended_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    sign_in_failures (email, address, at) {
        email -> Text,
        address -> Text,
        at -> Timestamp,
        attempt_id -> Nullable<Text>,
    }
}

diesel::table! {
    campaigns (id) {
        id -> Text,
        code -> Text,
        name -> Text,
        region_code -> Text,
        region_name -> Text,
        opens_at -> Timestamp,
        deadline -> Date,
        ends_on -> Date,
        total_slots -> Integer,
        model_slots -> Integer,
        reserved_seminar_slots -> Integer,
        max_referrals -> Integer,
        honorarium_general_yen -> BigInt,
        honorarium_model_yen -> BigInt,
        honorarium_referred_yen -> BigInt,
        office_check_digit -> Text,
        partner_failure_blocks -> Bool,
        promote_after_deadline -> Bool,
        referral_same_corporation_allowed -> Bool,
        last_sequence -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        contact_name -> Nullable<Text>,
        contact_email -> Nullable<Text>,
        contact_phone -> Nullable<Text>,
        contact_hours -> Nullable<Text>,
        privacy_notice -> Nullable<Text>,
        privacy_notice_url -> Nullable<Text>,
        end_survey_opens_days -> Integer,
        survey_closes_days_after_end -> Integer,
    }
}

diesel::table! {
    campaign_deadline_changes (id) {
        id -> Text,
        campaign_id -> Text,
        previous_deadline -> Date,
        new_deadline -> Date,
        reason -> Text,
        changed_by -> Text,
        changed_at -> Timestamp,
    }
}

diesel::table! {
    audit_chain (id) {
        id -> Integer,
        last_seq -> BigInt,
        last_hash -> Text,
    }
}

diesel::table! {
    audit_events (seq) {
        seq -> BigInt,
        at -> Timestamp,
        actor -> Text,
        action -> Text,
        entity -> Text,
        entity_id -> Text,
        campaign_id -> Nullable<Text>,
        before_json -> Nullable<Text>,
        after_json -> Nullable<Text>,
        prev_hash -> Text,
        hash -> Text,
    }
}

diesel::table! {
    idempotency_keys (scope, idempotency_key) {
        scope -> Text,
        idempotency_key -> Text,
        request_hash -> Text,
        response_status -> Integer,
        response_body -> Text,
        created_at -> Timestamp,
    }
}

diesel::joinable!(campaign_deadline_changes -> campaigns (campaign_id));

diesel::table! {
    applications (id) {
        id -> Text,
        campaign_id -> Text,
        tier -> Text,
        status -> Text,
        sequence -> BigInt,
        submitted_at -> Timestamp,
        contact_name -> Text,
        contact_email -> Text,
        status_secret -> Text,
        needs_review -> Bool,
        warnings_json -> Text,
        status_reason -> Nullable<Text>,
        accepted_at -> Nullable<Timestamp>,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    participants (id) {
        id -> Text,
        application_id -> Text,
        campaign_id -> Text,
        position -> Integer,
        office_number -> Text,
        name -> Text,
        kind -> Text,
        corporate_number -> Text,
        corporation_name -> Text,
        municipality_code -> Text,
        address -> Text,
        email -> Text,
        using_system_since -> Nullable<Date>,
        role -> Text,
        honorarium_yen -> BigInt,
        status -> Text,
    }
}

diesel::table! {
    seminar_attendees (campaign_id, office_number) {
        campaign_id -> Text,
        office_number -> Text,
        imported_at -> Timestamp,
    }
}

diesel::joinable!(applications -> campaigns (campaign_id));
diesel::joinable!(participants -> applications (application_id));

diesel::table! {
    outbox_messages (id) {
        id -> Text,
        message_id -> Text,
        kind -> Text,
        campaign_id -> Nullable<Text>,
        application_id -> Nullable<Text>,
        recipient -> Text,
        subject -> Text,
        body_text -> Text,
        status -> Text,
        attempts -> Integer,
        next_attempt_at -> Timestamp,
        lease_until -> Nullable<Timestamp>,
        lease_owner -> Nullable<Text>,
        last_error -> Nullable<Text>,
        created_at -> Timestamp,
        sent_at -> Nullable<Timestamp>,
        updated_at -> Timestamp,
        reply_to -> Nullable<Text>,
    }
}

diesel::table! {
    outbox_attempts (id) {
        id -> Text,
        outbox_id -> Text,
        attempt -> Integer,
        at -> Timestamp,
        outcome -> Text,
        reply -> Text,
    }
}

diesel::joinable!(outbox_attempts -> outbox_messages (outbox_id));

diesel::table! {
    checkpoints (participant_id) {
        participant_id -> Text,
        campaign_id -> Text,
        office_number -> Text,
        usage_started_on -> Nullable<Date>,
        start_survey_answered -> Bool,
        end_survey_answered -> Bool,
        workflow_change_confirmed -> Bool,
        linkage_confirmed -> Bool,
        continued_use_attested_reason -> Nullable<Text>,
        updated_at -> Timestamp,
        updated_by -> Text,
        continued_use_attested_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    usage_lists (id) {
        id -> Text,
        campaign_id -> Text,
        as_of -> Date,
        row_count -> Integer,
        invalid_row_count -> Integer,
        encoding -> Text,
        sha256 -> Text,
        imported_at -> Timestamp,
        imported_by -> Text,
    }
}

diesel::table! {
    usage_list_offices (usage_list_id, office_number) {
        usage_list_id -> Text,
        office_number -> Text,
    }
}

diesel::table! {
    year_end_checks (id) {
        id -> Text,
        campaign_id -> Text,
        as_of -> Date,
        usage_list_id -> Text,
        total_amount -> BigInt,
        eligible_count -> Integer,
        inputs_sha256 -> Text,
        created_at -> Timestamp,
        created_by -> Text,
        notified_at -> Nullable<Timestamp>,
        dry_run -> Bool,
    }
}

diesel::table! {
    year_end_results (check_id, office_number) {
        check_id -> Text,
        office_number -> Text,
        participant_id -> Text,
        application_id -> Text,
        role -> Text,
        eligible -> Bool,
        amount -> BigInt,
        reasons -> Text,
        inputs_json -> Text,
    }
}

diesel::table! {
    payout_batches (id) {
        id -> Text,
        campaign_id -> Text,
        year_end_check_id -> Text,
        corrects -> Nullable<Text>,
        status -> Text,
        total_amount -> BigInt,
        line_count -> Integer,
        created_by -> Text,
        created_by_token -> Nullable<Text>,
        created_at -> Timestamp,
        decided_by -> Nullable<Text>,
        decided_by_token -> Nullable<Text>,
        decided_at -> Nullable<Timestamp>,
        created_by_account -> Nullable<Text>,
        created_by_account_name -> Nullable<Text>,
        decided_by_account -> Nullable<Text>,
        decided_by_account_name -> Nullable<Text>,
    }
}

diesel::table! {
    payout_lines (batch_id, office_number) {
        batch_id -> Text,
        office_number -> Text,
        participant_id -> Text,
        application_id -> Text,
        role -> Text,
        amount -> BigInt,
    }
}

diesel::table! {
    checkpoint_reminders (participant_id, day) {
        participant_id -> Text,
        campaign_id -> Text,
        day -> Date,
        sent_at -> Timestamp,
    }
}

diesel::joinable!(checkpoints -> participants (participant_id));
diesel::joinable!(usage_list_offices -> usage_lists (usage_list_id));
diesel::joinable!(year_end_results -> year_end_checks (check_id));
diesel::joinable!(payout_lines -> payout_batches (batch_id));
diesel::joinable!(payout_lines -> participants (participant_id));

diesel::table! {
    bank_accounts (campaign_id, office_number) {
        campaign_id -> Text,
        office_number -> Text,
        bank_code -> Text,
        branch_code -> Text,
        account_type -> Text,
        account_number -> Text,
        holder_kana -> Text,
        updated_at -> Timestamp,
        updated_by -> Text,
    }
}

diesel::table! {
    payer_accounts (campaign_id) {
        campaign_id -> Text,
        requester_code -> Text,
        requester_name_kana -> Text,
        bank_code -> Text,
        branch_code -> Text,
        account_type -> Text,
        account_number -> Text,
        updated_at -> Timestamp,
        updated_by -> Text,
    }
}

diesel::table! {
    payout_batch_payers (batch_id) {
        batch_id -> Text,
        requester_code -> Text,
        requester_name_kana -> Text,
        bank_code -> Text,
        branch_code -> Text,
        account_type -> Text,
        account_number -> Text,
        frozen_at -> Timestamp,
    }
}

diesel::table! {
    payout_batch_payees (batch_id, office_number) {
        batch_id -> Text,
        office_number -> Text,
        bank_code -> Text,
        branch_code -> Text,
        account_type -> Text,
        account_number -> Text,
        holder_kana -> Text,
        frozen_at -> Timestamp,
    }
}

diesel::joinable!(staff_sessions -> people (person_id));

diesel::table! {
    application_notes (id) {
        id -> Text,
        application_id -> Text,
        campaign_id -> Text,
        text -> Text,
        author -> Text,
        created_at -> Timestamp,
    }
}

diesel::joinable!(application_notes -> applications (application_id));

diesel::allow_tables_to_appear_in_same_query!(
    api_tokens,
    people,
    staff_sessions,
    sign_in_failures,
    campaigns,
    campaign_deadline_changes,
    audit_chain,
    audit_events,
    idempotency_keys,
    applications,
    participants,
    seminar_attendees,
    outbox_messages,
    outbox_attempts,
    checkpoints,
    usage_lists,
    usage_list_offices,
    year_end_checks,
    year_end_results,
    payout_batches,
    payout_lines,
    checkpoint_reminders,
    bank_accounts,
    payer_accounts,
    payout_batch_payers,
    payout_batch_payees,
    surveys,
    survey_answers,
    office_registers,
    office_register_offices,
    application_notes,
);
