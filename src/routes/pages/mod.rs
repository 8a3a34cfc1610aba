//! The applicant's pages, in Japanese and without JavaScript: the application form with the
//! live slot counter, the status page behind the secret link, the withdrawal with its
//! confirmation, the form's QR code, and the stylesheet. They sit on the same services as the
//! JSON API; only the words and the shape of the answers differ.

mod console;
pub mod csrf;
pub mod form;
pub mod messages;
pub mod qr;
pub mod staff;
pub mod views;

use super::{read, write, Data};
use crate::domain::application::{self, Tier};
use crate::domain::campaign::Phase;
use crate::domain::money::with_separators;
use crate::domain::secret::Secret;
use crate::domain::{jst, FieldError};
use crate::error::ApiError;
use crate::service::applications::{self, StatusPage, MAX_REASON_CHARS};
use crate::service::campaigns::PublicCampaign;
use crate::service::idempotency::IdempotencyKey;
use crate::service::intake::Job;
use crate::service::status_link;
use crate::service::ServiceError;
use actix_web::http::{header, StatusCode};
use actix_web::{get, post, web, HttpRequest, HttpResponse, ResponseError};
use askama::Template;
use form::Values;
use views::{ApplyPage, Chosen, ConditionLine, Counter, NoticePage, OfficeLine, TierOption};

/// An error as a page: what happened in plain Japanese, never a cause or a stack trace.
#[derive(Debug)]
pub struct PageError {
    status: StatusCode,
    title: &'static str,
    message: String,
    link: Option<(String, String)>,
}

impl std::fmt::Display for PageError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.status, self.title)
    }
}

impl PageError {
    fn new(status: StatusCode, title: &'static str, message: impl Into<String>) -> Self {
        PageError {
            status,
            title,
            message: message.into(),
            link: None,
        }
    }

    fn with_link(mut self, href: String, label: &str) -> Self {
        self.link = Some((href, label.to_owned()));
        self
    }

    fn not_found() -> Self {
        PageError::new(
            StatusCode::NOT_FOUND,
            "ページが見つかりません",
            "アドレスが正しいか、お手元のメールやチラシのリンクをお確かめください。",
        )
    }

    /// A post without its page's token: an old page, cookies off, or another site.
    fn expired(back: String) -> Self {
        PageError::new(
            StatusCode::FORBIDDEN,
            "ページの有効期限が切れました",
            "安全のため、送信を受け付けませんでした。お手数ですが、ページを開き直してもう一度お試しください（ブラウザのCookieを有効にしてください）。",
        )
        .with_link(back, "ページを開き直す")
    }
}

/// A post holding text no database stores is refused as the JSON API refuses it (422),
/// naming the fields.
fn storable(values: &Values) -> Result<(), PageError> {
    let bad = values.unstorable();
    if bad.is_empty() {
        return Ok(());
    }
    let names: Vec<&str> = bad.iter().map(|e| e.field.as_str()).collect();
    Err(PageError::new(
        StatusCode::UNPROCESSABLE_ENTITY,
        "使えない文字が含まれています",
        format!(
            "次の欄に使えない文字（NUL文字）が含まれています: {}。入力し直してください。",
            names.join("、")
        ),
    ))
}

impl From<ApiError> for PageError {
    fn from(e: ApiError) -> Self {
        e.log_cause();
        match e {
            ApiError::NotFound(_) => PageError::not_found(),
            ApiError::TooManyRequests => PageError::new(
                StatusCode::TOO_MANY_REQUESTS,
                "アクセスが集中しています",
                "1分ほど待ってから、もう一度お試しください。入力した内容は、ブラウザの「戻る」で戻ると残っています。",
            ),
            ApiError::Unavailable(_) => PageError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "ただいま混み合っています",
                "しばらく待ってから、もう一度お試しください。",
            ),
            ApiError::Internal(_) => PageError::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "エラーが発生しました",
                "お手数ですが、時間をおいてもう一度お試しください。",
            ),
            ApiError::TooLarge { .. } => PageError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "送信内容が大きすぎます",
                "入力内容を短くして、もう一度お試しください。",
            ),
            other => PageError::new(
                other.status_code(),
                "受け付けられませんでした",
                "入力内容をお確かめのうえ、もう一度お試しください。",
            ),
        }
    }
}

impl ResponseError for PageError {
    fn status_code(&self) -> StatusCode {
        self.status
    }

    fn error_response(&self) -> HttpResponse {
        let page = NoticePage {
            title: self.title.to_owned(),
            message: self.message.clone(),
            link: self.link.clone(),
        };
        let mut res = html(self.status, &page);
        let wait = match self.status {
            StatusCode::SERVICE_UNAVAILABLE => Some("5"),
            StatusCode::TOO_MANY_REQUESTS => Some("60"),
            _ => None,
        };
        if let Some(wait) = wait {
            res.headers_mut()
                .insert(header::RETRY_AFTER, header::HeaderValue::from_static(wait));
        }
        res
    }
}

fn html(status: StatusCode, page: &impl Template) -> HttpResponse {
    match page.render() {
        Ok(body) => HttpResponse::build(status)
            .content_type("text/html; charset=utf-8")
            // Under `no-referrer` a browser posts the form with `Origin: null`, which the
            // forgery guard refuses; `same-origin` still tells no other site anything.
            .insert_header((header::REFERRER_POLICY, "same-origin"))
            .body(body),
        Err(e) => {
            tracing::error!(error = %e, "page template failed");
            HttpResponse::InternalServerError()
                .content_type("text/plain; charset=utf-8")
                .body("エラーが発生しました。時間をおいてもう一度お試しください。")
        }
    }
}

/// The public endpoints' per-address limit, answered as a page.
fn limit(req: &HttpRequest, state: &Data) -> Result<(), PageError> {
    state
        .public_limiter
        .check(crate::routes::client_addr::of(req))
        .map_err(PageError::from)
}

fn secure_cookies(state: &Data) -> bool {
    state.notifier.public_base_url.starts_with("https://")
}

fn tier_options(c: &PublicCampaign) -> Vec<TierOption> {
    let h = &c.settings.honoraria;
    let yen = |amount: i64| format!("{}円", with_separators(amount));
    let full = c.slots.total.remaining == 0;
    let model_full = c.slots.model.remaining == 0;
    let waiting = |gone: bool| {
        gone.then(|| "現在は枠が埋まっているため、キャンセル待ちとなります。".to_owned())
    };
    vec![
        TierOption {
            value: Tier::GeneralSingle.as_str(),
            label: "一般枠A 事業所単独で応募",
            amount: yen(h.general),
            description: "まだケアプランデータ連携システムの利用を始めていない居宅介護支援事業所またはサービス事業所が、単独で応募します。".into(),
            note: waiting(full),
        },
        TierOption {
            value: Tier::GeneralPair.as_str(),
            label: "一般枠B 居宅介護支援事業所＋サービス事業所で応募",
            amount: format!("各{}", yen(h.general)),
            description: "まだシステムの利用を始めていない居宅介護支援事業所とサービス事業所の2事業所で応募します（同一法人同士を除く）。".into(),
            note: waiting(c.slots.total.remaining < 2),
        },
        TierOption {
            value: Tier::Model.as_str(),
            label: "モデル事業所枠 モデル事業所＋ご紹介先",
            amount: format!("{}、ご紹介先に{}", yen(h.model), yen(h.referred)),
            description: format!(
                "利用開始前でこれから連携先となる事業所のご紹介（{}件まで）と、業務フローの変更へのご協力をお願いする枠です（先着{}事業所）。システムを利用開始済みの事業所もご参加いただけます。",
                c.settings.max_referrals, c.slots.model.cap
            ),
            note: waiting(model_full || c.slots.total.remaining < 2),
        },
    ]
}

/// The form page for `campaign`, with the tier's form when one is chosen.
fn apply_page(
    campaign: &PublicCampaign,
    chosen: Option<Chosen>,
    chooser_error: Option<String>,
) -> ApplyPage {
    let s = &campaign.settings;
    ApplyPage {
        campaign_name: s.name.clone(),
        code: s.code.clone(),
        region_name: s.region_name.clone(),
        phase: match campaign.phase {
            Phase::NotYetOpen => "not_yet_open",
            Phase::Open => "open",
            Phase::Closed => "closed",
        },
        opens_at: jst::display(s.opens_at),
        deadline: format!("{}（{}）", jst::wareki(s.deadline), s.deadline),
        as_of: jst::display(crate::clock::now()),
        total: Counter {
            remaining: campaign.slots.total.remaining,
            cap: campaign.slots.total.cap,
        },
        model: Counter {
            remaining: campaign.slots.model.remaining,
            cap: campaign.slots.model.cap,
        },
        waitlisted: campaign.slots.waitlisted,
        full: campaign.slots.total.remaining == 0,
        tiers: tier_options(campaign),
        chooser_error,
        chosen,
        footer: views::Footer::new(
            s.contact.clone(),
            s.privacy_notice.clone(),
            s.privacy_notice_url.clone(),
        ),
    }
}

fn chosen(
    campaign: &PublicCampaign,
    tier: Tier,
    values: &Values,
    errors: &[FieldError],
    csrf_token: String,
) -> Chosen {
    let typed = values.get("idempotency_key");
    let idempotency_key = if super::usable_key(typed) {
        typed.to_owned()
    } else {
        uuid::Uuid::new_v4().to_string()
    };
    Chosen {
        tier_value: tier.as_str(),
        tier_label: tier.label_ja(),
        layout: form::layout(tier, &campaign.settings, values, errors),
        idempotency_key,
        csrf_token,
    }
}

async fn public_campaign(state: &Data, code: &str) -> Result<PublicCampaign, PageError> {
    let code = code.to_owned();
    let now = crate::clock::now();
    let store = state.store.clone();
    Ok(read(state, move |conn| {
        crate::service::campaigns::public_by_code(conn, &code, now, |conn, id| {
            store.slot_counts(conn, id)
        })
    })
    .await?)
}

const TIER_NOT_CHOSEN: &str = "応募枠を選んでください";

#[derive(serde::Deserialize)]
pub struct FormQuery {
    tier: Option<String>,
}

/// The application form: the tiers to choose from, then the chosen tier's form.
#[get("/apply/{code}")]
pub async fn apply_form(
    state: Data,
    req: HttpRequest,
    code: web::Path<String>,
    query: web::Query<FormQuery>,
) -> Result<HttpResponse, PageError> {
    limit(&req, &state)?;
    let campaign = public_campaign(&state, &code).await?;
    let token = csrf::token(&req, secure_cookies(&state));
    let page = match query.tier.as_deref() {
        None => apply_page(&campaign, None, None),
        Some(t) => match form::tier_of(t) {
            Some(tier) => {
                let form = chosen(&campaign, tier, &Values::default(), &[], token.value);
                apply_page(&campaign, Some(form), None)
            }
            None => apply_page(&campaign, None, Some(TIER_NOT_CHOSEN.into())),
        },
    };
    let mut res = html(StatusCode::OK, &page);
    if let Some(cookie) = token.cookie {
        res.add_cookie(&cookie)
            .map_err(|e| PageError::from(ApiError::internal(e)))?;
    }
    Ok(res)
}

fn see_other(location: &str) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, location))
        .finish()
}

/// A submission of the form: 303 to the status page when taken (accepted or waiting), the
/// form again with every error when refused.
#[post("/apply/{code}")]
pub async fn apply_submit(
    state: Data,
    req: HttpRequest,
    code: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, PageError> {
    limit(&req, &state)?;
    let form_path = format!("/apply/{code}");
    let values = Values::parse(&body).map_err(|_| {
        PageError::new(
            StatusCode::BAD_REQUEST,
            "送信内容を読み取れませんでした",
            "お手数ですが、フォームを開き直してもう一度お試しください。",
        )
        .with_link(form_path.clone(), "フォームを開き直す")
    })?;
    if !csrf::verify(
        &req,
        values.get(csrf::FIELD),
        &state.notifier.public_base_url,
    ) {
        return Err(PageError::expired(form_path));
    }
    let token = values.get(csrf::FIELD).to_owned();
    let campaign = public_campaign(&state, &code).await?;
    if campaign.phase != Phase::Open {
        return Ok(html(
            StatusCode::CONFLICT,
            &apply_page(&campaign, None, None),
        ));
    }
    let Some(tier) = form::tier_of(values.get("tier")) else {
        let page = apply_page(&campaign, None, Some(TIER_NOT_CHOSEN.into()));
        return Ok(html(StatusCode::UNPROCESSABLE_ENTITY, &page));
    };
    let refused = |status: StatusCode, errors: Vec<FieldError>| {
        let form = chosen(&campaign, tier, &values, &errors, token.clone());
        html(status, &apply_page(&campaign, Some(form), None))
    };
    let (input, mut form_errors) = form::read(tier, &values, &campaign.settings);
    form_errors.extend(values.unstorable().into_iter().map(|e| FieldError {
        message: messages::japanese(&e.message),
        ..e
    }));
    if !form_errors.is_empty() {
        // The rules still judge everything the form could read, so every error shows at once.
        let today = jst::date_of(crate::clock::now());
        let rules = application::check(&input, &campaign.settings, today)
            .err()
            .map(|e| e.into_vec())
            .unwrap_or_default();
        let errors = form::merge(form_errors, rules);
        return Ok(refused(StatusCode::UNPROCESSABLE_ENTITY, errors));
    }
    let key_value = values.get("idempotency_key");
    let key = super::usable_key(key_value).then(|| {
        // Keyed on what was asked for, not on the form's token, so a double click with either
        // token is one application.
        let asked = serde_json::to_vec(&input).unwrap_or_default();
        IdempotencyKey::new(
            format!("public:{} POST {form_path}", campaign.id),
            key_value,
            &asked,
        )
    });
    let outcome = super::intake(&state, campaign.id.clone(), Job { input, key }).await?;
    match outcome {
        Ok(created) => {
            let page = created.body["status_url"]
                .as_str()
                .and_then(status_link::page_for)
                .ok_or_else(|| PageError::from(ApiError::internal("a submission without a status link")))?;
            Ok(see_other(&page))
        }
        Err(ServiceError::Invalid(errors)) => Ok(refused(
            StatusCode::UNPROCESSABLE_ENTITY,
            form::merge(Vec::new(), errors.into_vec()),
        )),
        Err(ServiceError::AlreadyTakingPart(offices)) => Ok(refused(
            StatusCode::CONFLICT,
            vec![FieldError {
                field: "offices".into(),
                message: messages::already_taking_part(&offices),
            }],
        )),
        Err(ServiceError::Conflict(message)) => Ok(refused(
            StatusCode::CONFLICT,
            vec![FieldError {
                field: "offices".into(),
                message: messages::japanese(&message),
            }],
        )),
        Err(ServiceError::StateConflict(_)) => {
            let campaign = public_campaign(&state, &code).await?;
            Ok(html(StatusCode::CONFLICT, &apply_page(&campaign, None, None)))
        }
        Err(ServiceError::IdempotencyKeyReused) => Err(PageError::new(
            StatusCode::CONFLICT,
            "このフォームからの応募は受付済みです",
            "同じフォームから内容を変えて送信されました。別の応募をするには、フォームを開き直してください。受付済みの応募は、メールでお送りしたリンクから確認できます。",
        )
        .with_link(form_path, "フォームを開き直す")),
        Err(other) => Err(ApiError::from(other).into()),
    }
}

/// The form's absolute address, as the QR code carries it.
fn form_url(state: &Data, code: &str) -> String {
    format!("{}/apply/{code}", state.notifier.public_base_url)
}

/// The form's address as a QR code image, made by `render`.
async fn qr_image(
    state: Data,
    req: HttpRequest,
    code: &str,
    content_type: &str,
    render: fn(&str) -> Result<Vec<u8>, qr::QrError>,
) -> Result<HttpResponse, PageError> {
    limit(&req, &state)?;
    let campaign = public_campaign(&state, code).await?;
    let image = render(&form_url(&state, &campaign.settings.code))
        .map_err(|e| PageError::from(ApiError::internal(e)))?;
    Ok(HttpResponse::Ok()
        .content_type(content_type)
        .insert_header((header::CACHE_CONTROL, "public, max-age=3600"))
        .body(image))
}

/// A QR code of the form's address, for flyers (SVG).
#[get("/apply/{code}/qr.svg")]
pub async fn qr_svg(
    state: Data,
    req: HttpRequest,
    code: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    qr_image(state, req, &code, "image/svg+xml", |url| {
        qr::svg(url).map(String::into_bytes)
    })
    .await
}

/// A QR code of the form's address, for flyers (PNG).
#[get("/apply/{code}/qr.png")]
pub async fn qr_png(
    state: Data,
    req: HttpRequest,
    code: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    qr_image(state, req, &code, "image/png", qr::png).await
}

/// A secret as a link can carry one; anything else cannot be a status link.
fn secret_of(raw: &str) -> Result<Secret, PageError> {
    if raw.is_empty() || raw.len() > 128 || !raw.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return Err(PageError::not_found());
    }
    Ok(Secret::new(raw))
}

fn office_lines(page: &StatusPage) -> Vec<OfficeLine> {
    page.offices
        .iter()
        .map(|o| OfficeLine {
            name: o.name.clone(),
            office_number: o.office_number.clone(),
            check_digit_mismatch: crate::domain::office_number::OfficeNumber::parse(
                &o.office_number,
            )
            .is_ok_and(|parsed| !parsed.check_digit_matches),
            role: o.role.label_ja(),
            honorarium: with_separators(o.honorarium_yen),
            conditions: o
                .conditions
                .iter()
                .map(|c| ConditionLine {
                    text: c.reason.requirement(),
                    met: c.met,
                })
                .collect(),
        })
        .collect()
}

fn footer(page: &StatusPage) -> Option<views::Footer> {
    views::Footer::new(
        page.secretariat.clone(),
        page.privacy_notice.clone(),
        page.privacy_notice_url.clone(),
    )
}

async fn load_status(state: &Data, secret: Secret) -> Result<StatusPage, PageError> {
    Ok(read(state, move |conn| {
        applications::status_page(conn, &secret, crate::clock::now())
    })
    .await?)
}

/// The applicant's status page behind the secret link in their emails.
#[get("/status/{secret}")]
pub async fn applicant_status(
    state: Data,
    req: HttpRequest,
    secret: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    limit(&req, &state)?;
    let secret = secret_of(&secret)?;
    let base = status_link::page_path(&secret);
    let page = load_status(&state, secret).await?;
    let view = views::StatusPage {
        campaign_name: page.campaign_name.clone(),
        apply_path: format!("/apply/{}", page.campaign_code),
        status_value: page.status.as_str(),
        status_label: page.status.label_ja(),
        status_reason: page.status_reason.clone(),
        sequence: page.sequence,
        tier_label: page.tier.label_ja(),
        submitted_at: page.submitted_at.clone(),
        place_in_line: page.place_in_line,
        contact_email: page.contact_email.clone(),
        offices: office_lines(&page),
        ends_on: jst::wareki(page.ends_on),
        withdraw_path: page.may_withdraw().then(|| format!("{base}/withdraw")),
        footer: footer(&page),
    };
    Ok(html(StatusCode::OK, &view))
}

fn withdraw_page(
    page: &StatusPage,
    base: &str,
    csrf_token: String,
    reason: &str,
    reason_error: Option<String>,
) -> views::WithdrawPage {
    views::WithdrawPage {
        campaign_name: page.campaign_name.clone(),
        sequence: page.sequence,
        status_label: page.status.label_ja(),
        offices: office_lines(page),
        status_path: base.to_owned(),
        withdraw_path: format!("{base}/withdraw"),
        csrf_token,
        reason: reason.to_owned(),
        reason_error,
        max_reason: MAX_REASON_CHARS,
        footer: footer(page),
    }
}

/// The confirmation step before withdrawing.
#[get("/status/{secret}/withdraw")]
pub async fn withdraw_form(
    state: Data,
    req: HttpRequest,
    secret: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    limit(&req, &state)?;
    let secret = secret_of(&secret)?;
    let base = status_link::page_path(&secret);
    let page = load_status(&state, secret).await?;
    if !page.may_withdraw() {
        return Ok(see_other(&base));
    }
    let token = csrf::token(&req, secure_cookies(&state));
    let mut res = html(
        StatusCode::OK,
        &withdraw_page(&page, &base, token.value, "", None),
    );
    if let Some(cookie) = token.cookie {
        res.add_cookie(&cookie)
            .map_err(|e| PageError::from(ApiError::internal(e)))?;
    }
    Ok(res)
}

/// Withdraws, once confirmed, and returns to the status page.
#[post("/status/{secret}/withdraw")]
pub async fn withdraw(
    state: Data,
    req: HttpRequest,
    secret: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, PageError> {
    limit(&req, &state)?;
    let secret = secret_of(&secret)?;
    let base = status_link::page_path(&secret);
    let confirm = format!("{base}/withdraw");
    let values = Values::parse(&body).map_err(|_| PageError::expired(confirm.clone()))?;
    if !csrf::verify(
        &req,
        values.get(csrf::FIELD),
        &state.notifier.public_base_url,
    ) {
        return Err(PageError::expired(confirm));
    }
    if values.get("confirm") != "yes" {
        return Ok(see_other(&confirm));
    }
    let reason = values.get("reason").to_owned();
    let notifier = state.notifier.clone();
    let (target, asked) = (secret.clone(), reason.clone());
    let unstorable = values.unstorable();
    let done = if unstorable.is_empty() {
        write(&state, move |conn, now| {
            applications::withdraw_by_secret(conn, &notifier, now, &target, Some(&asked)).map(drop)
        })
        .await
    } else {
        Err(ApiError::Invalid(unstorable))
    };
    match done {
        Ok(()) => Ok(see_other(&base)),
        Err(ApiError::Invalid(errors)) => {
            let page = load_status(&state, secret).await?;
            let message = errors
                .first()
                .map(|e| messages::japanese(&e.message))
                .unwrap_or_default();
            let token = values.get(csrf::FIELD).to_owned();
            Ok(html(
                StatusCode::UNPROCESSABLE_ENTITY,
                &withdraw_page(&page, &base, token, &reason, Some(message)),
            ))
        }
        Err(ApiError::Conflict(_)) => Err(PageError::new(
            StatusCode::CONFLICT,
            "辞退の手続きができません",
            "この応募はすでに辞退済みか、辞退できない状態です。",
        )
        .with_link(base, "応募状況を見る")),
        Err(other) => Err(other.into()),
    }
}

/// The pages' stylesheet, served by the binary so the pages make no outside request.
#[get("/assets/site.css")]
pub async fn stylesheet() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/css; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "public, max-age=3600"))
        .body(include_str!("../../../assets/site.css"))
}

/// Registers the pages beside the JSON API.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(stylesheet)
        .service(qr_svg)
        .service(qr_png)
        .service(apply_form)
        .service(apply_submit)
        .service(withdraw_form)
        .service(withdraw)
        .service(applicant_status);
    staff::configure(cfg);
    console::configure(cfg);
}
