//! Leaving a campaign: an applicant or staff withdraws, staff disqualify or void. Slots an
//! accepted application held go to the waiting list at once.

use super::views::{view, ApplicationView};
use crate::db::applications as rows;
use crate::db::{audit, campaigns, is_unique_violation, DbConn};
use crate::domain::audit_action::Action;
use crate::domain::conflict::Conflict;
use crate::domain::ids::ApplicationId;
use crate::domain::participation::Status;
use crate::domain::refusal::Refusal;
use crate::domain::secret::Secret;
use crate::domain::FieldErrors;
use crate::email::templates::Kind;
use crate::service::audit::snapshot;
use crate::service::outbox::{self, Notifier};
use crate::service::UseCase;
use crate::service::{allocation, Actor, ServiceError, ServiceResult};
use chrono::NaiveDateTime;

pub use crate::domain::participation::{may_leave, Exit};

/// The longest reason kept: it is copied into the audit trail and the applicant's email.
pub const MAX_REASON_CHARS: usize = 2_000;

/// One application leaving, and why.
#[derive(Debug, Clone, Copy)]
pub struct Leaving<'a> {
    pub application_id: &'a ApplicationId,
    pub exit: Exit,
    pub reason: Option<&'a str>,
}

fn checked_reason(exit: Exit, reason: Option<&str>) -> Result<Option<&str>, FieldErrors> {
    let reason = reason.map(str::trim).filter(|r| !r.is_empty());
    let mut errors = FieldErrors::new();
    match reason {
        None if exit == Exit::Disqualify => {
            errors.push("reason", Refusal::DisqualificationNeedsReason)
        }
        None if exit == Exit::Void => errors.push("reason", Refusal::VoidNeedsReason),
        Some(r) if r.chars().count() > MAX_REASON_CHARS => errors.push(
            "reason",
            Refusal::TooLong {
                max: MAX_REASON_CHARS,
            },
        ),
        Some(r) => {
            if let Err(e) = crate::domain::text::multi_line(r) {
                errors.push("reason", e);
            }
        }
        None => {}
    }
    errors.finish(|| reason)
}

/// Withdraws, disqualifies or voids an application; slots it held go to the waiting list at once.
/// Runs inside the caller's write transaction.
pub fn leave(mut uc: UseCase<'_>, leaving: Leaving<'_>) -> ServiceResult<ApplicationView> {
    let id = leaving.application_id;
    let app = rows::find(uc.conn, id)?.ok_or(ServiceError::NotFound("application"))?;
    let campaign =
        campaigns::lock(uc.conn, &app.campaign_id)?.ok_or(ServiceError::NotFound("campaign"))?;
    let app = rows::find(uc.conn, id)?.ok_or(ServiceError::NotFound("application"))?;
    if !may_leave(app.status, leaving.exit) {
        return Err(ServiceError::StateConflict(Conflict::ApplicationAlready {
            status: app.status,
        }));
    }
    let reason = checked_reason(leaving.exit, leaving.reason)?;
    let (status, action, kind) = match leaving.exit {
        Exit::Withdraw => (
            Status::Withdrawn,
            Action::ApplicationWithdraw,
            Kind::Withdrawn,
        ),
        Exit::Disqualify => (
            Status::Disqualified,
            Action::ApplicationDisqualify,
            Kind::Disqualified,
        ),
        Exit::Void => (Status::Voided, Action::ApplicationVoid, Kind::Voided),
    };
    rows::set_status(uc.conn, id, status, reason, uc.now).map_err(|e| {
        if is_unique_violation(&e) {
            ServiceError::StateConflict(Conflict::AppliedAgain)
        } else {
            e.into()
        }
    })?;
    let after = rows::find(uc.conn, id)?.ok_or(ServiceError::NotFound("application"))?;
    let offices = rows::participants_of(uc.conn, std::slice::from_ref(&after.id))?;
    outbox::enqueue(
        uc.conn,
        uc.notifier,
        uc.now,
        kind,
        outbox::About {
            campaign: &campaign,
            app: &after,
            offices: &offices,
            place_in_line: None,
        },
    )?;
    audit::record(
        uc.conn,
        uc.now,
        audit::Change {
            actor: &uc.actor.label,
            action,
            entity: "application",
            entity_id: id.as_str(),
            campaign_id: Some(&app.campaign_id),
            before: Some(snapshot(&app)?),
            after: Some(snapshot(&after)?),
        },
    )?;
    if app.status == Status::Accepted {
        allocation::promote_waiting(uc.again(), &campaign)?;
    }
    Ok(view(after, offices))
}

/// The applicant withdraws through the secret link of their status page or `status_url`.
/// Runs inside the caller's write transaction.
pub fn withdraw_by_secret(
    conn: &mut DbConn,
    notifier: &Notifier,
    now: NaiveDateTime,
    secret: &Secret,
    reason: Option<&str>,
) -> ServiceResult<ApplicationView> {
    let app = super::views::find_by_secret(conn, secret)?;
    let leaving = Leaving {
        application_id: &app.id,
        exit: Exit::Withdraw,
        reason,
    };
    let actor = Actor::applicant();
    leave(
        UseCase {
            conn,
            notifier,
            actor: &actor,
            now,
        },
        leaving,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reasons_are_bounded_and_a_disqualification_or_a_void_needs_one() {
        assert!(checked_reason(Exit::Disqualify, Some("  ")).is_err());
        assert!(checked_reason(Exit::Void, None).is_err());
        assert_eq!(checked_reason(Exit::Withdraw, Some("  ")), Ok(None));
        let long = "理".repeat(MAX_REASON_CHARS + 1);
        assert!(checked_reason(Exit::Withdraw, Some(&long)).is_err());
        let longest = "理".repeat(MAX_REASON_CHARS);
        assert!(checked_reason(Exit::Withdraw, Some(&longest)).is_ok());
    }
}
