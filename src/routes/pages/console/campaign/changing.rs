//! Changing a campaign from its page: the deadline and slots with a reason, and closing early,
//! both through the use case `PATCH /api/v1/campaigns/{id}` calls, as the person. Closing
//! early has no use case of its own: the API closes a campaign by moving its deadline into the
//! past, so the form sets the deadline to yesterday in Japan (`closing_deadline`), with the
//! reason it asks for.

use super::super::super::form::Values;
use super::super::super::staff::Session;
use super::super::super::{html, see_other, Data, PageError};
use super::super::fields::refused as in_japanese;
use super::super::refused;
use super::{campaign_page, Typed};
use crate::domain::conflict::Conflict;
use crate::domain::ids::CampaignId;
use crate::domain::refusal::Refusal;
use crate::domain::staff_input::{closing_deadline, whole_number};
use crate::domain::FieldErrors;
use crate::error::ApiError;
use crate::routes::write_as;
use crate::service::campaigns::{self, CampaignPatch};
use actix_web::http::StatusCode;
use actix_web::{post, web, HttpRequest, HttpResponse};
use chrono::NaiveDate;

/// The change form read into the API's patch, or every field it could not read.
fn patch_of(values: &Values) -> Result<CampaignPatch, FieldErrors> {
    let mut errors = FieldErrors::new();
    let deadline = values.get("deadline").trim();
    let deadline = NaiveDate::parse_from_str(deadline, "%Y-%m-%d").ok();
    if deadline.is_none() {
        errors.push("deadline", Refusal::NotADate);
    }
    let mut slots = |name: &str| {
        let read = whole_number(values.get(name)).and_then(|n| i32::try_from(n).ok());
        if read.is_none() {
            errors.push(name, "must be a whole number");
        }
        read
    };
    let (total_slots, model_slots, reserved_seminar_slots) = (
        slots("total_slots"),
        slots("model_slots"),
        slots("reserved_seminar_slots"),
    );
    let reason = values.get("reason").trim();
    errors.finish(|| CampaignPatch {
        deadline,
        total_slots,
        model_slots,
        reserved_seminar_slots,
        reason: (!reason.is_empty()).then(|| reason.to_owned()),
        ..CampaignPatch::default()
    })
}

/// Applies `patch` as the person: back to the page, or the page again with the form as typed
/// and every refusal beside its field (422; slots below those taken: 409).
async fn apply(
    state: Data,
    session: Session,
    id: CampaignId,
    values: Values,
    close: bool,
    patch: Result<CampaignPatch, FieldErrors>,
) -> Result<HttpResponse, PageError> {
    let back = format!("/staff/campaigns/{id}");
    let done = match patch {
        Ok(patch) => {
            let (actor, target) = (session.actor(), id.clone());
            write_as(&state, actor, move |uc| {
                let mut patch = patch;
                if close {
                    patch.deadline = Some(closing_deadline(uc.now));
                }
                campaigns::update(uc, &target, &patch).map(drop)
            })
            .await
        }
        Err(errors) => Err(ApiError::Invalid(errors.into_vec())),
    };
    let (status, mut refusals) = match done {
        Ok(()) => return Ok(see_other(&back)),
        Err(ApiError::Invalid(errors)) => (StatusCode::UNPROCESSABLE_ENTITY, in_japanese(&errors)),
        Err(ApiError::Conflict(below @ Conflict::SlotsBelowTaken { .. })) => (
            StatusCode::CONFLICT,
            vec![("total_slots".to_owned(), below.japanese())],
        ),
        Err(e) => return Err(refused(e, back)),
    };
    if close {
        // The one field of the close form: every refusal stands beside the reason.
        for (field, _) in &mut refusals {
            *field = "reason".to_owned();
        }
    }
    let typed = Typed {
        close,
        values,
        refusals,
    };
    let page = campaign_page(&state, &session, id, Some(&typed)).await?;
    Ok(html(status, &page))
}

/// Changes the deadline and slots (a deadline change needs a reason, kept in its history).
#[post("/staff/campaigns/{id}")]
pub async fn update(
    state: Data,
    req: HttpRequest,
    session: Session,
    id: web::Path<CampaignId>,
    body: web::Bytes,
) -> Result<HttpResponse, PageError> {
    let id = id.into_inner();
    let values = session.change_form(&state, &req, &body, &format!("/staff/campaigns/{id}"))?;
    let patch = patch_of(&values);
    apply(state, session, id, values, false, patch).await
}

/// Closes the campaign now: the deadline set to yesterday in Japan, with the reason given.
#[post("/staff/campaigns/{id}/close")]
pub async fn close_early(
    state: Data,
    req: HttpRequest,
    session: Session,
    id: web::Path<CampaignId>,
    body: web::Bytes,
) -> Result<HttpResponse, PageError> {
    let id = id.into_inner();
    let values = session.change_form(&state, &req, &body, &format!("/staff/campaigns/{id}"))?;
    let reason = values.get("reason").trim();
    let patch = if reason.is_empty() {
        let mut errors = FieldErrors::new();
        errors.push("reason", "a deadline change needs a reason");
        Err(errors)
    } else {
        Ok(CampaignPatch {
            reason: Some(reason.to_owned()),
            ..CampaignPatch::default()
        })
    };
    apply(state, session, id, values, true, patch).await
}
