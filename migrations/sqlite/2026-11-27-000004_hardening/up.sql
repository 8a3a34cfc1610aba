-- Intake asks, for every application, whether its offices take part already; the partial
-- unique index cannot answer that (its WHERE hides withdrawn rows), so without this index both
-- databases scanned every participant of the campaign.
CREATE INDEX participants_campaign_office ON participants (campaign_id, office_number);

-- The worker that claimed a message; only it may renew the lease or record the attempt.
ALTER TABLE outbox_messages ADD COLUMN lease_owner TEXT;

-- Stored responses are now sealed under their key and the key is kept only as a hash; rows
-- written before in plain text are dropped (a replay window of 24 hours is all they served).
DELETE FROM idempotency_keys;
