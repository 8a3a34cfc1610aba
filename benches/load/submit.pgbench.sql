-- The statements honoraria runs for one application (service::applications::submit, a
-- campaign without reserved seminar slots), as pgbench drives them: the database's own figure
-- for the same transaction.
-- pgbench -n -f bench/submit.pgbench.sql -D "campaign='<id>'" -c <clients> -t <n> <db url>
\set n random(1, 99999999)
BEGIN;
SELECT * FROM campaigns WHERE id = :campaign LIMIT 1;
SELECT office_number, status FROM participants WHERE campaign_id = :campaign AND office_number = ANY(ARRAY['13' || lpad(:n::text, 8, '0')]) AND status <> 'withdrawn';
UPDATE campaigns SET last_sequence = last_sequence + 1 WHERE id = :campaign RETURNING last_sequence AS seq \gset
SELECT COUNT(*), SUM(CASE WHEN participants.role = 'model' THEN 1 ELSE 0 END), SUM(CASE WHEN seminar_attendees.office_number IS NULL THEN 1 ELSE 0 END) FROM participants LEFT OUTER JOIN seminar_attendees ON seminar_attendees.campaign_id = participants.campaign_id AND seminar_attendees.office_number = participants.office_number WHERE participants.campaign_id = :campaign AND participants.status = 'accepted' LIMIT 1;
INSERT INTO applications (id, campaign_id, tier, status, sequence, submitted_at, contact_name, contact_email, status_secret, needs_review, warnings_json, status_reason, accepted_at, updated_at)
  VALUES (gen_random_uuid()::text, :campaign, 'general_single', 'waitlisted', :seq, now(), '山田 花子', 'c@example.jp', md5(random()::text) || md5(random()::text), false, '[]', NULL, NULL, now());
INSERT INTO participants (id, application_id, campaign_id, position, office_number, name, kind, corporate_number, corporation_name, municipality_code, address, email, using_system_since, role, honorarium_yen, status)
  VALUES (gen_random_uuid()::text, (SELECT id FROM applications WHERE campaign_id = :campaign AND sequence = :seq), :campaign, 0, '13' || lpad(:n::text, 8, '0'), '事業所', 'care_management', '6000000100001', '法人', '132039', '東京都武蔵野市緑町2-2-28', 'o@example.jp', NULL, 'single', 26000, 'waitlisted');
INSERT INTO outbox_messages (id, message_id, kind, campaign_id, application_id, recipient, subject, body_text, status, attempts, next_attempt_at, lease_until, last_error, created_at, sent_at, updated_at)
  VALUES (gen_random_uuid()::text, '<' || md5(random()::text) || '@bench>', 'waitlisted', :campaign, NULL, 'c@example.jp', '【データ連携促進モデルキャンペーン】応募を受け付けました', repeat('あ', 600), 'queued', 0, now(), NULL, NULL, now(), NULL, now());
UPDATE audit_chain SET last_seq = last_seq + 1 WHERE id = 1 RETURNING last_seq AS aseq, last_hash \gset
INSERT INTO audit_events (seq, at, actor, action, entity, entity_id, campaign_id, before_json, after_json, prev_hash, hash)
  VALUES (:aseq, now(), 'applicant', 'application.submit', 'application', gen_random_uuid()::text, :campaign, NULL, repeat('x', 1800), md5(random()::text), md5(random()::text));
UPDATE audit_chain SET last_hash = md5(random()::text) WHERE id = 1;
END;
