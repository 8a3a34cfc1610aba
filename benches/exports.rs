//! Exports of a 100,000-line approved payout batch over HTTP, against a running server:
//!
//!   cargo bench --bench exports -- --backend sqlite
//!   BENCH_POSTGRES_URL=postgres://postgres@127.0.0.1:5432/postgres \
//!     cargo bench --bench exports -- --backend postgres
//!
//! Prints each export's time and size, and how far the process's peak memory rose while it ran
//! (the exports stream page by page, so the rise stays near one page whatever the batch).

mod common;

use diesel::connection::SimpleConnection;
use std::time::Instant;

const LINES: u32 = 100_000;

/// Peak resident memory of this process so far, in MB (Linux).
fn peak_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines().find(|l| l.starts_with("VmHWM:")).and_then(|l| {
                l.split_whitespace()
                    .nth(1)
                    .and_then(|kb| kb.parse::<f64>().ok())
            })
        })
        .map_or(0.0, |kb| kb / 1024.0)
}

/// An approved batch of `LINES` offices, written straight into the database.
fn seed(bench: &common::Bench, campaign: &str) -> String {
    let ts = if bench.url.starts_with("sqlite") {
        "'2026-01-01 00:00:00'"
    } else {
        "TIMESTAMP '2026-01-01 00:00:00'"
    };
    let sql = format!(
        "INSERT INTO applications (id, campaign_id, tier, status, sequence, submitted_at, \
           contact_name, contact_email, status_secret, needs_review, warnings_json, updated_at) \
         WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {LINES}) \
         SELECT 'a' || i, '{campaign}', 'general_single', 'accepted', i, {ts}, '山田', \
           'c@example.jp', 's' || i, FALSE, '[]', {ts} FROM n;
         INSERT INTO participants (id, application_id, campaign_id, position, office_number, name, \
           kind, corporate_number, corporation_name, municipality_code, address, email, role, \
           honorarium_yen, status) \
         SELECT 'p' || id, id, campaign_id, 0, 'X' || id, 'ケアプラン連携事業所' || id, \
           'care_management', '7123456789012', '社会福祉法人むさしの', '132039', '武蔵野市', \
           'o@example.jp', 'single', 26000, 'accepted' \
         FROM applications WHERE campaign_id = '{campaign}';
         INSERT INTO usage_lists VALUES ('ul', '{campaign}', '2027-03-31', 0, 0, 'utf_8', '', {ts}, 'bench');
         INSERT INTO year_end_checks VALUES ('yc', '{campaign}', '2027-03-31', 'ul', 0, 0, '', {ts}, 'bench', NULL);
         INSERT INTO payout_batches VALUES ('pb', '{campaign}', 'yc', NULL, 'draft', {total}, {LINES}, \
           'bench', NULL, {ts}, NULL, NULL, NULL);
         INSERT INTO payout_lines (batch_id, office_number, participant_id, application_id, role, amount) \
         SELECT 'pb', office_number, id, application_id, role, honorarium_yen \
         FROM participants WHERE campaign_id = '{campaign}';
         UPDATE payout_batches SET status = 'approved', decided_by = 'bench2', decided_at = {ts} WHERE id = 'pb';",
        total = i64::from(LINES) * 26_000,
    );
    let mut conn = bench.pool.get().unwrap();
    conn.batch_execute(&sql).unwrap();
    // As creating a batch through the service does.
    honoraria::db::payouts::refresh_statistics(&mut conn).unwrap();
    "pb".into()
}

fn main() {
    honoraria::telemetry::init();
    let backend = common::backend();
    let bench = common::Bench::start(&backend, "exports", |s| s.email_worker = false);
    let campaign = common::new_campaign(&bench.pool);
    let batch = seed(&bench, campaign.as_str());
    let agent = ureq::agent();
    println!("exports on {backend}: a batch of {LINES} lines");
    println!(
        "{:<12} {:>8} {:>10} {:>16}",
        "export", "seconds", "MB", "peak rise (MB)"
    );
    for export in ["ledger.csv", "ledger.json", "ledger.xlsx"] {
        let before = peak_mb();
        let started = Instant::now();
        let r = agent
            .get(&format!(
                "http://127.0.0.1:{}/api/v1/payout-batches/{batch}/{export}",
                bench.port
            ))
            .set("Authorization", &format!("Bearer {}", bench.token))
            .call()
            .expect("export");
        // Counted, not kept: the client's copy would hide the server's memory.
        let size = std::io::copy(&mut r.into_reader(), &mut std::io::sink()).unwrap();
        let elapsed = started.elapsed();
        println!(
            "{export:<12} {:>8.2} {:>10.1} {:>16.1}",
            elapsed.as_secs_f64(),
            size as f64 / 1e6,
            peak_mb() - before
        );
    }
}
