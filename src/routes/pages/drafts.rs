//! Post/redirect/get for refused forms: a refused post keeps what was typed and why it was
//! refused as a draft (`service::drafts`) and answers 303 to the form's page with the draft's
//! id, which shows it again. The browser's history then holds a page it can go back to and
//! reload, never a post it would have to send again (Chromium's ERR_CACHE_MISS).
//!
//! A form shown from a draft carries the draft's id in a hidden `draft` field: refused again,
//! the same draft is replaced; taken, it is discarded.

use super::csrf;
use super::form::Values;
use super::{see_other, Data, PageError};
use crate::domain::FieldError;
use crate::error::ApiError;
use crate::routes::write;
use crate::service::drafts::{self, Draft, DraftId, DraftKey};
use crate::service::ServiceResult;

/// The hidden field and query parameter that carry a draft's id.
pub const FIELD: &str = "draft";

/// What a page shows when its address names a draft that is gone: kept too long, sent
/// already, or typed in another browser.
pub const GONE: &str = "入力途中の内容は、保存期間（1時間）を過ぎたか、すでに送信済みのため表示できません。お手数ですが、もう一度入力してください。";

/// The draft a form's post belongs to: the id it carries, or a new one.
fn id_of(values: &Values) -> DraftId {
    DraftId::parse(values.get(FIELD)).unwrap_or_else(DraftId::random)
}

/// The key of a post's draft: the browser's form cookie has been checked against the post's
/// token by now, so the token is the cookie.
fn key_of(id: &DraftId, form: &str, values: &Values) -> DraftKey {
    DraftKey::new(id, form, values.get(csrf::FIELD))
}

/// Keeps the refused post `values` of the form at `form` with `errors`, and answers 303 to
/// `page` (the form's address, with or without a query) with the draft's id added.
pub async fn refused(
    state: &Data,
    form: &str,
    page: &str,
    values: &Values,
    errors: Vec<FieldError>,
) -> Result<actix_web::HttpResponse, PageError> {
    let id = id_of(values);
    let key = key_of(&id, form, values);
    let draft = Draft {
        // The token is the cookie's and the id the address's: neither is kept with the rest.
        fields: values
            .fields()
            .iter()
            .filter(|(name, _)| *name != csrf::FIELD && *name != FIELD)
            .map(|(name, value)| (name.clone(), value.clone()))
            .collect(),
        errors,
    };
    write(state, move |conn, now| {
        drafts::keep(conn, now, &key, &draft)
    })
    .await?;
    let joiner = if page.contains('?') { '&' } else { '?' };
    Ok(see_other(&format!("{page}{joiner}{FIELD}={}", id.as_str())))
}

/// The draft a page's address names, opened with the browser's form cookie `browser`:
/// `None` when the address names none, `Some(None)` when it is gone.
pub async fn reopened(
    state: &Data,
    form: &str,
    named: Option<&str>,
    browser: &str,
) -> Result<Option<Option<Draft>>, PageError> {
    let Some(named) = named else {
        return Ok(None);
    };
    let Some(id) = DraftId::parse(named) else {
        return Ok(Some(None));
    };
    let key = DraftKey::new(&id, form, browser);
    let found = crate::routes::read(state, move |conn| {
        drafts::open(conn, crate::clock::now(), &key)
    })
    .await?;
    Ok(Some(found))
}

/// Forgets the draft a taken post carried, if any. The answer does not wait on it failing:
/// what was sent is taken, and housekeeping removes the draft within the hour anyway.
pub async fn discard(state: &Data, form: &str, values: &Values) {
    let Some(id) = DraftId::parse(values.get(FIELD)) else {
        return;
    };
    let key = key_of(&id, form, values);
    if let Err(e) = write(state, move |conn, _| drafts::discard(conn, &key)).await {
        e.log_cause();
    }
}

/// Runs `change` in one write transaction for the post `values` of the form at `form`, unless
/// a field holds text no database stores. Taken: the post's draft goes, and the answer is 303
/// to `done`. Refused by the rules: 303 to the form's draft. Anything else is the caller's to
/// word (`Err` inside).
pub async fn settle<F>(
    state: &Data,
    form: &str,
    done: &str,
    values: &Values,
    change: F,
) -> Result<Result<actix_web::HttpResponse, ApiError>, PageError>
where
    F: FnOnce(&mut crate::service::Conn, chrono::NaiveDateTime) -> ServiceResult<()>
        + Send
        + 'static,
{
    let unstorable = values.unstorable();
    let outcome = if unstorable.is_empty() {
        write(state, change).await
    } else {
        Err(ApiError::Invalid(unstorable))
    };
    match outcome {
        Ok(()) => {
            discard(state, form, values).await;
            Ok(Ok(see_other(done)))
        }
        Err(ApiError::Invalid(errors)) => {
            let errors = super::form::merge(Vec::new(), errors);
            refused(state, form, form, values, errors).await.map(Ok)
        }
        Err(other) => Ok(Err(other)),
    }
}

/// A form's values as a draft kept them.
pub fn values_of(draft: &Draft) -> Values {
    draft
        .fields
        .iter()
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect()
}

/// Where a form posts to, with its draft's id as a hidden field when it has one.
pub fn carried(named: Option<&str>, draft: Option<&Draft>) -> Option<String> {
    named.filter(|_| draft.is_some()).map(str::to_owned)
}

/// What a form shown at an address naming `named` carries: the draft's id when it was shown
/// from it, and the note when the draft is gone.
pub fn marks(
    named: Option<&str>,
    reopened: &Option<Option<Draft>>,
) -> (Option<String>, Option<String>) {
    let draft = reopened.as_ref().and_then(Option::as_ref);
    let gone = matches!(reopened, Some(None)).then(|| GONE.to_owned());
    (carried(named, draft), gone)
}
