ALTER TABLE outbox_messages DROP COLUMN reply_to;
ALTER TABLE campaigns DROP COLUMN privacy_notice_url;
ALTER TABLE campaigns DROP COLUMN privacy_notice;
ALTER TABLE campaigns DROP COLUMN contact_hours;
ALTER TABLE campaigns DROP COLUMN contact_phone;
ALTER TABLE campaigns DROP COLUMN contact_email;
ALTER TABLE campaigns DROP COLUMN contact_name;
