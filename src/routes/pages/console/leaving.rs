//! Staff taking an application out of the campaign: the withdraw, disqualify and void forms on
//! its page, and the posts that do it through the same use case as the JSON API.

use super::super::form::Values;
use super::super::staff::Session;
use super::super::{see_other, Data, PageError};
use super::applications::{first_japanese, refused_page};
use super::refused;
use crate::domain::ids::ApplicationId;
use crate::error::ApiError;
use crate::routes::write_as;
use crate::service::applications::{self, ApplicationView, Exit, Leaving};
use actix_web::{post, web, HttpRequest, HttpResponse};

/// One way out of the campaign, as a form on the application's page.
pub(super) struct LeaveForm {
    pub(super) exit: &'static str,
    pub(super) action: String,
    pub(super) legend: &'static str,
    pub(super) hint: &'static str,
    pub(super) button: &'static str,
    pub(super) required: bool,
    pub(super) reason: String,
    pub(super) error: Option<String>,
}

/// What the person typed in the form that came back refused, and why.
pub(super) struct Typed {
    pub(super) exit: Exit,
    pub(super) reason: String,
    pub(super) error: String,
}

pub(super) fn leave_forms(
    session: &Session,
    app: &ApplicationView,
    typed: Option<&Typed>,
) -> Vec<LeaveForm> {
    if !session.may_change() {
        return Vec::new();
    }
    let form = |exit: Exit| {
        let mine = typed.filter(|t| t.exit == exit);
        let (name, legend, hint, button) = match exit {
            Exit::Withdraw => (
                "withdraw",
                "辞退の手続き（応募者から連絡があったとき）",
                "理由は任意です。応募者へのメールと記録に残ります。",
                "辞退にする",
            ),
            Exit::Disqualify => (
                "disqualify",
                "失格にする",
                "理由は必須です。応募者へのメールと記録に残ります。失格になった事業所は再び応募できません。",
                "失格にする",
            ),
            Exit::Void => (
                "void",
                "無効にする（事業所以外の人が事業所番号を使って応募していたとき）",
                "理由は必須です。応募の連絡先へのメールと記録に残ります。事業所は自身で改めて応募できます。",
                "無効にする",
            ),
        };
        LeaveForm {
            exit: name,
            action: format!("/staff/applications/{}/{name}", app.id),
            legend,
            hint,
            button,
            required: exit != Exit::Withdraw,
            reason: mine.map(|t| t.reason.clone()).unwrap_or_default(),
            error: mine.map(|t| t.error.clone()),
        }
    };
    [Exit::Withdraw, Exit::Disqualify, Exit::Void]
        .into_iter()
        .filter(|exit| applications::may_leave(app.status, *exit))
        .map(form)
        .collect()
}

/// Withdraws, disqualifies or voids through the use case the JSON API calls, as the person: back to
/// the application, or its page again (422) with the refusal beside the reason.
async fn leave(
    state: Data,
    req: HttpRequest,
    session: Session,
    id: ApplicationId,
    exit: Exit,
    body: &[u8],
) -> Result<HttpResponse, PageError> {
    let back = format!("/staff/applications/{id}");
    let values: Values = session.change_form(&state, &req, body, &back)?;
    let reason = values.get("reason").to_owned();
    let actor = session.actor();
    let (target, asked) = (id.clone(), reason.clone());
    let done = write_as(&state, actor, move |uc| {
        let leaving = Leaving {
            application_id: &target,
            exit,
            reason: Some(&asked),
        };
        applications::leave(uc, leaving).map(drop)
    })
    .await;
    match done {
        Ok(()) => Ok(see_other(&back)),
        Err(ApiError::Invalid(errors)) => {
            let typed = Typed {
                exit,
                reason,
                error: first_japanese(&errors),
            };
            refused_page(&state, &session, id, Some(&typed), None).await
        }
        Err(e) => Err(refused(e, back)),
    }
}

/// Staff withdraw an application on the applicant's word; the reason is optional.
#[post("/staff/applications/{id}/withdraw")]
pub async fn withdraw(
    state: Data,
    req: HttpRequest,
    session: Session,
    id: web::Path<ApplicationId>,
    body: web::Bytes,
) -> Result<HttpResponse, PageError> {
    leave(state, req, session, id.into_inner(), Exit::Withdraw, &body).await
}

/// Staff disqualify an application; the reason is required.
#[post("/staff/applications/{id}/disqualify")]
pub async fn disqualify(
    state: Data,
    req: HttpRequest,
    session: Session,
    id: web::Path<ApplicationId>,
    body: web::Bytes,
) -> Result<HttpResponse, PageError> {
    leave(
        state,
        req,
        session,
        id.into_inner(),
        Exit::Disqualify,
        &body,
    )
    .await
}

/// Staff void an application someone made in an office's name; the reason is required.
#[post("/staff/applications/{id}/void")]
pub async fn void(
    state: Data,
    req: HttpRequest,
    session: Session,
    id: web::Path<ApplicationId>,
    body: web::Bytes,
) -> Result<HttpResponse, PageError> {
    leave(state, req, session, id.into_inner(), Exit::Void, &body).await
}
