//! The application form: the tiers with the live slot counter, the chosen tier's form, its
//! submission, and the QR code of the form's address for flyers.

use super::drafts;
use super::views::{self, ApplyPage, Chosen, Counter, TierOption};
use super::{csrf, form, html, limit, qr, secure_cookies, see_other, with_cookie, Data, PageError};
use crate::domain::application::{self, Tier};
use crate::domain::campaign::CampaignCode;
use crate::domain::campaign::Phase;
use crate::domain::money::with_separators;
use crate::domain::{jst, FieldError};
use crate::error::ApiError;
use crate::routes::read;
use crate::service::campaigns::PublicCampaign;
use crate::service::drafts::Draft;
use crate::service::idempotency::IdempotencyKey;
use crate::service::intake::Job;
use crate::service::status_link;
use crate::service::ServiceError;
use actix_web::http::{header, StatusCode};
use actix_web::{post, route, web, HttpRequest, HttpResponse};
use form::Values;

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
        deadline: jst::day(s.deadline),
        as_of: jst::display(crate::clock::now()),
        total: Counter {
            remaining: campaign.slots.total.remaining,
            cap: campaign.slots.total.cap,
        },
        // A model office also takes one of the total slots: when those are gone, so is the
        // model tier, whatever is left of its own cap.
        model: Counter {
            remaining: campaign
                .slots
                .model
                .remaining
                .min(campaign.slots.total.remaining),
            cap: campaign.slots.model.cap,
        },
        waitlisted: campaign.slots.waitlisted,
        full: campaign.slots.total.remaining == 0,
        tiers: tier_options(campaign),
        chooser_error,
        chosen,
        notice: None,
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
        draft: None,
    }
}

async fn public_campaign(state: &Data, code: &CampaignCode) -> Result<PublicCampaign, PageError> {
    let code = code.as_str().to_owned();
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
    /// A refused post's draft, which the form shows again.
    draft: Option<String>,
}

/// The form again from a refused post's draft: what was typed, every error beside its field.
fn from_draft(
    campaign: &PublicCampaign,
    draft: &Draft,
    named: Option<&str>,
    csrf_token: String,
) -> ApplyPage {
    let values = drafts::values_of(draft);
    match form::tier_of(values.get("tier")) {
        Some(tier) => {
            let mut form = chosen(campaign, tier, &values, &draft.errors, csrf_token);
            form.draft = drafts::carried(named, Some(draft));
            apply_page(campaign, Some(form), None)
        }
        None => apply_page(campaign, None, Some(TIER_NOT_CHOSEN.into())),
    }
}

/// The application form: the tiers to choose from, then the chosen tier's form.
#[route("/apply/{code}", method = "GET", method = "HEAD")]
pub async fn apply_form(
    state: Data,
    req: HttpRequest,
    code: web::Path<CampaignCode>,
    query: web::Query<FormQuery>,
) -> Result<HttpResponse, PageError> {
    limit(&req, &state)?;
    let campaign = public_campaign(&state, &code).await?;
    let token = csrf::token(&req, secure_cookies(&state));
    let named = query.draft.as_deref();
    let form_path = format!("/apply/{code}");
    let reopened = drafts::reopened(&state, &form_path, named, &token.value).await?;
    if let Some(Some(draft)) = &reopened {
        let page = from_draft(&campaign, draft, named, token.value);
        return with_cookie(html(StatusCode::OK, &page), token.cookie);
    }
    let mut page = match query.tier.as_deref() {
        None => apply_page(&campaign, None, None),
        Some(t) => match form::tier_of(t) {
            Some(tier) => {
                let form = chosen(&campaign, tier, &Values::default(), &[], token.value);
                apply_page(&campaign, Some(form), None)
            }
            None => apply_page(&campaign, None, Some(TIER_NOT_CHOSEN.into())),
        },
    };
    if reopened.is_some() {
        page.notice = Some(drafts::GONE.into());
    }
    with_cookie(html(StatusCode::OK, &page), token.cookie)
}

/// A submission of the form: 303 to the status page when taken (accepted or waiting); refused,
/// 303 to the form again with what was typed and every error (post/redirect/get).
#[post("/apply/{code}")]
pub async fn apply_submit(
    state: Data,
    req: HttpRequest,
    code: web::Path<CampaignCode>,
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
        // From this site but without its token (the cookie expired or was cleared): nothing
        // was taken, and what was typed comes back with a fresh token to send again.
        if csrf::same_origin(&req, &state.notifier.public_base_url) {
            if let Some(tier) = form::tier_of(values.get("tier")) {
                return expired_form(&state, &req, &code, tier, &values).await;
            }
        }
        return Err(PageError::expired(form_path));
    }
    let campaign = public_campaign(&state, &code).await?;
    if campaign.phase != Phase::Open {
        return Ok(html(
            StatusCode::CONFLICT,
            &apply_page(&campaign, None, None),
        ));
    }
    let Some(tier) = form::tier_of(values.get("tier")) else {
        // Nothing was typed without a tier to type it into: the chooser says what is missing.
        return Ok(see_other(&format!("{form_path}?tier=")));
    };
    let tier_page = format!("{form_path}?tier={}", tier.as_str());
    let refused =
        |errors: Vec<FieldError>| drafts::refused(&state, &form_path, &tier_page, &values, errors);
    let (input, mut form_errors) = form::read(tier, &values, &campaign.settings);
    form_errors.extend(values.unstorable());
    if !form_errors.is_empty() {
        // The rules still judge everything the form could read, so every error shows at once.
        let today = jst::date_of(crate::clock::now());
        let rules = application::check(&input, &campaign.settings, today)
            .err()
            .map(|e| e.into_vec())
            .unwrap_or_default();
        return refused(form::merge(form_errors, rules)).await;
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
            drafts::discard(&state, &form_path, &values).await;
            Ok(see_other(&page))
        }
        Err(ServiceError::Invalid(errors)) => {
            refused(form::merge(Vec::new(), errors.into_vec())).await
        }
        Err(ServiceError::AlreadyTakingPart(offices)) => {
            refused(vec![FieldError::new(
                "offices",
                crate::domain::refusal::Refusal::AlreadyTakingPart(offices),
            )])
            .await
        }
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

/// The form again as it was typed, with a fresh token and a note that it was not sent.
async fn expired_form(
    state: &Data,
    req: &HttpRequest,
    code: &CampaignCode,
    tier: Tier,
    values: &Values,
) -> Result<HttpResponse, PageError> {
    let campaign = public_campaign(state, code).await?;
    let token = csrf::token(req, secure_cookies(state));
    let form = chosen(&campaign, tier, values, &[], token.value);
    let mut page = apply_page(&campaign, Some(form), None);
    page.notice = Some(EXPIRED.into());
    with_cookie(html(StatusCode::FORBIDDEN, &page), token.cookie)
}

const EXPIRED: &str = "ページの有効期限が切れていたため、まだ送信されていません。入力した内容はそのまま残っています。内容を確かめて、もう一度「この内容で応募する」を押してください。";

/// The form's absolute address, as the QR code carries it.
fn form_url(state: &Data, code: &str) -> String {
    format!("{}/apply/{code}", state.notifier.public_base_url)
}

/// The form's address as a QR code image, made by `render`.
async fn qr_image(
    state: Data,
    req: HttpRequest,
    code: &CampaignCode,
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
#[route("/apply/{code}/qr.svg", method = "GET", method = "HEAD")]
pub async fn qr_svg(
    state: Data,
    req: HttpRequest,
    code: web::Path<CampaignCode>,
) -> Result<HttpResponse, PageError> {
    qr_image(state, req, &code, "image/svg+xml", |url| {
        qr::svg(url).map(String::into_bytes)
    })
    .await
}

/// A QR code of the form's address, for flyers (PNG).
#[route("/apply/{code}/qr.png", method = "GET", method = "HEAD")]
pub async fn qr_png(
    state: Data,
    req: HttpRequest,
    code: web::Path<CampaignCode>,
) -> Result<HttpResponse, PageError> {
    qr_image(state, req, &code, "image/png", qr::png).await
}
