//! The participants page's uploads as `multipart/form-data` with the file in `file`: the
//! checkpoint sheet, a usage list (with `as_of`) and the seminar attendees. Each is read by the
//! service the JSON API's upload uses, within the same limit, and answered with a page of what
//! was taken and every refused row with its line. The file part is streamed to the reader as it
//! arrives; the text fields (the token, the date) come before it, as the form orders them, so
//! a post is judged before its file is read.

use super::super::staff::{admin, staff_token, Session};
use super::super::{csrf, html, Data, PageError};
use super::participants::{first_page, participants_page, Typed, Upload};
use super::refused;
use crate::domain::ids::CampaignId;
use crate::domain::office_list::InvalidRow;
use crate::domain::refusal::Refusal;
use crate::domain::{jst, FieldError};
use crate::error::ApiError;
use crate::formats::csv_lines::Encoding;
use crate::routes::body_stream::{consume_body, BodyReader};
use crate::routes::{read, write, MAX_CSV_BYTES};
use crate::service::UseCase;
use crate::service::{
    applications, campaigns, checkpoints, usage_lists, Actor, Conn, ServiceError, ServiceResult,
};
use actix_multipart::{Field, Multipart};
use actix_web::http::StatusCode;
use actix_web::{post, web, HttpRequest, HttpResponse};
use askama::Template;
use chrono::NaiveDateTime;
use futures_util::StreamExt;
use std::collections::BTreeMap;

/// A text field's most bytes: a token or a date needs far less.
const MAX_FIELD_BYTES: usize = 1024;
/// The most text fields an upload may send before its file.
const MAX_FIELDS: usize = 8;

/// An upload whose post was judged and whose file is not read yet.
struct Opened {
    campaign: CampaignId,
    campaign_name: String,
    fields: BTreeMap<String, String>,
    /// `None` when the form sent no file, or the file input with nothing chosen.
    file: Option<Field>,
    /// The part reads the body through it: kept until the file is read.
    _multipart: Multipart,
}

fn unreadable() -> PageError {
    PageError::new(
        StatusCode::BAD_REQUEST,
        "送信内容を読み取れませんでした",
        "ページを開き直し、ファイルを選んでもう一度送信してください。",
    )
}

fn too_large(limit: usize, back: String) -> PageError {
    PageError::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        "ファイルが大きすぎます",
        format!(
            "{}MBまでのファイルを取り込めます。不要な列を除いて保存し直してから、もう一度取り込んでください。",
            limit >> 20
        ),
    )
    .with_link(back, "参加事業所のページへ戻る")
}

fn participants_path(campaign: &CampaignId) -> String {
    format!("/staff/campaigns/{campaign}/participants")
}

/// Everything before the file: the role (403 for an auditor, before the body is read), the
/// text fields up to the file, this session's token (403), and the campaign (404).
async fn open(
    state: &Data,
    req: &HttpRequest,
    session: &Session,
    campaign: CampaignId,
    payload: web::Payload,
) -> Result<Opened, PageError> {
    let back = participants_path(&campaign);
    session.may_post(&back)?;
    let mut multipart = Multipart::new(req.headers(), payload);
    let mut fields = BTreeMap::new();
    let mut file = None;
    while let Some(part) = multipart.next().await {
        let mut part = part.map_err(|_| unreadable())?;
        let name = part.name().unwrap_or_default().to_owned();
        if name == "file" {
            // A file input with nothing chosen still sends its part, with an empty filename.
            let chosen = part
                .content_disposition()
                .and_then(|d| d.get_filename())
                .is_some_and(|f| !f.is_empty());
            file = chosen.then_some(part);
            break;
        }
        if fields.len() >= MAX_FIELDS {
            return Err(unreadable());
        }
        let bytes = part
            .bytes(MAX_FIELD_BYTES)
            .await
            .map_err(|_| unreadable())?
            .map_err(|_| unreadable())?;
        let value = String::from_utf8(bytes.to_vec()).map_err(|_| unreadable())?;
        fields.entry(name).or_insert(value);
    }
    let token = fields.get(csrf::FIELD).map(String::as_str).unwrap_or("");
    staff_token(state, req, &session.0, token, &back)?;
    let campaign_name = {
        let campaign = campaign.clone();
        read(state, move |conn| {
            Ok(campaigns::get(conn, &campaign, crate::clock::now())?.name)
        })
        .await?
    };
    Ok(Opened {
        campaign,
        campaign_name,
        fields,
        file,
        _multipart: multipart,
    })
}

/// A use case's answer: what it made, the refusals to show beside the form, or the page an
/// error is.
fn judged<T>(
    done: Result<T, ApiError>,
    back: String,
) -> Result<Result<T, Vec<FieldError>>, PageError> {
    match done {
        Ok(made) => Ok(Ok(made)),
        Err(ApiError::Invalid(errors)) => Ok(Err(errors)),
        Err(ApiError::TooLarge { limit }) => Err(too_large(limit, back)),
        Err(e) => Err(refused(e, back)),
    }
}

impl Opened {
    /// Reads the file with `parse` on the blocking pool as it arrives, writes what was read
    /// with `store` in one transaction as the person, and answers with the page of what was
    /// taken (`report`); the participants' page again (422) when either refuses.
    async fn take<P, T>(
        mut self,
        state: &Data,
        session: &Session,
        upload: Upload,
        parse: impl FnOnce(BodyReader) -> Result<P, ServiceError> + Send + 'static,
        store: impl FnOnce(&mut Conn, &Actor, NaiveDateTime, &CampaignId, P) -> ServiceResult<T>
            + Send
            + 'static,
        report: impl FnOnce(T) -> Taken,
    ) -> Result<HttpResponse, PageError>
    where
        P: Send + 'static,
        T: Send + 'static,
    {
        let back = participants_path(&self.campaign);
        let Some(file) = self.file.take() else {
            let no_file = FieldError::new("file", Refusal::FileRequired);
            return self.again(state, session, upload, vec![no_file]).await;
        };
        let read = match judged(consume_body(file, MAX_CSV_BYTES, parse).await, back.clone())? {
            Ok(read) => read,
            Err(errors) => return self.again(state, session, upload, errors).await,
        };
        let (actor, campaign) = (session.actor(), self.campaign.clone());
        let done = write(state, move |conn, now| {
            store(conn, &actor, now, &campaign, read)
        })
        .await;
        let taken = match judged(done, back)? {
            Ok(made) => report(made),
            Err(errors) => return self.again(state, session, upload, errors).await,
        };
        let page = UploadPage {
            csrf_token: session.0.csrf_token.clone(),
            is_admin: admin(&session.0),
            campaign_id: self.campaign.to_string(),
            campaign_name: self.campaign_name,
            title: upload.title(),
            facts: taken.facts,
            shown: taken.invalid_rows.len(),
            invalid_row_count: taken.invalid_row_count,
            invalid_rows: taken.invalid_rows,
            promoted: taken.promoted,
        };
        Ok(html(StatusCode::OK, &page))
    }

    /// The participants' page again (422), the refusals beside this upload's form.
    async fn again(
        self,
        state: &Data,
        session: &Session,
        upload: Upload,
        errors: Vec<FieldError>,
    ) -> Result<HttpResponse, PageError> {
        let typed = Typed::Upload {
            upload,
            as_of: self.fields.get("as_of").cloned().unwrap_or_default(),
            errors,
        };
        let view =
            participants_page(state, session, self.campaign, first_page(), Some(&typed)).await?;
        Ok(html(StatusCode::UNPROCESSABLE_ENTITY, &view))
    }
}

struct Fact {
    id: &'static str,
    label: &'static str,
    value: String,
}

fn fact(id: &'static str, label: &'static str, value: impl ToString) -> Fact {
    Fact {
        id,
        label,
        value: value.to_string(),
    }
}

/// What an upload took, as its page says it.
struct Taken {
    facts: Vec<Fact>,
    invalid_row_count: usize,
    invalid_rows: Vec<InvalidRow>,
    promoted: Vec<String>,
}

#[derive(Template)]
#[template(path = "pages/staff/upload.html")]
struct UploadPage {
    csrf_token: String,
    is_admin: bool,
    campaign_id: String,
    campaign_name: String,
    title: &'static str,
    facts: Vec<Fact>,
    invalid_row_count: usize,
    /// The refused rows listed: the first 1,000 by line.
    shown: usize,
    invalid_rows: Vec<InvalidRow>,
    /// Applications the upload moved off the waiting list.
    promoted: Vec<String>,
}

fn encoding_ja(encoding: Encoding) -> &'static str {
    match encoding {
        Encoding::Utf8 => "UTF-8",
        Encoding::ShiftJis => "Shift_JIS",
    }
}

/// The facts every upload's page begins and ends with, around its own.
fn facts(header_line: u64, own: Vec<Fact>, refused: usize) -> Vec<Fact> {
    let mut all = vec![fact(
        "header-line",
        "見出し行",
        format!("{header_line}行目"),
    )];
    all.extend(own);
    all.push(fact(
        "rows-refused",
        "取り込まなかった行",
        format!("{refused}行"),
    ));
    all
}

/// Changes many offices' checkpoints from a sheet, as `POST /api/v1/campaigns/{id}/checkpoints`
/// does, as the person.
#[post("/staff/campaigns/{id}/checkpoints")]
pub async fn upload_checkpoints(
    state: Data,
    req: HttpRequest,
    session: Session,
    id: web::Path<CampaignId>,
    payload: web::Payload,
) -> Result<HttpResponse, PageError> {
    let opened = open(&state, &req, &session, id.into_inner(), payload).await?;
    let parse = |file: BodyReader| checkpoints::parse_sheet(&file.into_bytes()?);
    let store = |conn: &mut Conn, actor: &Actor, now, campaign: &CampaignId, sheet| {
        checkpoints::upload(conn, actor, now, campaign, &sheet)
    };
    let report = |result: checkpoints::SheetResult| Taken {
        facts: facts(
            result.header_line,
            vec![fact(
                "rows-taken",
                "反映した行",
                format!("{}行", result.rows),
            )],
            result.invalid_row_count,
        ),
        invalid_row_count: result.invalid_row_count,
        invalid_rows: result.invalid_rows,
        promoted: Vec::new(),
    };
    let upload = Upload::Checkpoints;
    opened
        .take(&state, &session, upload, parse, store, report)
        .await
}

/// Imports a usage list as of `as_of`, as `POST /api/v1/campaigns/{id}/usage-lists` does, as
/// the person; the file goes to the list's reader as it arrives.
#[post("/staff/campaigns/{id}/usage-lists")]
pub async fn upload_usage_list(
    state: Data,
    req: HttpRequest,
    session: Session,
    id: web::Path<CampaignId>,
    payload: web::Payload,
) -> Result<HttpResponse, PageError> {
    let upload = Upload::UsageList;
    let opened = open(&state, &req, &session, id.into_inner(), payload).await?;
    let as_of = match crate::routes::year_end::as_of(opened.fields.get("as_of").cloned()) {
        Ok(day) => day,
        Err(ApiError::Invalid(errors)) => {
            return opened.again(&state, &session, upload, errors).await
        }
        Err(e) => return Err(e.into()),
    };
    let store = move |conn: &mut Conn, actor: &Actor, now, campaign: &CampaignId, list| {
        usage_lists::import(conn, actor, now, campaign, as_of, &list)
    };
    let report = |view: usage_lists::UsageListView| Taken {
        facts: facts(
            view.header_line,
            vec![
                fact("as-of", "利用状況の日付", jst::day(view.as_of)),
                fact("encoding", "文字コード", encoding_ja(view.encoding)),
                fact(
                    "rows-taken",
                    "利用中の事業所",
                    format!("{}事業所", view.rows),
                ),
                fact(
                    "duplicate-rows",
                    "重複して載っていた行",
                    format!("{}行", view.duplicate_rows),
                ),
                fact("sha256", "ファイルのSHA-256", view.sha256),
            ],
            view.invalid_row_count,
        ),
        invalid_row_count: view.invalid_row_count,
        invalid_rows: view.invalid_rows,
        promoted: Vec::new(),
    };
    opened
        .take(&state, &session, upload, usage_lists::parse, store, report)
        .await
}

/// Adds seminar attendees, as `POST /api/v1/campaigns/{id}/seminar-attendees` does, as the
/// person: waiting applications that now fit are promoted.
#[post("/staff/campaigns/{id}/seminar-attendees")]
pub async fn upload_attendees(
    state: Data,
    req: HttpRequest,
    session: Session,
    id: web::Path<CampaignId>,
    payload: web::Payload,
) -> Result<HttpResponse, PageError> {
    let opened = open(&state, &req, &session, id.into_inner(), payload).await?;
    let notifier = state.notifier.clone();
    let parse = |file: BodyReader| applications::parse_attendees(&file.into_bytes()?);
    let store = move |conn: &mut Conn, actor: &Actor, now, campaign: &CampaignId, list| {
        applications::import_attendees(
            UseCase {
                conn,
                notifier: &notifier,
                actor,
                now,
            },
            campaign,
            &list,
        )
    };
    let report = |made: applications::AttendeeImport| Taken {
        facts: facts(
            made.header_line,
            vec![
                fact("rows-taken", "名簿の事業所", format!("{}事業所", made.rows)),
                fact(
                    "added",
                    "うち新たに加えた事業所",
                    format!("{}事業所", made.added),
                ),
                fact(
                    "duplicate-rows",
                    "重複して載っていた行",
                    format!("{}行", made.duplicate_rows),
                ),
                fact(
                    "promoted",
                    "キャンセル待ちから参加決定になった応募",
                    format!("{}件", made.promoted.len()),
                ),
            ],
            made.invalid_row_count,
        ),
        invalid_row_count: made.invalid_row_count,
        invalid_rows: made.invalid_rows,
        promoted: made.promoted.iter().map(ToString::to_string).collect(),
    };
    let upload = Upload::Attendees;
    opened
        .take(&state, &session, upload, parse, store, report)
        .await
}
