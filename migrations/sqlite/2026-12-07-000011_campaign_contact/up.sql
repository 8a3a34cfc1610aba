-- Whom applicants can reach and how their data is handled, shown on every applicant page and
-- at the end of every email; a campaign set up before has none until staff give one.
ALTER TABLE campaigns ADD COLUMN contact_name TEXT;
ALTER TABLE campaigns ADD COLUMN contact_email TEXT;
ALTER TABLE campaigns ADD COLUMN contact_phone TEXT;
ALTER TABLE campaigns ADD COLUMN contact_hours TEXT;
ALTER TABLE campaigns ADD COLUMN privacy_notice TEXT;
ALTER TABLE campaigns ADD COLUMN privacy_notice_url TEXT;

-- Kept with the message, not looked up when it is delivered: a retry after the campaign's
-- contact changed still goes out as it was written.
ALTER TABLE outbox_messages ADD COLUMN reply_to TEXT;
