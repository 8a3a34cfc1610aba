CREATE OR REPLACE FUNCTION payout_lines_frozen() RETURNS trigger AS $$
DECLARE
    batch TEXT;
BEGIN
    IF TG_OP = 'INSERT' THEN
        batch := NEW.batch_id;
    ELSE
        batch := OLD.batch_id;
    END IF;
    IF (SELECT status FROM payout_batches WHERE id = batch) <> 'draft' THEN
        RAISE EXCEPTION 'lines of an approved or cancelled payout batch never change';
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
ALTER TABLE checkpoints DROP COLUMN continued_use_attested_at;
ALTER TABLE year_end_checks DROP COLUMN dry_run;
