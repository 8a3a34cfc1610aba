-- What an applicant typed into a refused form, kept for the page the refusal redirects to
-- (post/redirect/get), so that Back and reload work. The id is stored only as a hash and the
-- fields and errors sealed under a key derived from the id, the form's address and the
-- browser's form cookie: the table alone reveals nothing typed. Rows go when the form is sent
-- successfully, and housekeeping removes any older than an hour.
CREATE TABLE form_drafts (
    id_hash TEXT PRIMARY KEY NOT NULL,
    sealed TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX form_drafts_created_at ON form_drafts (created_at);
