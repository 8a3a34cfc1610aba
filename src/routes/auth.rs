//! Staff authentication: `Authorization: Bearer TOKEN`, looked up by its hash.

use super::AppState;
use crate::domain::ids::TokenId;
use crate::domain::person;
use crate::domain::role::Role;
use crate::domain::secret::Secret;
use crate::error::ApiError;
use crate::service::{tokens, Account, Actor};
use actix_web::{dev::Payload, web, FromRequest, HttpRequest};
use std::future::Future;
use std::pin::Pin;

/// A request made with a live staff token.
#[derive(Debug, Clone)]
pub struct Staff {
    pub token_id: TokenId,
    /// The token's own name.
    pub name: String,
    /// What the request may do: the token's role, never above its person's.
    pub role: Role,
    /// Whom the token acts for.
    pub account: Account,
}

impl Staff {
    /// The actor as the audit trail names it: a person, and the token they came through; a
    /// machine account by its token's name, as before people existed.
    pub fn actor(&self) -> Actor {
        let label = match &self.account.email {
            Some(email) => format!(
                "{}:{} <{email}> (token {})",
                self.role.as_str(),
                self.account.name,
                self.name
            ),
            None => format!("{}:{}", self.role.as_str(), self.name),
        };
        Actor {
            label,
            token_id: Some(self.token_id.clone()),
            role: Some(self.role),
            account: Some(self.account.clone()),
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

impl FromRequest for Staff {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Staff, ApiError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let secret = bearer(req);
        let state = req.app_data::<web::Data<AppState>>().cloned();
        Box::pin(async move {
            let secret = secret.ok_or(ApiError::Unauthorized)?;
            let state = state.ok_or_else(|| ApiError::internal("no app state"))?;
            let found = super::read(&state, move |conn| tokens::authenticate(conn, &secret))
                .await?
                .ok_or(ApiError::Unauthorized)?;
            let role = if person::may_hold(found.account.role, found.token.role) {
                found.token.role
            } else {
                found.account.role
            };
            Ok(Staff {
                role,
                token_id: found.token.id,
                name: found.token.name,
                account: found.account,
            })
        })
    }
}
