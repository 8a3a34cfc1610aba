-- A check before the campaign's end, or on a usage list dated before it, shows verdicts but
-- pays nothing; kept with the check so a batch and an approval can refuse it.
ALTER TABLE year_end_checks ADD COLUMN dry_run BOOLEAN NOT NULL DEFAULT FALSE;
UPDATE year_end_checks SET dry_run = (
    as_of < (SELECT ends_on FROM campaigns WHERE campaigns.id = year_end_checks.campaign_id)
    OR (SELECT as_of FROM usage_lists WHERE usage_lists.id = year_end_checks.usage_list_id)
       < (SELECT ends_on FROM campaigns WHERE campaigns.id = year_end_checks.campaign_id)
);

-- An attestation stands in only for usage lists imported before it was made.
ALTER TABLE checkpoints ADD COLUMN continued_use_attested_at TIMESTAMP;
UPDATE checkpoints SET continued_use_attested_at = updated_at
WHERE continued_use_attested_reason IS NOT NULL;

-- A line moved into a decided batch changes that batch: the new batch is checked too.
DROP TRIGGER payout_lines_frozen_update;
CREATE TRIGGER payout_lines_frozen_update BEFORE UPDATE ON payout_lines
WHEN (SELECT status FROM payout_batches WHERE id = OLD.batch_id) <> 'draft'
  OR (SELECT status FROM payout_batches WHERE id = NEW.batch_id) <> 'draft'
BEGIN
    SELECT RAISE(ABORT, 'lines of an approved or cancelled payout batch never change');
END;
