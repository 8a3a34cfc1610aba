DROP TRIGGER audit_events_append_only_update;
DROP TRIGGER audit_events_append_only_delete;
DROP TABLE payer_accounts;
DROP TABLE bank_accounts;
