//! Database access: one connection type over SQLite and PostgreSQL, the pool, migrations and
//! the write transaction every change goes through.

pub mod applications;
pub mod audit;
pub mod bank;
pub mod campaigns;
pub mod corrections;
pub mod drafts;
pub mod idempotency;
pub mod notes;
pub mod office_registers;
pub mod outbox;
pub mod payouts;
pub mod people;
pub mod schema;
mod stored;
pub mod surveys;
pub mod tokens;
pub mod usage_lists;
pub mod year_end;

use diesel::connection::{AnsiTransactionManager, SimpleConnection, TransactionManager};
use diesel::prelude::*;
use diesel::r2d2::{self, ManageConnection};
use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Mutex;
use std::time::Duration;

const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/postgresql");

#[derive(diesel::MultiConnection)]
pub enum DbConn {
    Sqlite(diesel::SqliteConnection),
    Pg(diesel::PgConnection),
}

pub type Pool = r2d2::Pool<ConnectionManager>;
pub type PooledConn = r2d2::PooledConnection<ConnectionManager>;

#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("database URL must start with sqlite:// or postgres://, got {0:?}")]
    UnsupportedUrl(String),
    #[error("cannot create the directory for the SQLite file {path}: {source}")]
    SqliteDir {
        path: String,
        source: std::io::Error,
    },
    #[error("cannot connect to the database")]
    Connect(#[from] diesel::ConnectionError),
    #[error("no database connection within the time-out")]
    Pool(#[from] r2d2::PoolError),
    #[error("cannot apply migrations: {0}")]
    Migrate(String),
    #[error(transparent)]
    Query(#[from] diesel::result::Error),
}

/// Which backend a URL names; the scheme decides, never a trial connection.
#[derive(Clone, PartialEq, Eq)]
pub enum Backend {
    Sqlite { path: String },
    Postgres { url: String },
}

/// The URL may hold a password: only the scheme and the SQLite path are shown.
impl std::fmt::Debug for Backend {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Backend::Sqlite { path } => write!(f, "Sqlite({path:?})"),
            Backend::Postgres { .. } => f.write_str("Postgres(…)"),
        }
    }
}

impl Backend {
    pub fn from_url(url: &str) -> Result<Self, DbError> {
        if let Some(path) = url.strip_prefix("sqlite://") {
            if path.is_empty() {
                return Err(DbError::UnsupportedUrl(url.to_owned()));
            }
            Ok(Backend::Sqlite {
                path: path.to_owned(),
            })
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(Backend::Postgres {
                url: url.to_owned(),
            })
        } else {
            Err(DbError::UnsupportedUrl(url.to_owned()))
        }
    }

    fn establish(&self, timeout: Duration) -> Result<DbConn, DbError> {
        match self {
            Backend::Sqlite { path } => {
                let mut conn = diesel::SqliteConnection::establish(path)?;
                // WAL lets readers run beside the one writer; FULL makes every acknowledged
                // commit survive a power cut, which a 201 to an applicant promises. The busy
                // time-out bounds how long a request waits on another process's write before
                // it is answered 503. Each pooled connection keeps its own page cache and never
                // gives it back: 16 MiB each bounds a full pool at 256 MiB (64 MiB each held
                // 940 MB after a national campaign's money path); the OS caches the rest.
                conn.batch_execute(&format!(
                    "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; \
                     PRAGMA foreign_keys = ON; PRAGMA busy_timeout = {}; \
                     PRAGMA cache_size = -16384;",
                    timeout.as_millis()
                ))?;
                Ok(DbConn::Sqlite(conn))
            }
            Backend::Postgres { url } => {
                let mut conn =
                    diesel::PgConnection::establish(&with_connect_timeout(url, timeout))?;
                // diesel keeps each statement prepared; PostgreSQL would then settle on one
                // generic plan while a campaign's tables are still nearly empty (a sequential
                // scan) and keep it as they grow, since nothing re-analyzes them in time: intake
                // fell from 1,700 to 400 applications/s over 10,000 applications. A plan made
                // for each execution follows the table's real size, for about 0.1 ms.
                conn.batch_execute("SET plan_cache_mode = force_custom_plan")?;
                Ok(DbConn::Pg(conn))
            }
        }
    }
}

/// Adds libpq's `connect_timeout` to a URL that sets none, so an unreachable server fails a
/// connection attempt in bounded time instead of hanging on the operating system's.
fn with_connect_timeout(url: &str, timeout: Duration) -> String {
    if url.contains("connect_timeout=") {
        return url.to_owned();
    }
    let separator = if url.contains('?') { '&' } else { '?' };
    format!(
        "{url}{separator}connect_timeout={}",
        timeout.as_secs().max(2)
    )
}

/// Until when (Unix milliseconds) connections handed back to the pool are checked before they
/// are kept: set when a query found the database gone, so the connections that broke with it
/// are dropped and fresh ones made once it is back, without a round trip on every checkout in
/// ordinary times.
static SUSPECT_UNTIL: AtomicI64 = AtomicI64::new(0);
const SUSPECT_FOR_MS: i64 = 60_000;

fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

/// Records that the database was just found unreachable.
pub fn note_unavailable() {
    SUSPECT_UNTIL.store(now_ms() + SUSPECT_FOR_MS, Ordering::Relaxed);
}

/// Why `err` means the database cannot be used now (lost connection, server shutting down,
/// SQLite locked by another process beyond the busy time-out, disk full), or `None` for an
/// error in the query or the data.
pub fn unavailable_cause(err: &diesel::result::Error) -> Option<String> {
    use diesel::result::{DatabaseErrorKind, Error};
    match err {
        Error::DatabaseError(kind, info) => {
            let message = info.message();
            // libpq also fails to send a statement that is merely malformed (too many binds):
            // only a closed connection, or one of the messages below, is an outage.
            let lost = matches!(kind, DatabaseErrorKind::ClosedConnection);
            let transient = [
                "database is locked",
                "database or disk is full",
                "terminating connection",
                "server closed the connection",
                "connection to server",
                "no connection to the server",
                "the database system is",
                "could not receive data",
                "SSL connection has been closed",
            ]
            .iter()
            .any(|m| message.contains(m));
            (lost || transient).then(|| message.to_owned())
        }
        Error::BrokenTransactionManager => Some("the connection broke mid-transaction".into()),
        _ => None,
    }
}

#[derive(Debug)]
pub struct ConnectionManager {
    backend: Backend,
    timeout: Duration,
}

impl ManageConnection for ConnectionManager {
    type Connection = DbConn;
    type Error = DbError;

    fn connect(&self) -> Result<DbConn, DbError> {
        self.backend.establish(self.timeout)
    }

    fn is_valid(&self, conn: &mut DbConn) -> Result<(), DbError> {
        conn.batch_execute("SELECT 1").map_err(DbError::from)
    }

    fn has_broken(&self, conn: &mut DbConn) -> bool {
        <DbConn as TransactionManager<DbConn>>::is_broken_transaction_manager(conn)
            || (now_ms() < SUSPECT_UNTIL.load(Ordering::Relaxed)
                && conn.batch_execute("SELECT 1").is_err())
    }
}

/// Opens a pool for `url`, creating the SQLite file's directory when needed, and checks that a
/// first connection works so a bad URL fails at start-up rather than on the first request.
/// `timeout` bounds every wait for the database: a connection from the pool, a new connection,
/// SQLite's lock.
pub fn connect(url: &str, max_size: u32, timeout: Duration) -> Result<Pool, DbError> {
    let backend = Backend::from_url(url)?;
    if let Backend::Sqlite { path } = &backend {
        if let Some(dir) = std::path::Path::new(path).parent() {
            if !dir.as_os_str().is_empty() {
                std::fs::create_dir_all(dir).map_err(|source| DbError::SqliteDir {
                    path: path.clone(),
                    source,
                })?;
            }
        }
    }
    backend.establish(timeout)?;
    let pool = r2d2::Pool::builder()
        .max_size(max_size)
        .connection_timeout(timeout)
        // A `SELECT 1` before every checkout would add a round trip to every request; a
        // connection that broke mid-transaction is dropped by `has_broken` instead.
        .test_on_check_out(false)
        .build_unchecked(ConnectionManager { backend, timeout });
    Ok(pool)
}

#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    #[error("a PostgreSQL database is backed up with its own tools: pg_dump -Fc (see the README)")]
    Postgres,
    #[error("{0} exists already; a backup never overwrites")]
    Exists(String),
    #[error("the backup failed")]
    Query(#[from] diesel::result::Error),
}

/// Writes a consistent copy of a SQLite database to `path` (`VACUUM INTO`), while writers go
/// on: it reads one snapshot, as WAL mode allows.
pub fn backup(conn: &mut DbConn, path: &str) -> Result<(), BackupError> {
    if std::path::Path::new(path).exists() {
        return Err(BackupError::Exists(path.to_owned()));
    }
    match conn {
        DbConn::Pg(_) => Err(BackupError::Postgres),
        DbConn::Sqlite(c) => {
            diesel::sql_query("VACUUM INTO $1")
                .bind::<diesel::sql_types::Text, _>(path)
                .execute(c)?;
            Ok(())
        }
    }
}

/// Applies pending migrations; returns how many ran.
pub fn run_migrations(conn: &mut DbConn) -> Result<usize, DbError> {
    let applied = match conn {
        DbConn::Sqlite(c) => c.run_pending_migrations(SQLITE_MIGRATIONS).map(|v| v.len()),
        DbConn::Pg(c) => c
            .run_pending_migrations(POSTGRES_MIGRATIONS)
            .map(|v| v.len()),
    };
    applied.map_err(|e| DbError::Migrate(e.to_string()))
}

/// SQLite admits one writer at a time, and a writer that finds it taken sleeps in growing steps
/// (up to 100 ms each) until `busy_timeout`. Queuing this process's writers here first hands
/// the lock on without those sleeps. Correctness does not rest on it: `BEGIN IMMEDIATE` still
/// excludes writers of other processes, which wait in `busy_timeout` as before.
static SQLITE_WRITER: Mutex<()> = Mutex::new(());

/// Runs `f` in a transaction that holds the write lock from its first statement: SQLite's
/// `BEGIN IMMEDIATE` (a deferred transaction could fail to upgrade mid-way), PostgreSQL's
/// ordinary `BEGIN` where row locks taken by the statements themselves serialise writers.
pub fn write_transaction<T, E, F>(conn: &mut DbConn, f: F) -> Result<T, E>
where
    F: FnOnce(&mut DbConn) -> Result<T, E>,
    E: From<diesel::result::Error>,
{
    let _writer = match conn {
        DbConn::Sqlite(c) => {
            let guard = SQLITE_WRITER.lock().unwrap_or_else(|e| e.into_inner());
            AnsiTransactionManager::begin_transaction_sql(c, "BEGIN IMMEDIATE")?;
            Some(guard)
        }
        DbConn::Pg(c) => {
            AnsiTransactionManager::begin_transaction(c)?;
            None
        }
    };
    match f(conn) {
        Ok(value) => {
            <DbConn as TransactionManager<DbConn>>::commit_transaction(conn)?;
            Ok(value)
        }
        Err(e) => {
            <DbConn as TransactionManager<DbConn>>::rollback_transaction(conn)?;
            Err(e)
        }
    }
}

/// Runs `f` in a read-only transaction that sees one snapshot of the database throughout, so
/// a long read (walking the audit chain) is not torn by writers committing meanwhile:
/// PostgreSQL's REPEATABLE READ, SQLite's deferred transaction (in WAL mode its first read
/// fixes the snapshot).
pub fn read_snapshot<T, E, F>(conn: &mut DbConn, f: F) -> Result<T, E>
where
    F: FnOnce(&mut DbConn) -> Result<T, E>,
    E: From<diesel::result::Error>,
{
    match conn {
        DbConn::Sqlite(c) => AnsiTransactionManager::begin_transaction_sql(c, "BEGIN DEFERRED")?,
        DbConn::Pg(c) => AnsiTransactionManager::begin_transaction_sql(
            c,
            "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY",
        )?,
    }
    let result = f(conn);
    // Nothing was written: ending the transaction either way is the same.
    <DbConn as TransactionManager<DbConn>>::rollback_transaction(conn)?;
    result
}

/// Bind parameters one statement may carry: SQLite's default `SQLITE_MAX_VARIABLE_NUMBER`
/// (builds may allow more, none less) and PostgreSQL's protocol limit.
const SQLITE_MAX_BINDS: usize = 32_766;
const POSTGRES_MAX_BINDS: usize = 65_535;

/// No table has more columns than diesel is built for (`32-column-tables`).
const MAX_COLUMNS: usize = 32;

/// Rows of any table that fit one multi-row statement on this backend.
pub fn rows_per_statement(conn: &DbConn) -> usize {
    values_per_statement(conn) / MAX_COLUMNS
}

/// Values one statement may bind on this backend, for `IN (…)` lists.
pub fn values_per_statement(conn: &DbConn) -> usize {
    match conn {
        DbConn::Sqlite(_) => SQLITE_MAX_BINDS,
        DbConn::Pg(_) => POSTGRES_MAX_BINDS,
    }
}

/// Inserts many rows, as few multi-row statements as the backend's bind limit allows, however
/// many rows there are. Through the multi-backend connection diesel cannot batch them, so this
/// runs each statement on the backend's own connection.
macro_rules! insert_all {
    ($conn:expr, $table:expr, $rows:expr) => {{
        let conn: &mut $crate::db::DbConn = $conn;
        let per_statement = $crate::db::rows_per_statement(conn);
        let mut inserted = 0usize;
        let mut failed = None;
        for chunk in $rows.chunks(per_statement) {
            let done = match &mut *conn {
                $crate::db::DbConn::Sqlite(c) => {
                    diesel::insert_into($table).values(chunk).execute(c)
                }
                $crate::db::DbConn::Pg(c) => diesel::insert_into($table).values(chunk).execute(c),
            };
            match done {
                Ok(n) => inserted += n,
                Err(e) => {
                    failed = Some(e);
                    break;
                }
            }
        }
        match failed {
            Some(e) => Err(e),
            None => diesel::QueryResult::Ok(inserted),
        }
    }};
}
pub(crate) use insert_all;

pub fn is_unique_violation(err: &diesel::result::Error) -> bool {
    matches!(
        err,
        diesel::result::Error::DatabaseError(diesel::result::DatabaseErrorKind::UniqueViolation, _)
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use diesel::result::{DatabaseErrorKind, Error};

    fn error(kind: DatabaseErrorKind, message: &str) -> Error {
        Error::DatabaseError(kind, Box::new(message.to_owned()))
    }

    #[test]
    fn only_a_lost_connection_is_an_outage() {
        for (kind, message) in [
            (
                DatabaseErrorKind::ClosedConnection,
                "server closed the connection unexpectedly",
            ),
            (
                DatabaseErrorKind::UnableToSendCommand,
                "no connection to the server",
            ),
            (DatabaseErrorKind::Unknown, "database is locked"),
        ] {
            assert!(
                unavailable_cause(&error(kind, message)).is_some(),
                "{message}"
            );
        }
        for (kind, message) in [
            (
                DatabaseErrorKind::UnableToSendCommand,
                "number of parameters must be between 0 and 65535",
            ),
            (DatabaseErrorKind::Unknown, "too many SQL variables"),
            (DatabaseErrorKind::UniqueViolation, "duplicate key value"),
        ] {
            assert!(
                unavailable_cause(&error(kind, message)).is_none(),
                "{message}"
            );
        }
    }
}
