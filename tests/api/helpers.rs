use diesel::connection::SimpleConnection;
use diesel::Connection;
use honoraria::config::Settings;
use honoraria::domain::role::Role;
use honoraria::service::{tokens, Actor};
use honoraria::{clock, db, startup};
use serde_json::{json, Value};
use std::sync::mpsc;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Declares one test per backend from a body taking `&TestApp`.
#[macro_export]
macro_rules! on_both_backends {
    ($name:ident, $body:expr) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;
            #[test]
            fn sqlite() {
                let app = $crate::helpers::TestApp::spawn($crate::helpers::Backend::Sqlite)
                    .expect("SQLite is always available");
                let body: fn(&$crate::helpers::TestApp) = $body;
                body(&app);
            }
            #[test]
            fn postgres() {
                let Some(app) = $crate::helpers::TestApp::spawn($crate::helpers::Backend::Postgres)
                else {
                    return;
                };
                let body: fn(&$crate::helpers::TestApp) = $body;
                body(&app);
            }
        }
    };
}

/// A throw-away database: a SQLite file in a temporary directory, or a PostgreSQL database
/// created for the test and dropped after it.
pub struct TestDatabase {
    pub url: String,
    _dir: Option<tempfile::TempDir>,
    admin_url: Option<String>,
    name: String,
}

impl TestDatabase {
    pub fn create(backend: Backend) -> Option<Self> {
        let name = format!("honoraria_test_{}", uuid::Uuid::new_v4().simple());
        match backend {
            Backend::Sqlite => {
                let dir = tempfile::tempdir().expect("temporary directory");
                let url = format!("sqlite://{}", dir.path().join("test.db").display());
                Some(TestDatabase {
                    url,
                    _dir: Some(dir),
                    admin_url: None,
                    name,
                })
            }
            Backend::Postgres => {
                let Ok(admin_url) = std::env::var("TEST_POSTGRES_URL") else {
                    assert!(
                        std::env::var_os("CI").is_none(),
                        "CI is set and TEST_POSTGRES_URL is not: the PostgreSQL half must run in CI"
                    );
                    eprintln!(
                        "\n*** SKIPPED: the PostgreSQL half of this test did not run: TEST_POSTGRES_URL is not set ***\n"
                    );
                    return None;
                };
                let mut admin = diesel::PgConnection::establish(&admin_url)
                    .unwrap_or_else(|e| panic!("TEST_POSTGRES_URL is set but unreachable: {e}"));
                admin
                    .batch_execute(&format!("CREATE DATABASE {name}"))
                    .expect("create the test database");
                let (base, _) = admin_url
                    .rsplit_once('/')
                    .expect("URL with a database name");
                let url = format!("{base}/{name}");
                Some(TestDatabase {
                    url,
                    _dir: None,
                    admin_url: Some(admin_url),
                    name,
                })
            }
        }
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        if let Some(admin_url) = &self.admin_url {
            if let Ok(mut admin) = diesel::PgConnection::establish(admin_url) {
                let _ = admin.batch_execute(&format!(
                    "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                    self.name
                ));
            }
        }
    }
}

/// The sealing key test servers share.
pub const TEST_SECRET_KEY: &str =
    "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";

pub struct TestApp {
    pub settings: Settings,
    pub base: String,
    pub admin_token: String,
    pub db: std::sync::Arc<TestDatabase>,
    pub pool: db::Pool,
}

pub struct Response {
    pub status: u16,
    pub body: Value,
    pub content_type: String,
    pub retry_after: Option<String>,
}

impl TestApp {
    pub fn spawn(backend: Backend) -> Option<TestApp> {
        Self::spawn_with(backend, |_| {})
    }

    /// A server whose settings `configure` adjusts; the email worker is off unless it turns
    /// it on, so tests drive delivery one step at a time.
    pub fn spawn_with(backend: Backend, configure: impl FnOnce(&mut Settings)) -> Option<TestApp> {
        let db = std::sync::Arc::new(TestDatabase::create(backend)?);
        Some(Self::start(db, configure))
    }

    /// Another server instance on the same database.
    pub fn spawn_on(db: std::sync::Arc<TestDatabase>) -> TestApp {
        Self::start(db, |_| {})
    }

    fn start(db: std::sync::Arc<TestDatabase>, configure: impl FnOnce(&mut Settings)) -> TestApp {
        honoraria::telemetry::init();
        let mut settings = Settings {
            database_url: db.url.clone().into(),
            bind: "127.0.0.1:0".into(),
            public_base_url: "https://campaign.example.jp".into(),
            public_rate_limit: 0,
            db_pool_size: 8,
            outbox_dir: std::env::temp_dir()
                .join(format!(
                    "honoraria-outbox-{}",
                    uuid::Uuid::new_v4().simple()
                ))
                .display()
                .to_string(),
            email_worker: false,
            outbox_retry_base_secs: 0,
            smtp_timeout_secs: 5,
            // One key for every instance of a test, as operators give every instance one.
            secret_key: Some(TEST_SECRET_KEY.to_owned().into()),
            ..Settings::default()
        };
        configure(&mut settings);
        let server_settings = settings.clone();
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            actix_web::rt::System::new().block_on(async move {
                let app = startup::Application::build(server_settings).expect("server starts");
                tx.send((app.port(), app.pool())).expect("report port");
                let _ = app.run_until_stopped().await;
            })
        });
        let (port, pool) = rx.recv().expect("server started");
        let mut conn = pool.get().expect("connection");
        let admin_token = db::write_transaction(&mut conn, |c| {
            tokens::create(
                c,
                &Actor::cli(),
                clock::now(),
                Role::Admin,
                "test-admin",
                tokens::Owner::NewMachineAccount,
            )
        })
        .expect("admin token")
        .token
        .expose()
        .to_owned();
        drop(conn);
        TestApp {
            settings,
            base: format!("http://127.0.0.1:{port}"),
            admin_token,
            db,
            pool,
        }
    }

    pub fn request(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<&Value>,
    ) -> Response {
        self.raw(
            method,
            path,
            token,
            &[],
            body.map(|b| ("application/json", b.to_string())),
        )
    }

    pub fn raw(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        headers: &[(&str, &str)],
        body: Option<(&str, String)>,
    ) -> Response {
        let mut req = ureq::request(method, &format!("{}{}", self.base, path));
        if let Some(t) = token {
            req = req.set("Authorization", &format!("Bearer {t}"));
        }
        for (k, v) in headers {
            req = req.set(k, v);
        }
        let result = match body {
            Some((ct, text)) => req.set("Content-Type", ct).send_string(&text),
            None => req.call(),
        };
        let resp = match result {
            Ok(r) => r,
            Err(ureq::Error::Status(_, r)) => r,
            Err(e) => panic!("{method} {path}: {e}"),
        };
        let status = resp.status();
        let content_type = resp.header("Content-Type").unwrap_or("").to_owned();
        let retry_after = resp.header("Retry-After").map(str::to_owned);
        let text = resp.into_string().expect("body");
        let body = serde_json::from_str(&text).unwrap_or(Value::String(text));
        Response {
            status,
            body,
            content_type,
            retry_after,
        }
    }

    pub fn get(&self, path: &str) -> Response {
        self.request("GET", path, Some(&self.admin_token), None)
    }

    pub fn post(&self, path: &str, body: &Value) -> Response {
        self.request("POST", path, Some(&self.admin_token), Some(body))
    }

    /// A token of a second staff account with this role: a machine account of its own, as the
    /// command line makes (a token minted over the API would belong to the admin).
    pub fn token(&self, role: &str) -> String {
        let role: Role = role.parse().expect("a role");
        let mut conn = self.pool.get().expect("connection");
        db::write_transaction(&mut conn, |c| {
            tokens::create(
                c,
                &Actor::cli(),
                clock::now(),
                role,
                &format!("{}-user", role.as_str()),
                tokens::Owner::NewMachineAccount,
            )
        })
        .expect("token")
        .token
        .expose()
        .to_owned()
    }

    /// Creates an open campaign (opened yesterday, deadline in a month) with these slots.
    pub fn open_campaign(&self, total: i32, model: i32) -> String {
        let mut body = open_campaign_body();
        body["total_slots"] = json!(total);
        body["model_slots"] = json!(model);
        let r = self.post("/api/v1/campaigns", &body);
        assert_eq!(r.status, 201, "{}", r.body);
        r.body["id"].as_str().unwrap().to_owned()
    }

    /// Drops the triggers that keep the audit trail append-only, as someone with full rights
    /// on the database could, to show that the hash chain still catches an edit.
    pub fn drop_audit_guard(&self) {
        self.execute_sql(audit_guard_drop(&self.db.url));
    }

    pub fn execute_sql(&self, sql: &str) {
        let mut conn = self.pool.get().expect("connection");
        conn.batch_execute(sql).expect("sql");
    }
}

impl TestApp {
    /// The first audit event of `campaign` recorded as `action`.
    pub fn audited(&self, campaign: &str, action: &str) -> Value {
        let events = self.get(&format!(
            "/api/v1/audit-events?campaign_id={campaign}&per_page=500"
        ));
        events.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["action"] == action)
            .unwrap_or_else(|| panic!("no {action} event"))
            .clone()
    }
}

/// The Musashino 2023 campaign as shipped in config/fixtures.
pub fn musashino() -> Value {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/config/fixtures/musashino-2023.json"
    ))
    .expect("fixture");
    serde_json::from_str(&text).expect("fixture is JSON")
}

/// A valid office in Musashino: `n` picks a distinct office number and corporation.
pub fn office(n: u32, kind: &str) -> Value {
    let first_nine = format!("13{}{:06}", if kind == "service" { 7 } else { 1 }, n);
    let office_number = format!("{first_nine}{}", office_check_digit(&first_nine));
    let twelve = format!("{:012}", 100_000 + n);
    let corporate_number =
        honoraria::domain::corporate_number::CorporateNumber::with_check_digit(&twelve)
            .expect("twelve digits")
            .as_str()
            .to_owned();
    json!({
        "office_number": office_number,
        "name": format!("テスト事業所{n}"),
        "kind": kind,
        "corporate_number": corporate_number,
        "corporation_name": format!("社会福祉法人テスト{n}"),
        "municipality_code": "132039",
        "address": "東京都武蔵野市緑町2-2-28",
        "email": format!("office{n}@example.jp"),
        "using_system_since": null
    })
}

pub fn office_check_digit(first_nine: &str) -> u32 {
    honoraria::domain::office_number::check_digit(first_nine).expect("digits")
}

pub fn single(n: u32) -> Value {
    json!({"tier": "general_single", "contact": {"name": "山田 花子", "email": format!("contact{n}@example.jp")},
           "offices": [office(n, "care_management")]})
}

pub fn pair(n: u32, m: u32) -> Value {
    json!({"tier": "general_pair", "contact": {"name": "山田 花子", "email": "pair@example.jp"},
           "offices": [office(n, "care_management"), office(m, "service")]})
}

pub fn model(n: u32, referred: u32) -> Value {
    json!({"tier": "model", "contact": {"name": "佐藤 一郎", "email": "model@example.jp"},
           "offices": [office(n, "care_management")], "referrals": [office(referred, "service")]})
}

/// The secret of the status link in an application's answer.
pub fn status_secret(applied: &Value) -> String {
    applied["status_url"]
        .as_str()
        .and_then(|url| url.rsplit('/').next())
        .expect("a status_url")
        .to_owned()
}

pub fn fields(r: &Response) -> Vec<String> {
    r.body["errors"]
        .as_array()
        .map(|errors| {
            errors
                .iter()
                .map(|e| e["field"].as_str().unwrap_or("").to_owned())
                .collect()
        })
        .unwrap_or_default()
}

impl TestApp {
    /// Runs the email worker until nothing is due.
    pub fn drain_outbox(&self) -> Vec<honoraria::worker::Outcome> {
        let mailer = self.settings.mailer().expect("mailer");
        honoraria::worker::drain(&self.pool, &mailer, &self.settings.retry_policy()).expect("drain")
    }

    /// One step of the email worker.
    pub fn deliver_next(&self) -> honoraria::worker::Outcome {
        let mailer = self.settings.mailer().expect("mailer");
        let mut conn = self.pool.get().expect("connection");
        honoraria::worker::deliver_next(&mut conn, &mailer, &self.settings.retry_policy())
            .expect("step")
    }
}

/// SQL that removes the audit trail's append-only triggers on the database at `url`.
pub fn audit_guard_drop(url: &str) -> &'static str {
    if url.starts_with("sqlite://") {
        "DROP TRIGGER audit_events_append_only_update; DROP TRIGGER audit_events_append_only_delete;"
    } else {
        "DROP TRIGGER audit_events_append_only ON audit_events;"
    }
}

/// The Musashino campaign, opened yesterday, its deadline in a month, under a fresh code.
pub fn open_campaign_body() -> Value {
    let mut body = musashino();
    let today = chrono::Utc::now().date_naive();
    body["code"] = json!(format!("test-{}", uuid::Uuid::new_v4().simple()));
    body["opens_at"] = json!((chrono::Utc::now() - chrono::Duration::days(1)).to_rfc3339());
    body["deadline"] = json!((today + chrono::Duration::days(30)).to_string());
    body["ends_on"] = json!((today + chrono::Duration::days(120)).to_string());
    body
}

/// The real `honoraria` binary serving `url` on a free port with JSON logs, as an operator
/// runs it: the process, its port, and the log lines after the one that named the port.
pub struct Served {
    pub child: std::process::Child,
    pub port: u16,
    pub log: std::io::Lines<std::io::BufReader<std::process::ChildStderr>>,
}

pub fn serve_binary(url: &str, env: &[(&str, String)]) -> Served {
    use std::io::BufRead;
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_honoraria"))
        .args(["serve", "--bind", "127.0.0.1:0", "--database-url", url])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("HONORARIA_LOG_FORMAT", "json")
        .env("RUST_LOG", "info")
        .env("HONORARIA_PUBLIC_RATE_LIMIT", "0")
        .envs(env.iter().map(|(k, v)| (*k, v.as_str())))
        .stderr(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .spawn()
        .expect("start honoraria serve");
    let mut log = std::io::BufReader::new(child.stderr.take().unwrap()).lines();
    let port = loop {
        let line = log.next().expect("the server logs its port").unwrap();
        let json: Value = serde_json::from_str(&line)
            .unwrap_or_else(|_| panic!("every log line is JSON: {line}"));
        if let Some(port) = json["fields"]["port"].as_u64() {
            break port as u16;
        }
    };
    Served { child, port, log }
}

/// A new admin token, made with the command line as staff do.
pub fn cli_admin_token(url: &str) -> String {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_honoraria"))
        .args(["token", "create", "--role", "admin", "--name", "ops"])
        .args(["--database-url", url])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("RUST_LOG", "off")
        .output()
        .expect("run honoraria");
    String::from_utf8(out.stdout).unwrap().trim().to_owned()
}

/// Creates an open campaign over HTTP at `base`; returns its id.
pub fn create_campaign_at(base: &str, token: &str) -> String {
    let created: Value = ureq::post(&format!("{base}/api/v1/campaigns"))
        .set("Authorization", &format!("Bearer {token}"))
        .send_json(open_campaign_body())
        .expect("campaign created")
        .into_json()
        .unwrap();
    created["id"].as_str().unwrap().to_owned()
}
