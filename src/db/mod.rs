//! Database access: one connection type over SQLite and PostgreSQL, the pool, migrations and
//! the write transaction every change goes through.

pub mod applications;
pub mod audit;
pub mod campaigns;
pub mod idempotency;
pub mod outbox;
pub mod schema;
mod stored;
pub mod tokens;

use diesel::connection::{AnsiTransactionManager, SimpleConnection, TransactionManager};
use diesel::prelude::*;
use diesel::r2d2::{self, ManageConnection};
use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};
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
    #[error("cannot connect to the database: {0}")]
    Connect(#[from] diesel::ConnectionError),
    #[error("database pool: {0}")]
    Pool(#[from] r2d2::PoolError),
    #[error("cannot apply migrations: {0}")]
    Migrate(String),
    #[error(transparent)]
    Query(#[from] diesel::result::Error),
}

/// Which backend a URL names; the scheme decides, never a trial connection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Backend {
    Sqlite { path: String },
    Postgres { url: String },
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

    fn establish(&self) -> Result<DbConn, DbError> {
        match self {
            Backend::Sqlite { path } => {
                let mut conn = diesel::SqliteConnection::establish(path)?;
                // WAL lets readers run beside the one writer; FULL makes every acknowledged
                // commit survive a power cut, which a 201 to an applicant promises.
                conn.batch_execute(
                    "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; \
                     PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 30000;",
                )?;
                Ok(DbConn::Sqlite(conn))
            }
            Backend::Postgres { url } => Ok(DbConn::Pg(diesel::PgConnection::establish(url)?)),
        }
    }
}

#[derive(Debug)]
pub struct ConnectionManager {
    backend: Backend,
}

impl ManageConnection for ConnectionManager {
    type Connection = DbConn;
    type Error = DbError;

    fn connect(&self) -> Result<DbConn, DbError> {
        self.backend.establish()
    }

    fn is_valid(&self, conn: &mut DbConn) -> Result<(), DbError> {
        conn.batch_execute("SELECT 1").map_err(DbError::from)
    }

    fn has_broken(&self, conn: &mut DbConn) -> bool {
        <DbConn as TransactionManager<DbConn>>::is_broken_transaction_manager(conn)
    }
}

/// Opens a pool for `url`, creating the SQLite file's directory when needed, and checks that a
/// first connection works so a bad URL fails at start-up rather than on the first request.
pub fn connect(url: &str, max_size: u32) -> Result<Pool, DbError> {
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
    backend.establish()?;
    let pool = r2d2::Pool::builder()
        .max_size(max_size)
        .connection_timeout(Duration::from_secs(30))
        // A `SELECT 1` before every checkout would add a round trip to every request; a
        // connection that broke mid-transaction is dropped by `has_broken` instead.
        .test_on_check_out(false)
        .build_unchecked(ConnectionManager { backend });
    Ok(pool)
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

/// Inserts many rows in one statement. Through the multi-backend connection diesel cannot
/// batch them, so this runs the statement on the backend's own connection.
macro_rules! insert_all {
    ($conn:expr, $table:expr, $rows:expr) => {{
        let rows = $rows;
        if rows.is_empty() {
            Ok(0)
        } else {
            match $conn {
                $crate::db::DbConn::Sqlite(c) => {
                    diesel::insert_into($table).values(rows).execute(c)
                }
                $crate::db::DbConn::Pg(c) => diesel::insert_into($table).values(rows).execute(c),
            }
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
