//! Use cases: each runs inside the caller's database transaction, applies the domain rules,
//! writes rows and their audit events, and returns what the API shows.

pub mod account;
pub mod allocation;
pub mod applications;
pub mod audit;
pub mod bank_accounts;
pub mod campaigns;
pub mod checkpoints;
pub mod dashboard;
pub mod drafts;
pub mod idempotency;
pub mod intake;
pub mod ledger;
pub mod notes;
pub mod office_registers;
pub mod operations;
pub mod outbox;
pub mod outcome;
pub mod payouts;
pub mod people;
pub mod recent;
pub mod reconciliation;
pub mod reminders;
pub mod sealing;
pub mod sign_in;
pub mod status_link;
pub mod surveys;
pub mod tokens;
pub mod transfers;
pub mod usage_lists;
pub mod year_end;

use crate::db::{self, DbConn, Pool, PooledConn};

/// The connection use cases run on, as handlers name it in the closures they pass.
pub type Conn = DbConn;
use crate::domain::conflict::{Conflict, NotAllowed};
use crate::domain::{role::Role, FieldErrors};
use chrono::NaiveDateTime;

/// What a use case that changes records and mails about them runs with: the write
/// transaction's connection, who acts, the time it runs at, and the outbox's notifier. One
/// value instead of four arguments in the same order everywhere.
pub struct UseCase<'a> {
    pub conn: &'a mut DbConn,
    pub notifier: &'a outbox::Notifier,
    pub actor: &'a Actor,
    pub now: NaiveDateTime,
}

impl UseCase<'_> {
    /// The same context for a use case this one calls, which hands the connection back.
    pub fn again(&mut self) -> UseCase<'_> {
        UseCase {
            conn: &mut *self.conn,
            notifier: self.notifier,
            actor: self.actor,
            now: self.now,
        }
    }
}

/// Who is making a change, as the audit trail names them.
#[derive(Debug, Clone)]
pub struct Actor {
    /// e.g. `admin:yamada`, `secretariat:山田 花子 <yamada@example.jp> (token ci)`,
    /// `applicant`, `cli`.
    pub label: String,
    pub token_id: Option<crate::domain::ids::TokenId>,
    pub role: Option<Role>,
    /// Who acts, whichever token or session they came through; `None` for applicants and the
    /// command line.
    pub account: Option<Account>,
}

/// Whom staff act as: a person, or a machine account (a token made on the command line
/// without `--for`, and the tokens it made).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct Account {
    /// The person's id, or for a machine account the id of the token that founded it.
    pub id: String,
    pub name: String,
    /// A person's sign-in address; machine accounts have none.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    pub role: Role,
}

impl Actor {
    pub fn cli() -> Self {
        Actor {
            label: "cli".into(),
            token_id: None,
            role: Some(Role::Admin),
            account: None,
        }
    }

    pub fn applicant() -> Self {
        Actor {
            label: "applicant".into(),
            token_id: None,
            role: None,
            account: None,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    #[error("{0} not found")]
    NotFound(&'static str),
    /// This caller may not do this to this resource (the author approving their own batch).
    #[error("{}", .0.english())]
    Forbidden(NotAllowed),
    /// The records' state forbids this now (closed campaign, approved batch, a duplicate
    /// code, …).
    #[error("{}", .0.english())]
    StateConflict(Conflict),
    #[error("invalid input")]
    Invalid(FieldErrors),
    /// The records' state forbids this, for every record named (an office without a bank
    /// account, …): 409 with each in `errors`.
    #[error("{}", .0.english())]
    Refused(Conflict, Vec<crate::domain::FieldError>),
    /// Offices of an application already take part in the campaign (which, when known). How
    /// another application holds them is never said: that is not a stranger's to learn.
    #[error("already taking part in this campaign: {}", .0.join(", "))]
    AlreadyTakingPart(Vec<String>),
    #[error("the Idempotency-Key was already used with a different request body")]
    IdempotencyKeyReused,
    /// The database could not be reached in time.
    #[error("the database is unavailable: {0}")]
    Unavailable(String),
    #[error("database query failed")]
    Db(#[source] diesel::result::Error),
    /// A file could not be produced (a workbook, a bank file): a defect to fix, never an
    /// outage to wait out.
    #[error("the file could not be written: {0}")]
    Format(String),
    /// An upload could not be kept on disk while it was read (the disk is full): the server's
    /// fault, not the file's.
    #[error("the upload could not be kept while it was read")]
    Spool(#[source] std::io::Error),
}

impl From<diesel::result::Error> for ServiceError {
    fn from(e: diesel::result::Error) -> Self {
        match db::unavailable_cause(&e) {
            Some(cause) => {
                db::note_unavailable();
                ServiceError::Unavailable(cause)
            }
            None => ServiceError::Db(e),
        }
    }
}

impl From<db::DbError> for ServiceError {
    fn from(e: db::DbError) -> Self {
        match e {
            db::DbError::Query(q) => q.into(),
            other => {
                db::note_unavailable();
                ServiceError::Unavailable(crate::telemetry::error_chain(&other))
            }
        }
    }
}

/// The database as use cases get it: a pooled connection to read, a write transaction to
/// change. Every call blocks; callers run it off the async runtime.
#[derive(Clone)]
pub struct Store {
    pool: Pool,
    /// Write transactions this process has run, so that what it remembers of the database
    /// (the public slot counts) is read again after any change it made.
    writes: std::sync::Arc<std::sync::atomic::AtomicU64>,
    recent_counts: std::sync::Arc<allocation::RecentCounts>,
    list_totals: std::sync::Arc<recent::Recent<ListKey, i64>>,
    /// Each campaign's offices with an open checkpoint, for the console's first page.
    open_checkpoints: std::sync::Arc<recent::Recent<crate::domain::ids::CampaignId, i64>>,
}

/// A staff list of applications as its total is remembered.
type ListKey = (crate::domain::ids::CampaignId, applications::ListFilter);

impl Store {
    pub fn new(pool: Pool) -> Self {
        Store {
            pool,
            writes: Default::default(),
            recent_counts: Default::default(),
            list_totals: Default::default(),
            open_checkpoints: Default::default(),
        }
    }

    /// A campaign's public slot counts, at most a second old and read again after any write
    /// of this process (see [`allocation::RecentCounts`]).
    pub fn slot_counts(
        &self,
        conn: &mut DbConn,
        campaign_id: &crate::domain::ids::CampaignId,
    ) -> ServiceResult<allocation::Counts> {
        self.recent_counts.get(campaign_id, self.writes(), || {
            allocation::counts(conn, campaign_id)
        })
    }

    /// How many of a campaign's applications a staff list's filter takes, at most a second
    /// old and counted again after any write of this process (see [`recent::Recent`]).
    pub fn application_total(
        &self,
        conn: &mut DbConn,
        campaign_id: &crate::domain::ids::CampaignId,
        filter: &applications::ListFilter,
    ) -> ServiceResult<i64> {
        let key = (campaign_id.clone(), filter.clone());
        self.list_totals.get(&key, self.writes(), || {
            applications::count(conn, campaign_id, filter)
        })
    }

    /// How many write transactions this process has run so far.
    pub fn writes(&self) -> u64 {
        self.writes.load(std::sync::atomic::Ordering::Acquire)
    }

    /// Counts a write made outside [`Store::write`] (the intake's batches).
    pub fn note_write(&self) {
        self.writes
            .fetch_add(1, std::sync::atomic::Ordering::AcqRel);
    }

    fn conn(&self) -> ServiceResult<PooledConn> {
        Ok(self.pool.get().map_err(db::DbError::from)?)
    }

    pub fn read<T>(&self, f: impl FnOnce(&mut DbConn) -> ServiceResult<T>) -> ServiceResult<T> {
        f(&mut *self.conn()?)
    }

    /// Runs `f` in one write transaction, with the time read once the transaction has begun.
    pub fn write<T>(
        &self,
        f: impl FnOnce(&mut DbConn, NaiveDateTime) -> ServiceResult<T>,
    ) -> ServiceResult<T> {
        let result = db::write_transaction(&mut *self.conn()?, |conn| f(conn, crate::clock::now()));
        self.note_write();
        result
    }

    /// Runs `f` in one write transaction that changes nothing this process remembers (sign-in
    /// attempts, sessions), so that a flood of sign-ins does not make every public slot
    /// counter read the database again as [`Store::write`] would.
    pub fn write_aside<T>(
        &self,
        f: impl FnOnce(&mut DbConn, NaiveDateTime) -> ServiceResult<T>,
    ) -> ServiceResult<T> {
        db::write_transaction(&mut *self.conn()?, |conn| f(conn, crate::clock::now()))
    }

    /// Runs a create at most once per `Idempotency-Key` (see [`idempotency::run`]).
    pub fn create_once(
        &self,
        key: Option<&idempotency::IdempotencyKey>,
        create: impl Fn(&mut DbConn, NaiveDateTime) -> ServiceResult<idempotency::Created>,
    ) -> ServiceResult<idempotency::Created> {
        let mut conn = self.conn()?;
        let now = crate::clock::now();
        let result = idempotency::run(&mut conn, key, now, |conn| create(conn, now));
        self.note_write();
        result
    }

    /// Whether the database answers now.
    pub fn ready(&self) -> bool {
        use diesel::connection::SimpleConnection;
        self.conn()
            .is_ok_and(|mut c| c.batch_execute("SELECT 1").is_ok())
    }

    pub fn pool(&self) -> &Pool {
        &self.pool
    }
}

impl From<FieldErrors> for ServiceError {
    fn from(e: FieldErrors) -> Self {
        ServiceError::Invalid(e)
    }
}

pub type ServiceResult<T> = Result<T, ServiceError>;

/// A page request, already checked.
#[derive(Debug, Clone, Copy)]
pub struct Page {
    pub page: i64,
    pub per_page: i64,
}

impl Page {
    pub fn offset(self) -> i64 {
        (self.page - 1) * self.per_page
    }
}

/// A page of a list: `{"items", "total", "page", "per_page"}`, `total` counting every item of
/// the list, not of the page.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct Paged<T> {
    pub items: Vec<T>,
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
}

impl<T> Paged<T> {
    pub fn new(items: Vec<T>, total: i64, page: Page) -> Self {
        Paged {
            items,
            total,
            page: page.page,
            per_page: page.per_page,
        }
    }
}

/// How many results or lines a check or batch view carries inline. A campaign of ordinary size
/// keeps its whole answer in one response; a national one (30,000 offices made 2–3 MB and
/// hundreds of MB of server memory per answer) pages through the rest.
pub const MAX_INLINE_ROWS: i64 = 1_000;

/// A view's rows, loaded only when there are at most [`MAX_INLINE_ROWS`] of them: `count` comes
/// from a stored or counted total, so a large check or batch is never read whole to decide.
pub fn inline_rows<T>(
    count: i64,
    load: impl FnOnce() -> ServiceResult<Vec<T>>,
) -> ServiceResult<Option<Vec<T>>> {
    if count <= MAX_INLINE_ROWS {
        load().map(Some)
    } else {
        Ok(None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_are_inline_up_to_the_limit_and_not_even_loaded_beyond_it() {
        let loaded = inline_rows(MAX_INLINE_ROWS, || Ok(vec![1, 2])).unwrap();
        assert_eq!(loaded, Some(vec![1, 2]));
        assert_eq!(
            inline_rows::<i32>(0, || Ok(Vec::new())).unwrap(),
            Some(Vec::new())
        );
        let beyond = inline_rows::<i32>(MAX_INLINE_ROWS + 1, || {
            panic!("rows above the limit must not be loaded")
        })
        .unwrap();
        assert_eq!(beyond, None);
    }
}
