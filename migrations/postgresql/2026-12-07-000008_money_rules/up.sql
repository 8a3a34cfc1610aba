-- A check before the campaign's end, or on a usage list dated before it, shows verdicts but
-- pays nothing; kept with the check so a batch and an approval can refuse it.
ALTER TABLE year_end_checks ADD COLUMN dry_run BOOLEAN NOT NULL DEFAULT FALSE;
UPDATE year_end_checks c SET dry_run = (c.as_of < k.ends_on OR l.as_of < k.ends_on)
FROM campaigns k, usage_lists l
WHERE k.id = c.campaign_id AND l.id = c.usage_list_id;

-- An attestation stands in only for usage lists imported before it was made.
ALTER TABLE checkpoints ADD COLUMN continued_use_attested_at TIMESTAMP;
UPDATE checkpoints SET continued_use_attested_at = updated_at
WHERE continued_use_attested_reason IS NOT NULL;

-- A line moved into a decided batch changes that batch: the new batch is checked too.
CREATE OR REPLACE FUNCTION payout_lines_frozen() RETURNS trigger AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE')
       AND (SELECT status FROM payout_batches WHERE id = OLD.batch_id) <> 'draft' THEN
        RAISE EXCEPTION 'lines of an approved or cancelled payout batch never change';
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE')
       AND (SELECT status FROM payout_batches WHERE id = NEW.batch_id) <> 'draft' THEN
        RAISE EXCEPTION 'lines of an approved or cancelled payout batch never change';
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
