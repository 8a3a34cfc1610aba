//! Creating a campaign (admins only, as `POST /api/v1/campaigns`): the form with the JSON
//! API's field names, read into its input and created through the same use case as the admin.
//! The rules SPEC leaves open keep their defaults and the surveys are set later through the
//! API, as the form asks only what a campaign cannot start without.

use super::super::super::form::Values;
use super::super::super::staff::{admin, staff_form, Session, SummaryLine};
use super::super::super::{html, see_other, Data, PageError};
use super::super::fields::{
    fields, refused as in_japanese, spec, summary_of, Field, Refused, Spec,
};
use super::super::refused;
use super::{DEADLINE, MODEL_SLOTS, RESERVED_SEMINAR_SLOTS, TOTAL_SLOTS};
use crate::domain::campaign::{Contact, Honoraria};
use crate::domain::conflict::Conflict;
use crate::domain::refusal::Refusal;
use crate::domain::staff_input::{jst_moment, whole_number};
use crate::domain::FieldErrors;
use crate::error::ApiError;
use crate::routes::write;
use crate::service::campaigns::{self, CampaignInput};
use actix_web::http::StatusCode;
use actix_web::{get, post, web, HttpRequest, HttpResponse};
use askama::Template;
use chrono::NaiveDate;

const NEW: &str = "/staff/campaigns/new";

const FIELDS: [Spec; 19] = [
    spec(
        "code",
        "コード",
        "text",
        "応募フォームのアドレスになります（英小文字・数字・ハイフン）。例: musashino-2026",
        true,
    ),
    spec("name", "キャンペーン名", "text", "", true),
    spec(
        "region_code",
        "対象地域のコード",
        "text",
        "6桁の全国地方公共団体コード。例: 132039",
        true,
    ),
    spec("region_name", "対象地域", "text", "例: 武蔵野市", true),
    spec(
        "opens_at",
        "受付開始（日本時間）",
        "datetime-local",
        "例: 2026-10-01T09:00",
        true,
    ),
    DEADLINE,
    spec("ends_on", "継続利用の確認日（終了日）", "date", "", true),
    TOTAL_SLOTS,
    MODEL_SLOTS,
    RESERVED_SEMINAR_SLOTS,
    spec(
        "max_referrals",
        "紹介先の上限",
        "number",
        "モデル事業所1件あたり",
        true,
    ),
    spec("honoraria.general", "謝金（一般・円）", "number", "", true),
    spec(
        "honoraria.model",
        "謝金（モデル事業所・円）",
        "number",
        "",
        true,
    ),
    spec(
        "honoraria.referred",
        "謝金（紹介先・円）",
        "number",
        "",
        true,
    ),
    spec(
        "contact.name",
        "事務局の名前",
        "text",
        "応募者のページとメールに載ります。",
        false,
    ),
    spec(
        "contact.email",
        "事務局のメールアドレス",
        "email",
        "",
        false,
    ),
    spec("contact.phone", "事務局の電話番号", "text", "", false),
    spec(
        "contact.hours",
        "問い合わせの受付時間",
        "text",
        "例: 平日 9:00〜17:00",
        false,
    ),
    spec("privacy_notice", "個人情報の取扱い", "textarea", "", false),
];

#[derive(Template)]
#[template(path = "pages/staff/campaign_new.html")]
struct NewPage {
    csrf_token: String,
    is_admin: bool,
    fields: Vec<Field>,
    errors: Vec<SummaryLine>,
}

fn new_page(session: &Session, values: &Values, refusals: &[Refused]) -> NewPage {
    let typed = |name: &str| match (name, values.get(name)) {
        ("reserved_seminar_slots", "") => "0".to_owned(),
        ("max_referrals", "") => "1".to_owned(),
        (_, typed) => typed.to_owned(),
    };
    let fields = fields("new", &FIELDS, typed, refusals);
    NewPage {
        csrf_token: session.0.csrf_token.clone(),
        is_admin: admin(&session.0),
        errors: summary_of(&fields),
        fields,
    }
}

/// The form read into the API's input, or every field it could not read.
fn input_of(values: &Values) -> Result<CampaignInput, FieldErrors> {
    let mut errors = FieldErrors::new();
    let text = |name: &str| values.get(name).to_owned();
    let given = |name: &str| Some(values.get(name).to_owned()).filter(|v| !v.trim().is_empty());
    let opens_at = jst_moment(values.get("opens_at"));
    if opens_at.is_none() {
        errors.push("opens_at", "must be a date and time");
    }
    let mut date = |name: &str| {
        let read = NaiveDate::parse_from_str(values.get(name).trim(), "%Y-%m-%d").ok();
        if read.is_none() {
            errors.push(name, Refusal::NotADate);
        }
        read
    };
    let (deadline, ends_on) = (date("deadline"), date("ends_on"));
    let mut number = |name: &str| {
        let read = whole_number(values.get(name));
        if read.is_none() {
            errors.push(name, "must be a whole number");
        }
        read.unwrap_or_default()
    };
    let count = |n: i64| i32::try_from(n).unwrap_or(i32::MAX);
    let (total, model, seminar, referrals) = (
        number("total_slots"),
        number("model_slots"),
        number("reserved_seminar_slots"),
        number("max_referrals"),
    );
    let honoraria = Honoraria {
        general: number("honoraria.general"),
        model: number("honoraria.model"),
        referred: number("honoraria.referred"),
    };
    let (Some(opens_at), Some(deadline), Some(ends_on)) = (opens_at, deadline, ends_on) else {
        return Err(errors);
    };
    errors.finish(|| CampaignInput {
        code: text("code"),
        name: text("name"),
        region_code: text("region_code"),
        region_name: text("region_name"),
        opens_at,
        deadline,
        ends_on,
        total_slots: count(total),
        model_slots: count(model),
        reserved_seminar_slots: count(seminar),
        max_referrals: count(referrals),
        honoraria,
        rules: None,
        contact: Some(Contact {
            name: given("contact.name"),
            email: given("contact.email"),
            phone: given("contact.phone"),
            hours: given("contact.hours"),
        }),
        privacy_notice: given("privacy_notice"),
        privacy_notice_url: None,
        end_survey_opens_days: None,
        survey_closes_days_after_end: None,
        surveys: None,
    })
}

/// The form to create a campaign (admins; 403 otherwise).
#[get("/staff/campaigns/new")]
pub async fn new_form(session: Session) -> Result<HttpResponse, PageError> {
    session.admin_only()?;
    let page = new_page(&session, &Values::default(), &[]);
    Ok(html(StatusCode::OK, &page))
}

/// Creates the campaign as the admin: 303 to its page, or the form again (422) as typed with
/// every refusal beside its field (a code already used: beside the code).
#[post("/staff/campaigns")]
pub async fn create(
    state: Data,
    req: HttpRequest,
    session: Session,
    body: web::Bytes,
) -> Result<HttpResponse, PageError> {
    session.admin_only()?;
    let values = staff_form(&state, &req, &session.0, &body, NEW)?;
    let done = match input_of(&values) {
        Ok(input) => {
            let actor = session.actor();
            write(&state, move |conn, now| {
                campaigns::create(conn, &actor, now, &input)
            })
            .await
        }
        Err(errors) => Err(ApiError::Invalid(errors.into_vec())),
    };
    let refusals = match done {
        Ok(made) => return Ok(see_other(&format!("/staff/campaigns/{}", made.id))),
        Err(ApiError::Invalid(errors)) => in_japanese(&errors),
        Err(ApiError::Conflict(taken @ Conflict::CampaignCodeTaken { .. })) => {
            vec![("code".to_owned(), taken.japanese())]
        }
        Err(e) => return Err(refused(e, NEW.to_owned())),
    };
    let page = new_page(&session, &values, &refusals);
    Ok(html(StatusCode::UNPROCESSABLE_ENTITY, &page))
}
