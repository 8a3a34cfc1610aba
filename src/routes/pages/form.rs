//! The application form: what the applicant typed, read back into the JSON API's input, and
//! laid out again, tier by tier, with every error beside its field.

use super::messages::dotted;
use crate::domain::application::{ApplicationInput, ContactInput, OfficeInput, OfficeKind, Tier};
use crate::domain::campaign::Settings;
use crate::domain::FieldError;
use std::collections::BTreeMap;

/// The submitted fields by name; a repeated name keeps its first value.
#[derive(Debug, Default, Clone)]
pub struct Values(BTreeMap<String, String>);

impl Values {
    pub fn parse(body: &[u8]) -> Result<Self, serde_urlencoded::de::Error> {
        let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(body)?;
        let mut map = BTreeMap::new();
        for (name, value) in pairs {
            map.entry(name).or_insert(value);
        }
        Ok(Values(map))
    }

    /// Fields no database could store, refused as any input is (`routes::input_guard`).
    pub fn unstorable(&self) -> Vec<FieldError> {
        crate::routes::input_guard::form_fields(self.0.iter())
    }

    pub fn get(&self, name: &str) -> &str {
        self.0.get(name).map(String::as_str).unwrap_or("")
    }

    /// Every field by name, as a draft keeps them.
    pub fn fields(&self) -> &BTreeMap<String, String> {
        &self.0
    }

    /// Whether every field under `prefix.` is blank.
    fn blank_under(&self, prefix: &str) -> bool {
        let prefix = format!("{prefix}.");
        self.0
            .iter()
            .filter(|(name, _)| name.starts_with(&prefix))
            .all(|(_, value)| value.trim().is_empty())
    }
}

impl FromIterator<(String, String)> for Values {
    fn from_iter<I: IntoIterator<Item = (String, String)>>(pairs: I) -> Self {
        Values(pairs.into_iter().collect())
    }
}

/// The fields of one office, in the order the form asks for them.
pub const OFFICE_FIELDS: [&str; 9] = [
    "office_number",
    "name",
    "kind",
    "corporate_number",
    "corporation_name",
    "municipality_code",
    "address",
    "email",
    "using_system_since",
];

/// What `municipality_code` holds when the applicant says the office is elsewhere.
const ELSEWHERE: &str = "other";

/// The tier a form names, if it names one the campaign has.
pub fn tier_of(value: &str) -> Option<Tier> {
    value.parse().ok()
}

/// How many referral blocks the form offers for the model tier.
fn referral_blocks(settings: &Settings) -> usize {
    settings.max_referrals.max(1) as usize
}

/// The kind a tier fixes for its office at `index`, where it fixes one: a pair is one
/// care-management office and one service office, asked for in that order.
fn fixed_kind(tier: Tier, group: &str, index: usize) -> Option<OfficeKind> {
    match (tier, group, index) {
        (Tier::GeneralPair, "offices", 0) => Some(OfficeKind::CareManagement),
        (Tier::GeneralPair, "offices", 1) => Some(OfficeKind::Service),
        _ => None,
    }
}

/// The form read into the API's input, with what the form itself could not read (a kind not
/// chosen, a date not a date, a character no database keeps). A field the form could not read
/// gets a stand-in value so that the rules still check everything else.
pub fn read(
    tier: Tier,
    values: &Values,
    settings: &Settings,
) -> (ApplicationInput, Vec<FieldError>) {
    let mut errors = Vec::new();
    for (name, value) in &values.0 {
        if value.contains('\0') {
            errors.push(FieldError::new(
                name.clone(),
                "使用できない文字が含まれています",
            ));
        }
    }
    let mut office_at = |group: &str, i: usize| -> OfficeInput {
        let p = format!("{group}.{i}");
        let text = |f: &str| values.get(&format!("{p}.{f}")).to_owned();
        let kind = match fixed_kind(tier, group, i) {
            Some(kind) => kind,
            None => match values.get(&format!("{p}.kind")).parse::<OfficeKind>() {
                Ok(kind) => kind,
                Err(_) => {
                    errors.push(FieldError::new(format!("{p}.kind"), "選んでください"));
                    OfficeKind::CareManagement
                }
            },
        };
        let since = values.get(&format!("{p}.using_system_since")).trim();
        let using_system_since = if since.is_empty() {
            None
        } else {
            match since.parse() {
                Ok(day) => Some(day),
                Err(_) => {
                    errors.push(FieldError::new(
                        format!("{p}.using_system_since"),
                        "日付を入力してください（例: 2024-01-10）",
                    ));
                    None
                }
            }
        };
        let municipality = values.get(&format!("{p}.municipality_code"));
        if municipality.trim().is_empty() {
            errors.push(FieldError::new(
                format!("{p}.municipality_code"),
                "選んでください",
            ));
        }
        OfficeInput {
            office_number: text("office_number"),
            name: text("name"),
            kind,
            corporate_number: text("corporate_number"),
            corporation_name: text("corporation_name"),
            // Anything but the campaign's own region is refused by the rules, which say why.
            municipality_code: if municipality == ELSEWHERE {
                String::new()
            } else {
                municipality.to_owned()
            },
            address: text("address"),
            email: text("email"),
            using_system_since,
        }
    };
    let offices = (0..tier.office_count())
        .map(|i| office_at("offices", i))
        .collect();
    let referrals = if tier == Tier::Model {
        // The first referral is asked for; later ones count only when something is typed.
        (0..referral_blocks(settings))
            .filter(|&i| i == 0 || !values.blank_under(&format!("referrals.{i}")))
            .map(|i| office_at("referrals", i))
            .collect()
    } else {
        Vec::new()
    };
    let input = ApplicationInput {
        tier,
        contact: ContactInput {
            name: values.get("contact.name").to_owned(),
            email: values.get("contact.email").to_owned(),
        },
        offices,
        referrals,
    };
    (input, errors)
}

/// The form's own errors first, then the rules' for every field the form did not already
/// fault; in Japanese, with dotted field names.
pub fn merge(form: Vec<FieldError>, rules: Vec<FieldError>) -> Vec<FieldError> {
    let mut all = form;
    for e in rules {
        let field = dotted(&e.field);
        if !all.iter().any(|f| f.field == field) {
            all.push(FieldError { field, ..e });
        }
    }
    all
}

mod layout;
pub use layout::{
    contact_section, control, id_of, layout, placed, Choice, Control, Layout, Section, Summary,
};

#[cfg(test)]
mod tests;
