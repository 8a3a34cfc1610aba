//! One campaign's page: its settings, live slot counter and deadline history (with reasons),
//! the form's public address and QR code for the flyer, links to its work, and the forms to
//! change the deadline and slots or close it early (`changing`); creating one is in `creating`.

mod changing;
mod creating;

pub use changing::{close_early, update};
pub use creating::{create, new_form};

use super::super::staff::{admin, Session, SummaryLine};
use super::super::{html, Data, PageError};
use super::fields::{fields, spec, summary_of, Field, Refused, Spec};
use super::{at, phase_ja, yen};
use crate::domain::campaign::Phase;
use crate::domain::ids::CampaignId;
use crate::domain::jst;
use crate::routes::read;
use crate::service::allocation::SlotsView;
use crate::service::campaigns::{self, CampaignView};
use actix_web::http::StatusCode;
use actix_web::{get, web, HttpResponse};
use askama::Template;

struct Setting {
    label: &'static str,
    value: String,
}

struct HistoryLine {
    changed_at: String,
    previous: String,
    new: String,
    reason: String,
    changed_by: String,
}

/// A form on the page: where it posts and its fields.
pub(super) struct PageForm {
    action: String,
    fields: Vec<Field>,
}

#[derive(Template)]
#[template(path = "pages/staff/campaign.html")]
struct CampaignPage {
    csrf_token: String,
    is_admin: bool,
    id: String,
    name: String,
    code: String,
    phase: &'static str,
    settings: Vec<Setting>,
    slots: SlotsView,
    history: Vec<HistoryLine>,
    form_url: String,
    errors: Vec<SummaryLine>,
    change: Option<PageForm>,
    close: Option<PageForm>,
}

/// Fields both the new campaign's form and the change form ask, as one definition.
pub(super) const DEADLINE: Spec = spec(
    "deadline",
    "締切日",
    "date",
    "この日の終わり（日本時間24時）まで受け付けます。",
    true,
);
pub(super) const TOTAL_SLOTS: Spec = spec("total_slots", "全体枠（事業所数）", "number", "", true);
pub(super) const MODEL_SLOTS: Spec =
    spec("model_slots", "モデル枠（事業所数）", "number", "", true);
pub(super) const RESERVED_SEMINAR_SLOTS: Spec = spec(
    "reserved_seminar_slots",
    "説明会参加者の優先枠",
    "number",
    "",
    true,
);

/// The change form's fields; their names are the JSON API's.
const CHANGE: [Spec; 5] = [
    DEADLINE,
    TOTAL_SLOTS,
    MODEL_SLOTS,
    RESERVED_SEMINAR_SLOTS,
    spec(
        "reason",
        "変更の理由",
        "textarea",
        "締切日を変えるときは必須です。締切日の履歴に残ります。",
        false,
    ),
];

const CLOSE: [Spec; 1] = [spec(
    "reason",
    "締め切る理由",
    "textarea",
    "必須です。締切日を昨日（日本時間）にして、いまから受付を止めます。締切日の履歴に残ります。",
    true,
)];

/// A form of the page that came back refused: which one, what was typed, and why.
pub(super) struct Typed {
    pub(super) close: bool,
    pub(super) values: super::super::form::Values,
    pub(super) refusals: Vec<Refused>,
}

fn settings_of(c: &CampaignView) -> Vec<Setting> {
    let contact = [
        &c.contact.name,
        &c.contact.email,
        &c.contact.phone,
        &c.contact.hours,
    ]
    .into_iter()
    .flatten()
    .cloned()
    .collect::<Vec<_>>()
    .join(" ／ ");
    [
        ("コード", c.code.clone()),
        (
            "対象地域",
            format!("{}（{}）", c.region_name, c.region_code),
        ),
        ("受付開始", at(c.opens_at)),
        ("締切日", jst::day(c.deadline)),
        ("受付終了", at(c.closes_at)),
        ("継続利用の確認日（終了日）", jst::day(c.ends_on)),
        ("全体枠", format!("{}事業所", c.total_slots)),
        ("モデル枠", format!("{}事業所", c.model_slots)),
        (
            "説明会参加者の優先枠",
            format!("{}事業所", c.reserved_seminar_slots),
        ),
        ("紹介先の上限", format!("{}件", c.max_referrals)),
        (
            "謝金",
            format!(
                "一般 {}、モデル {}、紹介先 {}",
                yen(c.honoraria.general),
                yen(c.honoraria.model),
                yen(c.honoraria.referred)
            ),
        ),
        ("事務局の連絡先", contact),
    ]
    .into_iter()
    .map(|(label, value)| Setting { label, value })
    .collect()
}

/// The change form, filled with the campaign's values or with what was typed.
fn change_form(c: &CampaignView, typed: Option<&Typed>) -> PageForm {
    let mine = typed.filter(|t| !t.close);
    let stored = |name: &str| match name {
        "deadline" => c.deadline.to_string(),
        "total_slots" => c.total_slots.to_string(),
        "model_slots" => c.model_slots.to_string(),
        "reserved_seminar_slots" => c.reserved_seminar_slots.to_string(),
        _ => String::new(),
    };
    let value = |name: &str| match mine {
        Some(t) => t.values.get(name).to_owned(),
        None => stored(name),
    };
    let refusals = mine.map(|t| t.refusals.as_slice()).unwrap_or_default();
    PageForm {
        action: format!("/staff/campaigns/{}", c.id),
        fields: fields("change", &CHANGE, value, refusals),
    }
}

fn close_form(c: &CampaignView, typed: Option<&Typed>) -> PageForm {
    let mine = typed.filter(|t| t.close);
    let value = |name: &str| {
        mine.map(|t| t.values.get(name).to_owned())
            .unwrap_or_default()
    };
    let refusals = mine.map(|t| t.refusals.as_slice()).unwrap_or_default();
    PageForm {
        action: format!("/staff/campaigns/{}/close", c.id),
        fields: fields("close", &CLOSE, value, refusals),
    }
}

/// The page, with a refused form's values and errors when one came back.
pub(super) async fn campaign_page(
    state: &Data,
    session: &Session,
    id: CampaignId,
    typed: Option<&Typed>,
) -> Result<impl Template, PageError> {
    let store = state.store.clone();
    let (campaign, slots) = read(state, move |conn| {
        let now = crate::clock::now();
        let campaign = campaigns::get(conn, &id, now)?;
        let row = campaigns::find(conn, &id)?;
        let counts = store.slot_counts(conn, &id)?;
        Ok((
            campaign,
            crate::service::allocation::slots(&row, counts, now),
        ))
    })
    .await?;
    let may_change = session.may_change();
    let change = may_change.then(|| change_form(&campaign, typed));
    let close = (may_change && campaign.phase == Phase::Open).then(|| close_form(&campaign, typed));
    let errors = [&change, &close]
        .into_iter()
        .flatten()
        .flat_map(|f| summary_of(&f.fields))
        .collect();
    Ok(CampaignPage {
        csrf_token: session.0.csrf_token.clone(),
        is_admin: admin(&session.0),
        settings: settings_of(&campaign),
        history: campaign
            .deadline_history
            .iter()
            .map(|h| HistoryLine {
                changed_at: at(h.changed_at),
                previous: jst::day(h.previous_deadline),
                new: jst::day(h.new_deadline),
                reason: h.reason.clone(),
                changed_by: h.changed_by.clone(),
            })
            .collect(),
        form_url: format!("{}/apply/{}", state.notifier.public_base_url, campaign.code),
        phase: phase_ja(campaign.phase),
        id: campaign.id.to_string(),
        name: campaign.name,
        code: campaign.code,
        slots,
        errors,
        change,
        close,
    })
}

/// One campaign: settings, counter, deadline history, the form's address and QR code.
#[get("/staff/campaigns/{id}")]
pub async fn show(
    state: Data,
    session: Session,
    id: web::Path<CampaignId>,
) -> Result<HttpResponse, PageError> {
    let page = campaign_page(&state, &session, id.into_inner(), None).await?;
    Ok(html(StatusCode::OK, &page))
}
