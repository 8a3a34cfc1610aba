//! What the benchmarks share: a server on a fresh database (SQLite file or PostgreSQL database
//! made for the run and dropped after it), an admin token, campaigns and applications.

#![allow(dead_code)]

use diesel::connection::SimpleConnection;
use diesel::Connection;
use honoraria::config::Settings;
use honoraria::domain::ids::CampaignId;
use honoraria::domain::role::Role;
use honoraria::service::{campaigns, tokens, Actor};
use honoraria::{clock, db, startup};
use serde_json::{json, Value};

pub struct Bench {
    pub port: u16,
    pub pool: db::Pool,
    pub settings: Settings,
    pub url: String,
    pub token: String,
    pub pg_admin: Option<(String, String)>,
    _dir: tempfile::TempDir,
}

impl Bench {
    /// Starts the server on `backend` (`sqlite`, or `postgres` with BENCH_POSTGRES_URL).
    pub fn start(backend: &str, name: &str, configure: impl FnOnce(&mut Settings)) -> Bench {
        let dir = tempfile::tempdir().unwrap();
        let (url, pg_admin) = match backend {
            "sqlite" => (
                format!(
                    "sqlite://{}",
                    dir.path().join(format!("{name}.db")).display()
                ),
                None,
            ),
            "postgres" => {
                let admin = std::env::var("BENCH_POSTGRES_URL").expect("BENCH_POSTGRES_URL");
                let db_name = format!("honoraria_{name}_{}", uuid::Uuid::new_v4().simple());
                let mut c = diesel::PgConnection::establish(&admin).unwrap();
                c.batch_execute(&format!("CREATE DATABASE {db_name}"))
                    .unwrap();
                let base = admin.rsplit_once('/').unwrap().0.to_owned();
                (format!("{base}/{db_name}"), Some((admin, db_name)))
            }
            other => panic!("--backend sqlite|postgres, not {other}"),
        };
        let mut settings = Settings {
            database_url: url.clone().into(),
            bind: "127.0.0.1:0".into(),
            public_rate_limit: 0,
            outbox_dir: dir.path().join("outbox").display().to_string(),
            ..Settings::default()
        };
        configure(&mut settings);
        let (tx, rx) = std::sync::mpsc::channel();
        let server_settings = settings.clone();
        std::thread::spawn(move || {
            actix_web::rt::System::new().block_on(async move {
                let app = startup::Application::build(server_settings).unwrap();
                tx.send((app.port(), app.pool())).unwrap();
                let _ = app.run_until_stopped().await;
            })
        });
        let (port, pool) = rx.recv().unwrap();
        let token = {
            let mut conn = pool.get().unwrap();
            db::write_transaction(&mut conn, |c| {
                tokens::create(
                    c,
                    &Actor::cli(),
                    clock::now(),
                    Role::Admin,
                    "bench",
                    tokens::Owner::NewMachineAccount,
                )
            })
            .unwrap()
            .token
            .expose()
            .to_owned()
        };
        Bench {
            port,
            pool,
            settings,
            url,
            token,
            pg_admin,
            _dir: dir,
        }
    }
}

impl Drop for Bench {
    fn drop(&mut self) {
        if let Some((admin, name)) = &self.pg_admin {
            std::thread::sleep(std::time::Duration::from_millis(200));
            if let Ok(mut c) = diesel::PgConnection::establish(admin) {
                let _ = c.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"));
            }
        }
    }
}

pub fn office_number(n: u32) -> String {
    let first_nine = format!("131{n:06}");
    format!(
        "{first_nine}{}",
        honoraria::domain::office_number::check_digit(&first_nine).unwrap()
    )
}

pub fn corporate_number(n: u32) -> String {
    honoraria::domain::corporate_number::CorporateNumber::with_check_digit(&format!(
        "{:012}",
        100_000 + n
    ))
    .expect("twelve digits")
    .as_str()
    .to_owned()
}

pub fn application(n: u32) -> Value {
    json!({"tier": "general_single", "contact": {"name": "山田 花子", "email": format!("c{n}@example.jp")},
        "offices": [{"office_number": office_number(n), "name": format!("事業所{n}"), "kind": "care_management",
            "corporate_number": corporate_number(n), "corporation_name": "法人", "municipality_code": "132039",
            "address": "東京都武蔵野市緑町2-2-28", "email": format!("o{n}@example.jp"), "using_system_since": null}]})
}

pub fn campaign_body() -> campaigns::CampaignInput {
    let today = chrono::Utc::now().date_naive();
    serde_json::from_value(json!({
        "code": format!("rush-{}", uuid::Uuid::new_v4().simple()), "name": "データ連携促進モデルキャンペーン",
        "region_code": "132039", "region_name": "武蔵野市",
        "opens_at": (chrono::Utc::now() - chrono::Duration::days(1)).to_rfc3339(),
        "deadline": (today + chrono::Duration::days(30)).to_string(),
        "ends_on": (today + chrono::Duration::days(120)).to_string(),
        "total_slots": 50, "model_slots": 10,
        "honoraria": {"general": 26000, "model": 31000, "referred": 26000}}))
    .unwrap()
}

pub fn new_campaign(pool: &db::Pool) -> CampaignId {
    let mut conn = pool.get().unwrap();
    db::write_transaction(&mut conn, |c| {
        campaigns::create(c, &Actor::cli(), clock::now(), &campaign_body())
    })
    .unwrap()
    .id
}

/// The backend named by `--backend` (default `sqlite`).
pub fn backend() -> String {
    let argv: Vec<String> = std::env::args().collect();
    argv.iter()
        .position(|a| a == "--backend")
        .and_then(|i| argv.get(i + 1).cloned())
        .unwrap_or_else(|| "sqlite".into())
}

/// Posts a CSV file as the admin; the time from the first byte sent to the answer, and the
/// answer.
pub fn post_csv(bench: &Bench, path: &str, body: Vec<u8>) -> (std::time::Duration, Value) {
    let started = std::time::Instant::now();
    let r = ureq::post(&format!("http://127.0.0.1:{}{path}", bench.port))
        .set("Authorization", &format!("Bearer {}", bench.token))
        .set("Content-Type", "text/csv")
        .send_bytes(&body)
        .expect("import accepted");
    let elapsed = started.elapsed();
    (elapsed, r.into_json().expect("JSON answer"))
}

/// CPU seconds this process has used so far, user and system (Linux): a figure that a busy
/// machine does not inflate the way it does elapsed time.
pub fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // The fields after the command name, which is in parentheses and may hold spaces.
    let fields: Vec<&str> = stat
        .rsplit_once(')')
        .map_or("", |(_, rest)| rest)
        .split_whitespace()
        .collect();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|v| v.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    // utime and stime are fields 14 and 15 of the line, 12 and 13 after the name.
    (ticks(11) + ticks(12)) / 100.0
}
