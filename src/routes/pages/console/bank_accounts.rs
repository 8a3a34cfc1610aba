//! Where each accepted office is paid: the campaign's offices with their payee accounts, the
//! number masked for auditors exactly as the JSON API masks it, and for admin and secretariat a
//! form per office that sets or changes the account through the use case the JSON API's PUT
//! calls.

use super::super::form::Values;
use super::super::staff::{admin, Session, SummaryLine};
use super::super::{html, see_other, Data, PageError};
use super::fields::{
    fields, refused as in_japanese, spec, summary_of, Choice, Field, Refused, Spec,
};
use super::refused;
use crate::domain::bank::{AccountInput, AccountType};
use crate::domain::ids::CampaignId;
use crate::domain::refusal::Refusal;
use crate::domain::FieldErrors;
use crate::error::ApiError;
use crate::routes::{read, write, PageQuery};
use crate::service::bank_accounts::{self, AccountView, OfficeAccount};
use crate::service::{campaigns, Page};
use actix_web::http::StatusCode;
use actix_web::{get, post, web, HttpRequest, HttpResponse};
use askama::Template;
use serde::Deserialize;

const PER_PAGE: i64 = 50;

const FIELDS: [Spec; 5] = [
    spec("bank_code", "金融機関コード", "number", "4桁", true),
    spec("branch_code", "支店コード", "number", "3桁", true),
    spec("account_type", "預金種目", "select", "", true),
    spec(
        "account_number",
        "口座番号",
        "number",
        "7桁まで（短い番号は先頭に0を補います）",
        true,
    ),
    spec(
        "holder_kana",
        "口座名義（カナ）",
        "text",
        "全角カナでも入力できます（半角カナに変換します）",
        true,
    ),
];

fn type_ja(t: AccountType) -> &'static str {
    match t {
        AccountType::Ordinary => "普通",
        AccountType::Current => "当座",
        AccountType::Savings => "貯蓄",
    }
}

struct Row {
    office_number: String,
    name: String,
    account: Option<String>,
    updated: String,
    /// The form to set the account (admin, secretariat), open when it came back refused.
    form: Option<Vec<Field>>,
    expanded: bool,
}

#[derive(Template)]
#[template(path = "pages/staff/bank_accounts.html")]
struct AccountsPage {
    csrf_token: String,
    is_admin: bool,
    campaign_id: String,
    campaign_name: String,
    masked: bool,
    rows: Vec<Row>,
    total: i64,
    page: i64,
    previous: Option<String>,
    next: Option<String>,
    errors: Vec<SummaryLine>,
}

/// A row's form that came back refused: whose, what was typed, and why.
struct Typed {
    office_number: String,
    values: Values,
    refusals: Vec<Refused>,
}

fn shown(a: &AccountView) -> String {
    format!(
        "{}-{} {} {} {}",
        a.bank_code,
        a.branch_code,
        type_ja(a.account_type),
        a.account_number,
        a.holder_kana
    )
}

fn row(o: OfficeAccount, may_change: bool, typed: Option<&Typed>) -> Row {
    let mine = typed.filter(|t| t.office_number == o.office_number);
    let stored = |name: &str| {
        let Some(a) = &o.account else {
            return String::new();
        };
        match name {
            "bank_code" => a.bank_code.clone(),
            "branch_code" => a.branch_code.clone(),
            "account_type" => a.account_type.as_str().to_owned(),
            "account_number" => a.account_number.clone(),
            _ => a.holder_kana.clone(),
        }
    };
    let value = |name: &str| match mine {
        Some(t) => t.values.get(name).to_owned(),
        None => stored(name),
    };
    let form = may_change.then(|| {
        let refusals = mine.map(|t| t.refusals.as_slice()).unwrap_or_default();
        let mut form = fields(
            &format!("acct-{}", o.office_number),
            &FIELDS,
            value,
            refusals,
        );
        for f in form.iter_mut().filter(|f| f.name == "account_type") {
            f.choices = AccountType::ALL
                .iter()
                .map(|t| Choice {
                    value: t.as_str(),
                    label: type_ja(*t),
                    selected: f.value == t.as_str(),
                })
                .collect();
        }
        form
    });
    Row {
        account: o.account.as_ref().map(shown),
        updated: o
            .account
            .as_ref()
            .map(|a| format!("{} {}", super::at(a.updated_at), a.updated_by))
            .unwrap_or_default(),
        expanded: mine.is_some(),
        office_number: o.office_number,
        name: o.name,
        form,
    }
}

async fn accounts_page(
    state: &Data,
    session: &Session,
    campaign: CampaignId,
    page: Page,
    typed: Option<&Typed>,
) -> Result<AccountsPage, PageError> {
    // Whole numbers for the roles that pay, masked for anyone else, as the JSON API has it.
    let reveal = session.may_change();
    let (name, found) = {
        let campaign = campaign.clone();
        read(state, move |conn| {
            let name = campaigns::get(conn, &campaign, crate::clock::now())?.name;
            let found = bank_accounts::accounts_page(conn, &campaign, page, reveal)?;
            Ok((name, found))
        })
        .await?
    };
    let path = |n: i64| format!("/staff/campaigns/{campaign}/bank-accounts?page={n}");
    let last = (found.total + PER_PAGE - 1) / PER_PAGE;
    let rows: Vec<Row> = found
        .items
        .into_iter()
        .map(|o| row(o, reveal, typed))
        .collect();
    let errors = rows
        .iter()
        .flat_map(|r| r.form.iter().flat_map(|f| summary_of(f)))
        .collect();
    Ok(AccountsPage {
        csrf_token: session.0.csrf_token.clone(),
        is_admin: admin(&session.0),
        campaign_id: campaign.to_string(),
        campaign_name: name,
        masked: !reveal,
        total: found.total,
        page: page.page,
        previous: (page.page > 1).then(|| path(page.page - 1)),
        next: (page.page < last).then(|| path(page.page + 1)),
        rows,
        errors,
    })
}

fn page_of(query: &PageQuery) -> Result<Page, PageError> {
    Ok(PageQuery {
        page: query.page.clone(),
        per_page: Some(PER_PAGE.to_string()),
    }
    .page()?)
}

#[derive(Deserialize)]
pub struct AccountsQuery {
    page: Option<String>,
}

/// Every accepted office of the campaign with its payee account (masked for auditors).
#[get("/staff/campaigns/{id}/bank-accounts")]
pub async fn show_accounts(
    state: Data,
    session: Session,
    id: web::Path<CampaignId>,
    query: web::Query<AccountsQuery>,
) -> Result<HttpResponse, PageError> {
    let page = page_of(&PageQuery {
        page: query.into_inner().page,
        per_page: None,
    })?;
    let shown = accounts_page(&state, &session, id.into_inner(), page, None).await?;
    Ok(html(StatusCode::OK, &shown))
}

/// The row's form read into the API's input, or every field it could not read.
fn input_of(values: &Values) -> Result<AccountInput, FieldErrors> {
    let mut errors = FieldErrors::new();
    let account_type = errors.take(
        "account_type",
        values
            .get("account_type")
            .parse::<AccountType>()
            .map_err(|_| Refusal::NotAnOption),
    );
    let digits = |name: &str| crate::domain::written::plain_number(values.get(name));
    errors.finish(|| AccountInput {
        bank_code: digits("bank_code"),
        branch_code: digits("branch_code"),
        account_type: account_type.unwrap_or(AccountType::Ordinary),
        account_number: digits("account_number"),
        holder_kana: values.get("holder_kana").to_owned(),
    })
}

/// Sets an office's account as the person: back to its row, or the page again (422) with the
/// form as typed and every refusal beside its field.
#[post("/staff/campaigns/{id}/bank-accounts/{office_number}")]
pub async fn set_account(
    state: Data,
    req: HttpRequest,
    session: Session,
    path: web::Path<(CampaignId, String)>,
    body: web::Bytes,
) -> Result<HttpResponse, PageError> {
    let (campaign, office) = path.into_inner();
    let back = format!("/staff/campaigns/{campaign}/bank-accounts");
    let values = session.change_form(&state, &req, &body, &back)?;
    let page = page_of(&PageQuery {
        page: Some(values.get("page").to_owned()).filter(|p| !p.is_empty()),
        per_page: None,
    })?;
    let done = match input_of(&values) {
        Ok(input) => {
            let (actor, c, o) = (session.actor(), campaign.clone(), office.clone());
            write(&state, move |conn, now| {
                bank_accounts::put_account(conn, &actor, now, &c, &o, &input).map(drop)
            })
            .await
        }
        Err(errors) => Err(ApiError::Invalid(errors.into_vec())),
    };
    let errors = match done {
        Ok(()) => {
            let to = format!("{back}?page={}#office-{office}", page.page);
            return Ok(see_other(&to));
        }
        Err(ApiError::Invalid(errors)) => errors,
        Err(e) => return Err(refused(e, back)),
    };
    let typed = Typed {
        office_number: office,
        refusals: in_japanese(&errors),
        values,
    };
    let shown = accounts_page(&state, &session, campaign, page, Some(&typed)).await?;
    Ok(html(StatusCode::UNPROCESSABLE_ENTITY, &shown))
}
