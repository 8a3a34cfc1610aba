DROP INDEX participants_campaign_office;
ALTER TABLE outbox_messages DROP COLUMN lease_owner;
