//! The `honoraria` command line, run as a separate process the way staff run it.

use crate::helpers::{Backend, TestDatabase};
use std::process::Command;

fn honoraria(db: &TestDatabase, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_honoraria"))
        .args(args)
        .arg("--database-url")
        .arg(&db.url)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("RUST_LOG", "error")
        .output()
        .expect("run honoraria")
}

fn stdout(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

macro_rules! on_both_databases {
    ($name:ident, $body:expr) => {
        mod $name {
            use super::*;
            #[test]
            fn sqlite() {
                let body: fn(&TestDatabase) = $body;
                body(&TestDatabase::create(Backend::Sqlite).expect("SQLite is always available"));
            }
            #[test]
            fn postgres() {
                let body: fn(&TestDatabase) = $body;
                if let Some(db) = TestDatabase::create(Backend::Postgres) {
                    body(&db);
                }
            }
        }
    };
}

on_both_databases!(token_create_prints_the_token_alone_on_one_line, |db| {
    let out = honoraria(db, &["token", "create", "--role", "admin", "--name", "me"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = stdout(&out);
    assert_eq!(text.lines().count(), 1);
    assert!(
        text.trim().starts_with("hnr_") && text.trim().len() == 36,
        "{text}"
    );
    let bad = honoraria(db, &["token", "create", "--role", "root", "--name", "me"]);
    assert!(!bad.status.success());
    // Which database it went to, so a token made against the wrong file is noticed; never a
    // PostgreSQL URL, which may hold a password.
    let said = String::from_utf8_lossy(&out.stderr);
    if let Some(path) = db.url.strip_prefix("sqlite://") {
        assert!(said.contains(path), "{said}");
    } else {
        assert!(!said.contains("postgres://"), "{said}");
    }
});

#[test]
fn a_named_configuration_file_that_is_missing_stops_start_up() {
    let out = Command::new(env!("CARGO_BIN_EXE_honoraria"))
        .args(["serve", "--config", "missing.toml"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("RUST_LOG", "off")
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert!(err.contains("missing.toml"), "{err}");
}

on_both_databases!(
    migrate_then_load_the_musashino_fixture_then_verify_the_audit_trail,
    |db| {
        assert!(honoraria(db, &["migrate"]).status.success());
        let loaded = honoraria(
            db,
            &["campaign", "load", "config/fixtures/musashino-2023.json"],
        );
        assert!(
            loaded.status.success(),
            "{}",
            String::from_utf8_lossy(&loaded.stderr)
        );
        assert_eq!(stdout(&loaded).trim().len(), 36, "prints the campaign id");
        let again = honoraria(
            db,
            &["campaign", "load", "config/fixtures/musashino-2023.json"],
        );
        assert!(!again.status.success(), "the code is unique");
        let verified = honoraria(db, &["audit", "verify"]);
        assert!(verified.status.success());
        assert_eq!(stdout(&verified).trim(), "audit trail intact: 1 events");
    }
);

on_both_databases!(audit_verify_names_the_first_broken_event, |db| {
    honoraria(db, &["token", "create", "--role", "admin", "--name", "a"]);
    honoraria(db, &["token", "create", "--role", "auditor", "--name", "b"]);
    let pool = honoraria::db::connect(&db.url, 1, std::time::Duration::from_secs(5)).unwrap();
    let mut conn = pool.get().unwrap();
    let sql = format!(
        "{} DELETE FROM audit_events WHERE seq = 1",
        crate::helpers::audit_guard_drop(&db.url)
    );
    diesel::connection::SimpleConnection::batch_execute(&mut *conn, &sql).unwrap();
    let out = honoraria(db, &["audit", "verify"]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("audit event 2"), "{err}");
});

#[test]
fn a_process_that_cannot_start_says_why_on_one_line() {
    let out = Command::new(env!("CARGO_BIN_EXE_honoraria"))
        .args(["serve", "--database-url", "mysql://nowhere"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert!(err.contains("database_url"), "{err}");

    let out = Command::new(env!("CARGO_BIN_EXE_honoraria"))
        .args([
            "migrate",
            "--database-url",
            "postgres://postgres@127.0.0.1:1/none",
        ])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("RUST_LOG", "off")
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert!(err.contains("cannot connect"), "{err}");
}

#[test]
fn a_setting_out_of_range_stops_start_up_with_one_line() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("x.db").display());
    let out = Command::new(env!("CARGO_BIN_EXE_honoraria"))
        .args(["migrate", "--database-url", &url])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("HONORARIA_IDEMPOTENCY_TTL_HOURS", "3000000000")
        .env("RUST_LOG", "off")
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert!(err.contains("idempotency_ttl_hours"), "{err}");
}

#[test]
fn a_database_password_never_reaches_the_error_line() {
    let out = Command::new(env!("CARGO_BIN_EXE_honoraria"))
        .args([
            "migrate",
            "--database-url",
            "postgres://app:hunter2@127.0.0.1:1/none",
        ])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("RUST_LOG", "debug")
        .output()
        .unwrap();
    assert!(!out.status.success());
    let all = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!all.contains("hunter2"), "{all}");
    let line = String::from_utf8_lossy(&out.stderr)
        .lines()
        .find(|l| l.starts_with("honoraria: "))
        .map(str::to_owned);
    assert!(
        line.as_deref().is_some_and(
            |l| l.contains("cannot connect to the database") && l.contains("127.0.0.1")
        ),
        "the error line says what failed and where, without the password: {all}"
    );
}

#[test]
fn a_sqlite_backup_is_a_whole_database_that_verifies() {
    let db = TestDatabase::create(Backend::Sqlite).unwrap();
    honoraria(&db, &["token", "create", "--role", "admin", "--name", "a"]);
    let out = honoraria(
        &db,
        &["campaign", "load", "config/fixtures/musashino-2023.json"],
    );
    assert!(out.status.success());
    let dir = tempfile::tempdir().unwrap();
    let copy = dir.path().join("copy.db").display().to_string();
    let out = honoraria(&db, &["backup", &copy]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let again = honoraria(&db, &["backup", &copy]);
    assert!(!again.status.success(), "a backup never overwrites");
    let restored = Command::new(env!("CARGO_BIN_EXE_honoraria"))
        .args([
            "audit",
            "verify",
            "--database-url",
            &format!("sqlite://{copy}"),
        ])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("RUST_LOG", "off")
        .output()
        .unwrap();
    assert!(restored.status.success());
    assert_eq!(stdout(&restored).trim(), "audit trail intact: 2 events");
}

#[test]
fn a_postgresql_dump_restores_into_a_database_that_verifies() {
    let Some(db) = TestDatabase::create(Backend::Postgres) else {
        return;
    };
    honoraria(&db, &["token", "create", "--role", "admin", "--name", "a"]);
    honoraria(
        &db,
        &["campaign", "load", "config/fixtures/musashino-2023.json"],
    );
    let dir = tempfile::tempdir().unwrap();
    let dump = dir.path().join("honoraria.dump");
    let refused = honoraria(&db, &["backup", &dump.display().to_string()]);
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("pg_dump"));
    let dumped = Command::new("pg_dump")
        .args(["-Fc", "-f"])
        .arg(&dump)
        .arg(&db.url)
        .output()
        .expect("pg_dump on PATH");
    assert!(
        dumped.status.success(),
        "{}",
        String::from_utf8_lossy(&dumped.stderr)
    );
    let target = TestDatabase::create(Backend::Postgres).unwrap();
    let restored = Command::new("pg_restore")
        .args(["--no-owner", "-d", &target.url])
        .arg(&dump)
        .output()
        .expect("pg_restore on PATH");
    assert!(
        restored.status.success(),
        "{}",
        String::from_utf8_lossy(&restored.stderr)
    );
    let verified = honoraria(&target, &["audit", "verify"]);
    assert!(
        verified.status.success(),
        "{}",
        String::from_utf8_lossy(&verified.stderr)
    );
    assert_eq!(stdout(&verified).trim(), "audit trail intact: 2 events");
    let pool = honoraria::db::connect(&target.url, 1, std::time::Duration::from_secs(5)).unwrap();
    let mut conn = pool.get().unwrap();
    assert!(
        diesel::connection::SimpleConnection::batch_execute(
            &mut *conn,
            "DELETE FROM audit_events WHERE seq = 1"
        )
        .is_err(),
        "the restored trail is still append-only"
    );
}
