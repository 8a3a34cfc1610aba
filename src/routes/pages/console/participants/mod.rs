//! A campaign's participants: every accepted office's checkpoints as a table with the open ones
//! marked, a form per office that changes them through the use case the JSON API's PATCH
//! calls, and the upload forms (the uploads themselves are in `uploads`).

mod rows;
mod upload_forms;

pub(super) use upload_forms::Upload;

use super::super::form::Values;
use super::super::staff::{admin, Session, SummaryLine};
use super::super::{html, see_other, Data, PageError};
use super::refused;
use crate::domain::checkpoint::{form_patch, FormCheckpoints};
use crate::domain::ids::CampaignId;
use crate::domain::{jst, FieldError};
use crate::error::ApiError;
use crate::routes::{read, write, PageQuery};
use crate::service::checkpoints;
use crate::service::{campaigns, Page};
use actix_web::http::StatusCode;
use actix_web::{get, post, web, HttpRequest, HttpResponse};
use askama::Template;
use rows::{cells, row_form, ticked, Row};
use serde::Deserialize;
use upload_forms::{upload_form, UploadForm};

const PER_PAGE: i64 = 50;

/// A form that came back refused, to show again as typed with every error beside its field.
pub(super) enum Typed {
    Checkpoints {
        office_number: String,
        values: Values,
        errors: Vec<FieldError>,
    },
    Upload {
        upload: Upload,
        as_of: String,
        errors: Vec<FieldError>,
    },
}

#[derive(Template)]
#[template(path = "pages/staff/participants.html")]
pub(super) struct ParticipantsPage {
    csrf_token: String,
    is_admin: bool,
    may_change: bool,
    campaign_id: String,
    campaign_name: String,
    usage_list_as_of: Option<String>,
    page: i64,
    total: i64,
    previous: Option<String>,
    next: Option<String>,
    rows: Vec<Row>,
    errors: Vec<SummaryLine>,
    uploads: Vec<UploadForm>,
}

/// The error summary's lines, linking to the fields of the form that came back.
fn summary_of(typed: Option<&Typed>) -> Vec<SummaryLine> {
    let line = |field: String, label: &'static str, message: String| SummaryLine {
        field,
        label,
        message,
    };
    match typed {
        None => Vec::new(),
        Some(Typed::Checkpoints {
            office_number,
            errors,
            ..
        }) => errors
            .iter()
            .map(|e| {
                let (field, label) = match e.field.as_str() {
                    "usage_started_on" => ("usage_started_on", "利用開始日"),
                    "continued_use_attested.reason" => {
                        ("continued_use_attested_reason", "継続利用の確認の理由")
                    }
                    _ => ("start_survey_answered", "チェックポイント"),
                };
                line(
                    format!("{office_number}-{field}"),
                    label,
                    format!("{office_number}: {}", e.japanese()),
                )
            })
            .collect(),
        Some(Typed::Upload { upload, errors, .. }) => errors
            .iter()
            .map(|e| {
                let (field, label) = if e.field == "as_of" {
                    ("as_of", "利用者リストの日付")
                } else {
                    ("file", upload.title())
                };
                line(format!("{}-{field}", upload.id()), label, e.japanese())
            })
            .collect(),
    }
}

/// The participants' page (or the page a refused form is shown again on).
pub(super) async fn participants_page(
    state: &Data,
    session: &Session,
    campaign: CampaignId,
    page: Page,
    typed: Option<&Typed>,
) -> Result<ParticipantsPage, PageError> {
    let (name, board) = {
        let campaign = campaign.clone();
        read(state, move |conn| {
            let now = crate::clock::now();
            let name = campaigns::get(conn, &campaign, now)?.name;
            let board = checkpoints::board(conn, &campaign, page, jst::date_of(now))?;
            Ok((name, board))
        })
        .await?
    };
    let id = campaign.to_string();
    let found = board.offices;
    let last = (found.total + PER_PAGE - 1) / PER_PAGE;
    let at = |n: i64| format!("/staff/campaigns/{id}/participants?page={n}");
    let uploads = [Upload::Checkpoints, Upload::UsageList, Upload::Attendees];
    Ok(ParticipantsPage {
        csrf_token: session.0.csrf_token.clone(),
        is_admin: admin(&session.0),
        may_change: session.may_change(),
        usage_list_as_of: board.usage_list_as_of.map(|d| d.to_string()),
        page: page.page,
        total: found.total,
        previous: (page.page > 1).then(|| at(page.page - 1)),
        next: (page.page < last).then(|| at(page.page + 1)),
        rows: found
            .items
            .iter()
            .map(|o| Row {
                office_number: o.office_number.clone(),
                name: o.name.clone(),
                role: o.role.label_ja(),
                cells: cells(o),
                form: session
                    .may_change()
                    .then(|| row_form(&id, page.page, o, typed)),
            })
            .collect(),
        errors: summary_of(typed),
        uploads: if session.may_change() {
            uploads
                .into_iter()
                .map(|u| upload_form(&id, u, typed))
                .collect()
        } else {
            Vec::new()
        },
        campaign_id: id,
        campaign_name: name,
    })
}

/// The table's first page, where a refused upload shows its form again.
pub(super) fn first_page() -> Page {
    Page {
        page: 1,
        per_page: PER_PAGE,
    }
}

fn page_at(number: Option<String>) -> Result<Page, PageError> {
    Ok(PageQuery {
        page: number,
        per_page: Some(PER_PAGE.to_string()),
    }
    .page()?)
}

#[derive(Deserialize)]
pub struct ListQuery {
    page: Option<String>,
}

/// Every accepted office's checkpoints, the open ones marked, a page at a time.
#[get("/staff/campaigns/{id}/participants")]
pub async fn show_participants(
    state: Data,
    session: Session,
    id: web::Path<CampaignId>,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, PageError> {
    let page = page_at(query.into_inner().page)?;
    let view = participants_page(&state, &session, id.into_inner(), page, None).await?;
    Ok(html(StatusCode::OK, &view))
}

/// Changes one office's checkpoints through the use case the JSON API's PATCH calls, as the
/// person: back to the table's page at the office, or that page again (422) with every
/// refusal beside its field.
#[post("/staff/campaigns/{id}/participants/{office_number}/checkpoints")]
pub async fn edit_checkpoints(
    state: Data,
    req: HttpRequest,
    session: Session,
    path: web::Path<(CampaignId, String)>,
    body: web::Bytes,
) -> Result<HttpResponse, PageError> {
    let (campaign, office) = path.into_inner();
    let list = format!("/staff/campaigns/{campaign}/participants");
    let values = session.change_form(&state, &req, &body, &list)?;
    let page = page_at(Some(values.get("page").to_owned()).filter(|p| !p.is_empty()))?;
    let back = format!("{list}?page={}#o-{office}", page.page);
    let current = {
        let (campaign, office) = (campaign.clone(), office.clone());
        read(&state, move |conn| {
            checkpoints::of_office(conn, &campaign, &office)
        })
        .await?
    };
    let form = FormCheckpoints {
        usage_started_on: values.get("usage_started_on"),
        start_survey_answered: ticked(&values, "start_survey_answered"),
        end_survey_answered: ticked(&values, "end_survey_answered"),
        workflow_change_confirmed: ticked(&values, "workflow_change_confirmed"),
        linkage_confirmed: ticked(&values, "linkage_confirmed"),
        continued_use_attested_reason: values.get("continued_use_attested_reason"),
    };
    let errors = match form_patch(current.role, &current.checkpoints, &form) {
        Err(errors) => errors.into_vec(),
        Ok(patch) => {
            let (actor, target, number) = (session.actor(), campaign.clone(), office.clone());
            let done = write(&state, move |conn, now| {
                checkpoints::patch(conn, &actor, now, &target, &number, &patch)
            })
            .await;
            match done {
                Ok(_) => return Ok(see_other(&back)),
                Err(ApiError::Invalid(errors)) => errors,
                Err(e) => return Err(refused(e, back)),
            }
        }
    };
    let typed = Typed::Checkpoints {
        office_number: office,
        values,
        errors,
    };
    let view = participants_page(&state, &session, campaign, page, Some(&typed)).await?;
    Ok(html(StatusCode::UNPROCESSABLE_ENTITY, &view))
}
