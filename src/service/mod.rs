//! Use cases: each runs inside the caller's database transaction, applies the domain rules,
//! writes rows and their audit events, and returns what the API shows.

pub mod allocation;
pub mod applications;
pub mod audit;
pub mod campaigns;
pub mod idempotency;
pub mod intake;
pub mod outbox;
pub mod tokens;

use crate::domain::{role::Role, FieldErrors};

/// Who is making a change, as the audit trail names them.
#[derive(Debug, Clone)]
pub struct Actor {
    /// e.g. `admin:yamada`, `applicant`, `cli`.
    pub label: String,
    pub token_id: Option<String>,
    pub role: Option<Role>,
}

impl Actor {
    pub fn cli() -> Self {
        Actor {
            label: "cli".into(),
            token_id: None,
            role: Some(Role::Admin),
        }
    }

    pub fn applicant() -> Self {
        Actor {
            label: "applicant".into(),
            token_id: None,
            role: None,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    #[error("{0} not found")]
    NotFound(&'static str),
    /// The resource's state forbids this now (closed campaign, approved batch, …).
    #[error("{0}")]
    StateConflict(String),
    #[error("invalid input")]
    Invalid(FieldErrors),
    /// Another record is in the way (duplicate code, office already taking part, …).
    #[error("{0}")]
    Conflict(String),
    #[error("the Idempotency-Key was already used with a different request body")]
    IdempotencyKeyReused,
    /// The database could not be reached in time.
    #[error("the database is unavailable: {0}")]
    Unavailable(String),
    #[error(transparent)]
    Db(#[from] diesel::result::Error),
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

#[derive(Debug, serde::Serialize)]
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
