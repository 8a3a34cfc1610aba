DROP TRIGGER payout_lines_frozen_update;
CREATE TRIGGER payout_lines_frozen_update BEFORE UPDATE ON payout_lines
WHEN (SELECT status FROM payout_batches WHERE id = OLD.batch_id) <> 'draft'
BEGIN
    SELECT RAISE(ABORT, 'lines of an approved or cancelled payout batch never change');
END;
ALTER TABLE checkpoints DROP COLUMN continued_use_attested_at;
ALTER TABLE year_end_checks DROP COLUMN dry_run;
