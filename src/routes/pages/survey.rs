//! A survey answered by one office through the status link: the questions as a plain form,
//! refused answers shown again beside their questions with what was typed, 303 back to the
//! status page once kept.

use super::views::{self, SurveyChoice, SurveyPage, SurveyQuestion};
use super::{csrf, html, limit, secure_cookies, see_other, with_cookie, Data, PageError};
use crate::domain::jst;
use crate::domain::secret::LinkSecret;
use crate::domain::secret::Secret;
use crate::domain::survey::{Answer, QuestionType, SurveyKind, WindowState, MAX_TEXT_CHARS};
use crate::domain::FieldError;
use crate::error::ApiError;
use crate::routes::{read, write};
use crate::service::status_link;
use crate::service::surveys::{self, OfficeSurvey};
use actix_web::http::StatusCode;
use actix_web::{post, route, web, HttpRequest, HttpResponse};
use serde::Deserialize;
use std::collections::BTreeMap;

#[derive(Debug, Deserialize)]
pub struct OfficeQuery {
    office: Option<String>,
}

/// What each question holds, as the form sends it: every value of a repeated name.
type Typed = BTreeMap<String, Vec<String>>;

fn stored(found: &OfficeSurvey) -> Typed {
    found
        .answers()
        .into_iter()
        .map(|(key, answer)| {
            let values = match answer {
                Answer::Text(t) => vec![t],
                Answer::Choices(c) => c,
                Answer::YesNo(b) => vec![if b { "yes" } else { "no" }.to_owned()],
                Answer::Scale(n) => vec![n.to_string()],
            };
            (key, values)
        })
        .collect()
}

fn choices(kind: QuestionType, options: &[String]) -> Vec<(String, String)> {
    match kind {
        QuestionType::YesNo => vec![
            ("yes".into(), "はい".into()),
            ("no".into(), "いいえ".into()),
        ],
        QuestionType::Scale => (1..=5).map(|n| (n.to_string(), n.to_string())).collect(),
        _ => options.iter().map(|o| (o.clone(), o.clone())).collect(),
    }
}

fn page(
    found: &OfficeSurvey,
    secret: &Secret,
    csrf_token: String,
    typed: &Typed,
    errors: &[FieldError],
) -> SurveyPage {
    let mut summary = Vec::new();
    let mut questions = Vec::new();
    for (i, q) in found.definition.questions.iter().enumerate() {
        let id = format!("q-{}", q.key);
        let name = format!("answers.{}", q.key);
        let values = typed.get(&q.key).cloned().unwrap_or_default();
        let error = errors
            .iter()
            .find(|e| e.field == name)
            .map(FieldError::japanese);
        if let Some(e) = &error {
            summary.push((format!("#{id}"), format!("問{}: {e}", i + 1)));
        }
        let (control, hint) = match q.kind {
            QuestionType::Single => ("radio", "1つ選んでください".to_owned()),
            QuestionType::Multiple => (
                "checkbox",
                "当てはまるものをすべて選んでください".to_owned(),
            ),
            QuestionType::YesNo => ("radio", "どちらかを選んでください".to_owned()),
            QuestionType::Scale => ("radio", "1〜5の5段階から1つ選んでください".to_owned()),
            QuestionType::Text => ("textarea", format!("{MAX_TEXT_CHARS}文字以内")),
        };
        questions.push(SurveyQuestion {
            choices: choices(q.kind, &q.options)
                .into_iter()
                .enumerate()
                .map(|(j, (value, label))| SurveyChoice {
                    id: format!("{id}-{}", j + 1),
                    checked: values.contains(&value),
                    value,
                    label,
                })
                .collect(),
            text_value: if q.kind == QuestionType::Text {
                values.first().cloned().unwrap_or_default()
            } else {
                String::new()
            },
            id,
            name,
            number: i + 1,
            text: q.text.clone(),
            required: q.required,
            control,
            hint,
            max_text: MAX_TEXT_CHARS,
            error,
        });
    }
    let campaign = &found.campaign;
    SurveyPage {
        campaign_name: campaign.name.clone(),
        title: found.definition.title.clone(),
        kind_label: found.survey.kind.label_ja(),
        office_name: found.office.name.clone(),
        office_number: found.office.office_number.clone(),
        action: surveys::page_path(secret, found.survey.kind, &found.office.office_number),
        status_path: status_link::page_path(secret),
        csrf_token,
        answered_at: found.answered.as_ref().map(|a| jst::display(a.answered_at)),
        closes_on: jst::day(found.window.closes_on),
        questions,
        summary,
        footer: views::Footer::new(
            campaign.contact(),
            campaign.privacy_notice.clone(),
            campaign.privacy_notice_url.clone(),
        ),
    }
}

/// Why the survey takes no answer today, as a page that says when it does.
fn not_open(state: WindowState, status_path: String) -> Option<PageError> {
    let message = match state {
        WindowState::Open => return None,
        WindowState::NotYet(Some(day)) => format!(
            "このアンケートは{}から回答できます。その日以降に、もう一度このページを開いてください。",
            jst::day(day)
        ),
        WindowState::NotYet(None) => {
            "このアンケートは、応募が受け付けられ参加が決まると回答できるようになります。".into()
        }
        WindowState::Closed(day) => format!(
            "このアンケートの回答期限（{}）を過ぎました。お問い合わせは事務局へお願いします。",
            jst::day(day)
        ),
    };
    Some(
        PageError::new(StatusCode::CONFLICT, "今は回答できません", message)
            .with_link(status_path, "応募状況へ戻る"),
    )
}

async fn load(
    state: &Data,
    secret: &Secret,
    kind: &str,
    office: Option<String>,
) -> Result<OfficeSurvey, PageError> {
    let kind: SurveyKind = kind.parse().map_err(|_| PageError::not_found())?;
    let office = office.ok_or_else(PageError::not_found)?;
    let secret = secret.clone();
    Ok(read(state, move |conn| {
        surveys::for_office(conn, &secret, kind, &office)
    })
    .await?)
}

/// The survey's form, with the office's earlier answers when it has answered.
#[route("/status/{secret}/surveys/{kind}", method = "GET", method = "HEAD")]
pub async fn survey_form(
    state: Data,
    req: HttpRequest,
    path: web::Path<(LinkSecret, String)>,
    query: web::Query<OfficeQuery>,
) -> Result<HttpResponse, PageError> {
    limit(&req, &state)?;
    let (secret, kind) = path.into_inner();
    let secret = secret.into_secret();
    let found = load(&state, &secret, &kind, query.into_inner().office).await?;
    if let Some(refused) = not_open(
        found.state(jst::date_of(crate::clock::now())),
        status_link::page_path(&secret),
    ) {
        return Err(refused);
    }
    let token = csrf::token(&req, secure_cookies(&state));
    with_cookie(
        html(
            StatusCode::OK,
            &page(&found, &secret, token.value, &stored(&found), &[]),
        ),
        token.cookie,
    )
}

/// Keeps the answers and returns to the status page, or shows the form again with every
/// refusal beside its question.
#[post("/status/{secret}/surveys/{kind}")]
pub async fn survey_submit(
    state: Data,
    req: HttpRequest,
    path: web::Path<(LinkSecret, String)>,
    query: web::Query<OfficeQuery>,
    body: web::Bytes,
) -> Result<HttpResponse, PageError> {
    limit(&req, &state)?;
    let (secret, kind) = path.into_inner();
    let secret = secret.into_secret();
    let found = load(&state, &secret, &kind, query.into_inner().office).await?;
    let back = surveys::page_path(&secret, found.survey.kind, &found.office.office_number);
    let pairs: Vec<(String, String)> =
        serde_urlencoded::from_bytes(&body).map_err(|_| PageError::expired(back.clone()))?;
    let token = pairs
        .iter()
        .find(|(name, _)| name == csrf::FIELD)
        .map(|(_, v)| v.clone())
        .unwrap_or_default();
    if !csrf::verify(&req, &token, &state.notifier.public_base_url) {
        return Err(PageError::expired(back));
    }
    let mut typed = Typed::new();
    for (name, value) in pairs {
        if let Some(key) = name.strip_prefix("answers.") {
            typed.entry(key.to_owned()).or_default().push(value);
        }
    }
    let given: BTreeMap<String, serde_json::Value> = typed
        .iter()
        .map(|(key, values)| {
            let multiple = found
                .definition
                .question(key)
                .is_some_and(|q| q.kind == QuestionType::Multiple);
            let value = if multiple {
                serde_json::json!(values)
            } else {
                serde_json::json!(values.first().cloned().unwrap_or_default())
            };
            (key.clone(), value)
        })
        .collect();
    let (kind, office, target) = (
        found.survey.kind,
        found.office.office_number.clone(),
        secret.clone(),
    );
    let done = write(&state, move |conn, now| {
        surveys::answer(conn, now, &target, kind, &office, &given).map(drop)
    })
    .await;
    let status_path = status_link::page_path(&secret);
    match done {
        Ok(()) => Ok(see_other(&status_path)),
        Err(ApiError::Invalid(errors)) => Ok(html(
            StatusCode::UNPROCESSABLE_ENTITY,
            &page(&found, &secret, token, &typed, &errors),
        )),
        Err(ApiError::Conflict(_)) => Err(not_open(
            found.state(jst::date_of(crate::clock::now())),
            status_path.clone(),
        )
        .unwrap_or_else(|| {
            PageError::new(
                StatusCode::CONFLICT,
                "今は回答できません",
                "お手数ですが、応募状況のページから開き直してください。",
            )
            .with_link(status_path, "応募状況へ戻る")
        })),
        Err(other) => Err(other.into()),
    }
}
