//! Staff authentication: `Authorization: Bearer TOKEN`, looked up by its hash; or, for reads
//! only, a live console session's cookie.

use super::AppState;
use crate::domain::ids::TokenId;
use crate::domain::person;
use crate::domain::role::Role;
use crate::domain::secret::Secret;
use crate::error::ApiError;
use crate::service::{sign_in, tokens, Account, Actor};
use actix_web::http::Method;
use actix_web::{dev::Payload, web, FromRequest, HttpRequest};
use std::future::Future;
use std::pin::Pin;

/// The console session's cookie.
pub const SESSION_COOKIE: &str = "honoraria_staff";

/// How a staff request came.
#[derive(Debug, Clone)]
pub enum Via {
    /// An API token, with its own name.
    Token { id: TokenId, name: String },
    /// A console session (reads only), with the reference the audit trail tells it by.
    Session { reference: String },
}

/// A request made with a live staff token or console session.
#[derive(Debug, Clone)]
pub struct Staff {
    pub via: Via,
    /// What the request may do: the token's role, never above its person's; a session's
    /// person's own role.
    pub role: Role,
    /// Whom the token or session acts for.
    pub account: Account,
}

impl Staff {
    /// The actor as the audit trail names it: a person, and the token or session they came
    /// through; a machine account by its token's name, as before people existed.
    pub fn actor(&self) -> Actor {
        let label = match (&self.account.email, &self.via) {
            (Some(email), Via::Token { name, .. }) => format!(
                "{}:{} <{email}> (token {name})",
                self.role.as_str(),
                self.account.name,
            ),
            (Some(email), Via::Session { reference }) => format!(
                "{}:{} <{email}> (session {reference})",
                self.role.as_str(),
                self.account.name,
            ),
            (None, Via::Token { name, .. }) => format!("{}:{name}", self.role.as_str()),
            (None, Via::Session { .. }) => format!("{}:{}", self.role.as_str(), self.account.name),
        };
        Actor {
            label,
            token_id: self.token_id().cloned(),
            role: Some(self.role),
            account: Some(self.account.clone()),
        }
    }

    /// The token the request came with; `None` for a session.
    pub fn token_id(&self) -> Option<&TokenId> {
        match &self.via {
            Via::Token { id, .. } => Some(id),
            Via::Session { .. } => None,
        }
    }

    /// Whom idempotency keys are scoped to: the token, or the account for a session.
    pub fn caller(&self) -> &str {
        match &self.via {
            Via::Token { id, .. } => id.as_str(),
            Via::Session { .. } => &self.account.id,
        }
    }

    pub fn require(&self, allowed: fn(Role) -> bool) -> Result<(), ApiError> {
        if allowed(self.role) {
            Ok(())
        } else {
            Err(ApiError::Forbidden(format!(
                "the {} role may not do this",
                self.role.as_str()
            )))
        }
    }
}

fn bearer(req: &HttpRequest) -> Option<Secret> {
    let value = req.headers().get("Authorization")?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| Secret::new(token.trim()))
}

/// How a request asks to be let in.
enum Credential {
    Token(Secret),
    Session(String),
}

fn credential(req: &HttpRequest) -> Result<Credential, ApiError> {
    if let Some(token) = bearer(req) {
        return Ok(Credential::Token(token));
    }
    let cookie = req.cookie(SESSION_COOKIE).ok_or(ApiError::Unauthorized)?;
    // Tokens are for scripts; a session changes things only through the console's own forms,
    // which carry its CSRF token. So a session reads the JSON API and changes nothing there.
    if matches!(*req.method(), Method::GET | Method::HEAD) {
        Ok(Credential::Session(cookie.value().to_owned()))
    } else {
        Err(ApiError::Unauthorized)
    }
}

impl FromRequest for Staff {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Staff, ApiError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let credential = credential(req);
        let state = req.app_data::<web::Data<AppState>>().cloned();
        Box::pin(async move {
            let credential = credential?;
            let state = state.ok_or_else(|| ApiError::internal("no app state"))?;
            match credential {
                Credential::Token(secret) => {
                    let found =
                        super::read(&state, move |conn| tokens::authenticate(conn, &secret))
                            .await?
                            .ok_or(ApiError::Unauthorized)?;
                    let role = if person::may_hold(found.account.role, found.token.role) {
                        found.token.role
                    } else {
                        found.account.role
                    };
                    Ok(Staff {
                        role,
                        via: Via::Token {
                            id: found.token.id,
                            name: found.token.name,
                        },
                        account: found.account,
                    })
                }
                Credential::Session(cookie) => {
                    let console = state.console.clone();
                    let resumed = super::read(&state, move |conn| {
                        sign_in::resume(conn, &console, &cookie, crate::clock::now())
                    })
                    .await?
                    .filter(|s| !s.totp_pending)
                    .ok_or(ApiError::Unauthorized)?;
                    Ok(Staff {
                        role: resumed.person.role,
                        via: Via::Session {
                            reference: sign_in::session_reference(&resumed.id_hash).to_owned(),
                        },
                        account: sign_in::account(&resumed.person),
                    })
                }
            }
        })
    }
}
