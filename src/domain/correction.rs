//! What an applicant may correct after submitting, and until when: the contact's name and
//! address and each office's names, postal address and email, up to the campaign's deadline,
//! while the application takes part. Office and corporate numbers stay as sent: they decide
//! who takes part, so changing them is another application (with a new place in line).

use super::email::EmailAddress;
use super::participation::Status;
use super::refusal::Refusal;
use super::text::one_line;
use super::written::plain_number;
use super::{jst, FieldErrors};
use chrono::{NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};

/// Why an application takes no correction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Closed {
    /// The campaign's application deadline has passed.
    DeadlinePassed,
    /// The application left the campaign: nothing it says matters any more.
    Left(Status),
}

/// Whether an application in `status` may be corrected at `now` (UTC) in a campaign whose
/// applications close at the end of `deadline` (Japan time).
pub fn may_correct(status: Status, deadline: NaiveDate, now: NaiveDateTime) -> Result<(), Closed> {
    if !status.in_campaign() {
        return Err(Closed::Left(status));
    }
    if now >= jst::end_of_day_utc(deadline) {
        return Err(Closed::DeadlinePassed);
    }
    Ok(())
}

/// What an application holds that its applicant sees and may partly correct.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Sent {
    pub contact_name: String,
    pub contact_email: String,
    pub offices: Vec<SentOffice>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SentOffice {
    pub office_number: String,
    pub corporate_number: String,
    pub name: String,
    pub corporation_name: String,
    pub address: String,
    pub email: String,
}

/// A correction as asked for: a field left out (or `null`) stays as it is.
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CorrectionInput {
    #[serde(default)]
    pub contact: ContactCorrection,
    /// The offices to correct, each found by its number.
    #[serde(default)]
    pub offices: Vec<OfficeCorrection>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ContactCorrection {
    #[schema(min_length = 1, max_length = 100)]
    pub name: Option<String>,
    pub email: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OfficeCorrection {
    /// Which office, as submitted (full-width digits, hyphens and spaces read as typed). It
    /// cannot itself be corrected: another number is another application.
    pub office_number: String,
    /// Cannot be corrected either; when given, it must be the number submitted.
    pub corporate_number: Option<String>,
    #[schema(min_length = 1, max_length = 200)]
    pub name: Option<String>,
    #[schema(min_length = 1, max_length = 200)]
    pub corporation_name: Option<String>,
    #[schema(min_length = 1, max_length = 300)]
    pub address: Option<String>,
    pub email: Option<String>,
}

fn email(errors: &mut FieldErrors, field: &str, given: &str) -> String {
    match EmailAddress::parse(given) {
        Ok(e) => e.as_str().to_owned(),
        Err(e) => {
            errors.push(field, e);
            given.to_owned()
        }
    }
}

/// `sent` as `input` corrects it, read by the rules the application form's fields have;
/// every refusal at once.
pub fn corrected(sent: &Sent, input: &CorrectionInput) -> Result<Sent, FieldErrors> {
    let mut errors = FieldErrors::new();
    let mut next = sent.clone();
    if let Some(name) = &input.contact.name {
        next.contact_name = one_line(&mut errors, "contact.name", name, 100);
    }
    if let Some(given) = &input.contact.email {
        next.contact_email = email(&mut errors, "contact.email", given);
    }
    let mut seen = Vec::new();
    for (i, asked) in input.offices.iter().enumerate() {
        let path = format!("offices[{i}]");
        let number = plain_number(&asked.office_number);
        let Some(at) = next.offices.iter().position(|o| o.office_number == number) else {
            errors.push(format!("{path}.office_number"), Refusal::NotInApplication);
            continue;
        };
        if seen.contains(&at) {
            errors.push(format!("{path}.office_number"), Refusal::NamedTwice);
            continue;
        }
        seen.push(at);
        let office = &mut next.offices[at];
        if let Some(corporate) = &asked.corporate_number {
            if plain_number(corporate) != office.corporate_number {
                errors.push(format!("{path}.corporate_number"), Refusal::FixedOnceSent);
            }
        }
        let mut text = |field: &str, given: &Option<String>, max: usize, into: &mut String| {
            if let Some(given) = given {
                *into = one_line(&mut errors, &format!("{path}.{field}"), given, max);
            }
        };
        text("name", &asked.name, 200, &mut office.name);
        text(
            "corporation_name",
            &asked.corporation_name,
            200,
            &mut office.corporation_name,
        );
        text("address", &asked.address, 300, &mut office.address);
        if let Some(given) = &asked.email {
            office.email = email(&mut errors, &format!("{path}.email"), given);
        }
    }
    errors.finish(|| next)
}

/// One field a correction changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub item: Item,
    pub before: String,
    pub after: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Item {
    ContactName,
    ContactEmail,
    /// The office's name, by the office's number.
    OfficeName(String),
    CorporationName(String),
    Address(String),
    OfficeEmail(String),
}

impl Item {
    /// The field as an applicant reads it: `事業所名（1370000018）`.
    pub fn label_ja(&self) -> String {
        match self {
            Item::ContactName => "ご担当者名".into(),
            Item::ContactEmail => "ご担当者のメールアドレス".into(),
            Item::OfficeName(n) => format!("事業所名（{n}）"),
            Item::CorporationName(n) => format!("法人名（{n}）"),
            Item::Address(n) => format!("所在地（{n}）"),
            Item::OfficeEmail(n) => format!("事業所のメールアドレス（{n}）"),
        }
    }

    pub fn is_email(&self) -> bool {
        matches!(self, Item::ContactEmail | Item::OfficeEmail(_))
    }
}

/// What differs between `before` and `after`, in the order the page shows the fields.
pub fn changes(before: &Sent, after: &Sent) -> Vec<Change> {
    let mut out = Vec::new();
    let mut push = |item: Item, b: &str, a: &str| {
        if b != a {
            out.push(Change {
                item,
                before: b.to_owned(),
                after: a.to_owned(),
            });
        }
    };
    push(Item::ContactName, &before.contact_name, &after.contact_name);
    push(
        Item::ContactEmail,
        &before.contact_email,
        &after.contact_email,
    );
    for (b, a) in before.offices.iter().zip(&after.offices) {
        let n = &b.office_number;
        push(Item::OfficeName(n.clone()), &b.name, &a.name);
        push(
            Item::CorporationName(n.clone()),
            &b.corporation_name,
            &a.corporation_name,
        );
        push(Item::Address(n.clone()), &b.address, &a.address);
        push(Item::OfficeEmail(n.clone()), &b.email, &a.email);
    }
    out
}

#[cfg(test)]
mod tests;
