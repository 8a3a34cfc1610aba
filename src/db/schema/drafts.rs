//! What applicants typed into refused forms, kept for an hour at most (see `db::drafts`).

diesel::table! {
    form_drafts (id_hash) {
        id_hash -> Text,
        sealed -> Text,
        created_at -> Timestamp,
    }
}
