//! The year end's mail and the bank's file from the console: a check's results mailed to
//! every office, reminders to offices with open checkpoints, and an approved batch's 全銀
//! file for a transfer date. The same use cases as the JSON API, as the person.

use super::super::staff::Session;
use super::super::{see_other, Data, PageError};
use super::refused;
use crate::domain::ids::{BatchId, CampaignId, CheckId};
use crate::domain::FieldError;
use crate::error::ApiError;
use crate::routes::{write, write_as};
use crate::service::{reminders, transfers, year_end as checks};
use actix_web::http::StatusCode;
use actix_web::{get, post, web, HttpRequest, HttpResponse};
use serde::Deserialize;

/// Mails every office of a final check its result, once; 303 back to the check.
#[post("/staff/year-end-checks/{id}/notify")]
pub async fn notify(
    state: Data,
    req: HttpRequest,
    session: Session,
    id: web::Path<CheckId>,
    body: web::Bytes,
) -> Result<HttpResponse, PageError> {
    let id = id.into_inner();
    let back = format!("/staff/year-end-checks/{id}");
    session.change_form(&state, &req, &body, &back)?;
    let actor = session.actor();
    write_as(&state, actor, move |uc| checks::notify(uc, &id).map(drop))
        .await
        .map_err(|e| refused(e, back.clone()))?;
    Ok(see_other(&format!("{back}#results-mail")))
}

/// Reminds every accepted office with an open checkpoint, at most once a day each; 303 back
/// to the year end, whose history shows who was reminded when.
#[post("/staff/campaigns/{id}/reminders")]
pub async fn remind(
    state: Data,
    req: HttpRequest,
    session: Session,
    id: web::Path<CampaignId>,
    body: web::Bytes,
) -> Result<HttpResponse, PageError> {
    let campaign = id.into_inner();
    let back = format!("/staff/campaigns/{campaign}/year-end");
    session.change_form(&state, &req, &body, &back)?;
    let actor = session.actor();
    write_as(&state, actor, move |uc| {
        reminders::remind(uc, &campaign).map(drop)
    })
    .await
    .map_err(|e| refused(e, back.clone()))?;
    Ok(see_other(&format!("{back}#reminders")))
}

#[derive(Deserialize)]
pub struct TransferDate {
    transfer_date: Option<String>,
}

/// An approved batch's 全銀 file for the day typed on its page. A day that is no date, in the
/// past or not a bank business day, and a batch the bank cannot be sent: the refusal in
/// Japanese with the way back. An auditor gets 403: the file is issued, and audited.
#[get("/staff/payout-batches/{id}/zengin")]
pub async fn zengin(
    state: Data,
    session: Session,
    id: web::Path<BatchId>,
    query: web::Query<TransferDate>,
) -> Result<HttpResponse, PageError> {
    let id = id.into_inner();
    let back = format!("/staff/payout-batches/{id}");
    if !session.may_change() {
        return Err(PageError::new(
            StatusCode::FORBIDDEN,
            "この操作はできません",
            "全銀ファイルを作れるのは管理者と事務局の担当者です。",
        )
        .with_link(back, "バッチへ戻る"));
    }
    let date = crate::routes::exports::transfer_date(query.into_inner().transfer_date.as_deref())
        .map_err(|refused| unwritten(refused.japanese(), back.clone()))?;
    let name = format!("zengin-{id}.txt");
    let actor = session.actor();
    let made = write(&state, move |conn, now| {
        transfers::issue(conn, &actor, now, &id, date)
    })
    .await;
    match made {
        Ok(bytes) => Ok(HttpResponse::Ok()
            .content_type("text/plain; charset=Shift_JIS")
            .insert_header(crate::routes::attachment(name))
            .body(bytes)),
        Err(ApiError::Invalid(errors)) => {
            let said = errors.iter().map(FieldError::japanese).collect::<Vec<_>>();
            Err(unwritten(said.join(" "), back))
        }
        Err(e) => Err(refused(e, back)),
    }
}

fn unwritten(why: String, back: String) -> PageError {
    PageError::new(
        StatusCode::UNPROCESSABLE_ENTITY,
        "全銀ファイルを作れませんでした",
        format!("振込指定日: {why}"),
    )
    .with_link(back, "バッチへ戻って日付を選び直す")
}
