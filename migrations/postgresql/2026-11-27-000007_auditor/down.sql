DROP FUNCTION audit_events_append_only CASCADE;
DROP TABLE payer_accounts;
DROP TABLE bank_accounts;
