DROP TABLE idempotency_keys;
DROP TABLE audit_events;
DROP TABLE audit_chain;
DROP TABLE campaign_deadline_changes;
DROP TABLE campaigns;
DROP TABLE api_tokens;
