#!/usr/bin/env python3
"""SQLite's own rate for the transaction honoraria runs for one application (the statements of
benches/load/submit.pgbench.sql, in SQLite's dialect), on one connection with the server's settings
(WAL, synchronous = FULL): the database's figure to set beside the service's.

    python3 benches/load/submit_sqlite.py DB_FILE CAMPAIGN_ID SECONDS
"""
import hashlib
import os
import random
import sqlite3
import sys
import time
import uuid

path, campaign, seconds = sys.argv[1], sys.argv[2], float(sys.argv[3])
db = sqlite3.connect(path, isolation_level=None)
db.executescript("PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON; "
                 "PRAGMA busy_timeout = 5000; PRAGMA cache_size = -65536;")


def rand_hex():
    return hashlib.md5(os.urandom(16)).hexdigest()


done = 0
first = random.randint(0, 50_000_000)
end = time.monotonic() + seconds
while time.monotonic() < end:
    # Prefecture 14: no office the load tools make, and each number once.
    office = f"14{first + done:08d}"
    now = time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime())
    db.execute("BEGIN IMMEDIATE")
    db.execute("SELECT * FROM campaigns WHERE id = ? LIMIT 1", (campaign,)).fetchall()
    db.execute("SELECT office_number, status FROM participants WHERE campaign_id = ? AND office_number IN (?) "
               "AND status <> 'withdrawn'", (campaign, office)).fetchall()
    seq = db.execute("UPDATE campaigns SET last_sequence = last_sequence + 1 WHERE id = ? RETURNING last_sequence",
                     (campaign,)).fetchone()[0]
    db.execute("SELECT COUNT(*), SUM(CASE WHEN participants.role = 'model' THEN 1 ELSE 0 END), "
               "SUM(CASE WHEN seminar_attendees.office_number IS NULL THEN 1 ELSE 0 END) FROM participants "
               "LEFT OUTER JOIN seminar_attendees ON seminar_attendees.campaign_id = participants.campaign_id "
               "AND seminar_attendees.office_number = participants.office_number "
               "WHERE participants.campaign_id = ? AND participants.status = 'accepted' LIMIT 1", (campaign,)).fetchall()
    app = str(uuid.uuid4())
    db.execute("INSERT INTO applications (id, campaign_id, tier, status, sequence, submitted_at, contact_name, "
               "contact_email, status_secret, needs_review, warnings_json, status_reason, accepted_at, updated_at) "
               "VALUES (?, ?, 'general_single', 'waitlisted', ?, ?, '山田 花子', 'c@example.jp', ?, 0, '[]', NULL, NULL, ?)",
               (app, campaign, seq, now, rand_hex() + rand_hex(), now))
    db.execute("INSERT INTO participants (id, application_id, campaign_id, position, office_number, name, kind, "
               "corporate_number, corporation_name, municipality_code, address, email, using_system_since, role, "
               "honorarium_yen, status) VALUES (?, ?, ?, 0, ?, '事業所', 'care_management', '6000000100001', '法人', "
               "'132039', '東京都武蔵野市緑町2-2-28', 'o@example.jp', NULL, 'single', 26000, 'waitlisted')",
               (str(uuid.uuid4()), app, campaign, office))
    db.execute("INSERT INTO outbox_messages (id, message_id, kind, campaign_id, application_id, recipient, subject, "
               "body_text, status, attempts, next_attempt_at, lease_until, last_error, created_at, sent_at, updated_at) "
               "VALUES (?, ?, 'waitlisted', ?, NULL, 'c@example.jp', '【データ連携促進モデルキャンペーン】応募を受け付けました', "
               "?, 'queued', 0, ?, NULL, NULL, ?, NULL, ?)",
               (str(uuid.uuid4()), f"<{rand_hex()}@bench>", campaign, "あ" * 600, now, now, now))
    aseq = db.execute("UPDATE audit_chain SET last_seq = last_seq + 1 WHERE id = 1 RETURNING last_seq").fetchone()[0]
    db.execute("INSERT INTO audit_events (seq, at, actor, action, entity, entity_id, campaign_id, before_json, "
               "after_json, prev_hash, hash) VALUES (?, ?, 'applicant', 'application.submit', 'application', ?, ?, "
               "NULL, ?, ?, ?)", (aseq, now, str(uuid.uuid4()), campaign, "x" * 1800, rand_hex(), rand_hex()))
    db.execute("UPDATE audit_chain SET last_hash = ? WHERE id = 1", (rand_hex(),))
    db.execute("COMMIT")
    done += 1
print(f"tps = {done / seconds:.0f} (one connection, one application per transaction)")
