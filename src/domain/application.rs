//! An application as submitted, checked against every rule of its tier at once.

use super::allocation::Slots;
use super::campaign::{OfficeCheckDigitPolicy, Settings};
use super::corporate_number::CorporateNumber;
use super::email::EmailAddress;
use super::money::Yen;
use super::name::named;
use super::office_number::OfficeNumber;
use super::refusal::Refusal;
use super::text::one_line as text;
use super::written::plain_number;
use super::{FieldError, FieldErrors};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::HashSet;

named! {
    pub enum Tier {
        GeneralSingle => "general_single",
        GeneralPair => "general_pair",
        Model => "model",
    }
}

impl Tier {
    /// The tier as the campaign's flyer names it.
    pub fn label_ja(self) -> &'static str {
        match self {
            Tier::GeneralSingle => "一般枠A（単独応募）",
            Tier::GeneralPair => "一般枠B（居宅介護支援事業所とサービス事業所の連携応募）",
            Tier::Model => "モデル事業所枠",
        }
    }

    /// How many offices apply in this tier, referrals aside.
    pub fn office_count(self) -> usize {
        match self {
            Tier::GeneralSingle | Tier::Model => 1,
            Tier::GeneralPair => 2,
        }
    }
}

named! {
    pub enum OfficeKind {
        /// 居宅介護支援事業所
        CareManagement => "care_management",
        /// サービス事業所
        Service => "service",
    }
}

named! {
    pub enum ParticipantRole {
        Single => "single",
        PairMember => "pair_member",
        Model => "model",
        Referred => "referred",
    }
}

impl OfficeKind {
    pub fn label_ja(self) -> &'static str {
        match self {
            OfficeKind::CareManagement => "居宅介護支援事業所",
            OfficeKind::Service => "サービス事業所",
        }
    }
}

impl ParticipantRole {
    /// The role beside one office of the application: the two offices of a pair are told
    /// apart by their kind, as the form's sections name them.
    pub fn label_for_ja(self, kind: OfficeKind) -> String {
        match self {
            ParticipantRole::PairMember => format!("一般枠（連携ペア・{}）", kind.label_ja()),
            other => other.label_ja().to_owned(),
        }
    }

    pub fn label_ja(self) -> &'static str {
        match self {
            ParticipantRole::Single => "一般枠（単独）",
            ParticipantRole::PairMember => "一般枠（連携ペア）",
            ParticipantRole::Model => "モデル事業所",
            ParticipantRole::Referred => "紹介事業所",
        }
    }
}

#[derive(Debug, Clone, Deserialize, Serialize, utoipa::ToSchema)]
pub struct ContactInput {
    #[schema(min_length = 1, max_length = 100)]
    pub name: String,
    #[schema(min_length = 3)]
    pub email: String,
}

#[derive(Debug, Clone, Deserialize, Serialize, utoipa::ToSchema)]
pub struct OfficeInput {
    /// Ten characters; full-width digits, hyphens and spaces are read as typed.
    #[schema(min_length = 10)]
    pub office_number: String,
    #[schema(min_length = 1, max_length = 200)]
    pub name: String,
    pub kind: OfficeKind,
    #[schema(min_length = 13)]
    pub corporate_number: String,
    #[schema(min_length = 1)]
    pub corporation_name: String,
    /// Five digits, or six with the check digit.
    #[schema(min_length = 5)]
    pub municipality_code: String,
    #[schema(min_length = 1, max_length = 300)]
    pub address: String,
    #[schema(min_length = 3)]
    pub email: String,
    #[serde(default)]
    pub using_system_since: Option<NaiveDate>,
}

#[derive(Debug, Clone, Deserialize, Serialize, utoipa::ToSchema)]
pub struct ApplicationInput {
    pub tier: Tier,
    pub contact: ContactInput,
    pub offices: Vec<OfficeInput>,
    #[serde(default)]
    pub referrals: Vec<OfficeInput>,
}

/// One office of an application, every field parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Office {
    pub office_number: OfficeNumber,
    pub name: String,
    pub kind: OfficeKind,
    pub corporate_number: CorporateNumber,
    pub corporation_name: String,
    pub municipality_code: String,
    pub address: String,
    pub email: EmailAddress,
    pub using_system_since: Option<NaiveDate>,
    pub role: ParticipantRole,
    pub honorarium: Yen,
}

/// An application that satisfies every rule that does not depend on other applications.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Application {
    pub tier: Tier,
    pub contact_name: String,
    pub contact_email: EmailAddress,
    pub offices: Vec<Office>,
    /// Doubts that do not refuse the application but ask staff to look.
    pub warnings: Vec<FieldError>,
}

impl Application {
    pub fn needs_review(&self) -> bool {
        !self.warnings.is_empty()
    }

    /// Slots it takes, given which of its offices are seminar attendees.
    pub fn need(&self, is_attendee: impl Fn(&OfficeNumber) -> bool) -> Slots {
        Slots::needed(
            self.tier == Tier::Model,
            self.offices.iter().map(|o| is_attendee(&o.office_number)),
        )
    }
}

/// Whether the office had started using the system on `day`.
fn using_on(office: &OfficeInput, day: NaiveDate) -> bool {
    office.using_system_since.is_some_and(|since| since <= day)
}

/// An office number; one whose check digit does not match is flagged or refused as the
/// campaign says.
fn parse_office_number(
    errors: &mut FieldErrors,
    warnings: &mut Vec<FieldError>,
    field: &str,
    input: &str,
    policy: OfficeCheckDigitPolicy,
) -> Option<OfficeNumber> {
    match OfficeNumber::parse(&plain_number(input)) {
        Ok(parsed) => {
            if !parsed.check_digit_matches {
                match policy {
                    OfficeCheckDigitPolicy::Flag => {
                        warnings.push(FieldError::new(field, Refusal::OfficeCheckDigitToReview))
                    }
                    OfficeCheckDigitPolicy::Reject => errors.push(field, Refusal::OfficeCheckDigit),
                }
            }
            Some(parsed.number)
        }
        Err(e) => {
            errors.push(field, e);
            None
        }
    }
}

fn parse_office(
    errors: &mut FieldErrors,
    warnings: &mut Vec<FieldError>,
    path: &str,
    input: &OfficeInput,
    campaign: &Settings,
    role: ParticipantRole,
) -> Option<Office> {
    let field = |name: &str| format!("{path}.{name}");
    let office_number = parse_office_number(
        errors,
        warnings,
        &field("office_number"),
        &input.office_number,
        campaign.rules.office_check_digit,
    );
    let name = text(errors, &field("name"), &input.name, 200);
    let corporate_number = errors.take(
        field("corporate_number"),
        CorporateNumber::parse(&plain_number(&input.corporate_number)),
    );
    let corporation_name = text(
        errors,
        &field("corporation_name"),
        &input.corporation_name,
        200,
    );
    let municipality_code = plain_number(&input.municipality_code);
    if municipality_code != campaign.region_code {
        errors.push(
            field("municipality_code"),
            Refusal::OutsideRegion {
                region: campaign.region_name.clone(),
                code: campaign.region_code.clone(),
            },
        );
    }
    let address = text(errors, &field("address"), &input.address, 300);
    let email = errors.take(field("email"), EmailAddress::parse(&input.email));
    if let Some(since) = input.using_system_since {
        errors.take(field("using_system_since"), super::jst::supported(since));
    }
    let honorarium = match role {
        ParticipantRole::Model => campaign.honoraria.model(),
        ParticipantRole::Referred => campaign.honoraria.referred(),
        ParticipantRole::Single | ParticipantRole::PairMember => campaign.honoraria.general(),
    };
    Some(Office {
        office_number: office_number?,
        name,
        kind: input.kind,
        corporate_number: corporate_number?,
        corporation_name,
        municipality_code,
        address,
        email: email?,
        using_system_since: input.using_system_since,
        role,
        honorarium,
    })
}

/// Checks `input` against every rule of its tier for `campaign`, submitted on `today` (Japan
/// time), and reports every violation at once.
pub fn check(
    input: &ApplicationInput,
    campaign: &Settings,
    today: NaiveDate,
) -> Result<Application, FieldErrors> {
    let mut errors = FieldErrors::new();
    let mut warnings = Vec::new();
    let contact_name = text(&mut errors, "contact.name", &input.contact.name, 100);
    let contact_email = errors.take("contact.email", EmailAddress::parse(&input.contact.email));
    let role = check_shape(&mut errors, input, campaign);
    let mut offices = Vec::new();
    for (i, office) in input.offices.iter().enumerate() {
        let path = format!("offices[{i}]");
        if input.tier != Tier::Model && using_on(office, today) {
            errors.push(
                format!("{path}.using_system_since"),
                Refusal::UsingSystemOnlyAsModel,
            );
        }
        offices.extend(parse_office(
            &mut errors,
            &mut warnings,
            &path,
            office,
            campaign,
            role,
        ));
    }
    check_pair(&mut errors, input);
    for (i, referral) in input.referrals.iter().enumerate() {
        let path = format!("referrals[{i}]");
        check_referral(&mut errors, &path, input, referral, campaign, today);
        offices.extend(parse_office(
            &mut errors,
            &mut warnings,
            &path,
            referral,
            campaign,
            ParticipantRole::Referred,
        ));
    }
    check_named_once(&mut errors, input);
    let contact_email = contact_email.filter(|_| errors.is_empty());
    match contact_email {
        Some(contact_email) => Ok(Application {
            tier: input.tier,
            contact_name,
            contact_email,
            offices,
            warnings,
        }),
        None => Err(errors),
    }
}

/// How many offices and referrals the tier takes; returns the role its offices play.
fn check_shape(
    errors: &mut FieldErrors,
    input: &ApplicationInput,
    campaign: &Settings,
) -> ParticipantRole {
    let office_count = input.tier.office_count();
    let role = match input.tier {
        Tier::GeneralSingle => ParticipantRole::Single,
        Tier::GeneralPair => ParticipantRole::PairMember,
        Tier::Model => ParticipantRole::Model,
    };
    if input.offices.len() != office_count {
        errors.push(
            "offices",
            Refusal::TierTakes {
                tier: input.tier.as_str().to_owned(),
                offices: office_count,
            },
        );
    }
    match input.tier {
        Tier::Model => {
            let max = campaign.max_referrals as usize;
            if input.referrals.is_empty() || input.referrals.len() > max {
                errors.push("referrals", Refusal::Referrals { max });
            }
        }
        _ if !input.referrals.is_empty() => {
            errors.push("referrals", Refusal::ReferralsOnlyForModel);
        }
        _ => {}
    }
    role
}

/// A pair is one care-management office and one service office of different corporations.
fn check_pair(errors: &mut FieldErrors, input: &ApplicationInput) {
    if input.tier != Tier::GeneralPair || input.offices.len() != 2 {
        return;
    }
    let (a, b) = (&input.offices[0], &input.offices[1]);
    if a.kind == b.kind {
        errors.push("offices[1].kind", Refusal::PairKinds);
    }
    if a.corporate_number.trim() == b.corporate_number.trim() {
        errors.push("offices[1].corporate_number", Refusal::PairSameCorporation);
    }
}

/// A referred office has not started using the system and, unless the campaign allows it, is
/// not of the model office's corporation.
fn check_referral(
    errors: &mut FieldErrors,
    path: &str,
    input: &ApplicationInput,
    referral: &OfficeInput,
    campaign: &Settings,
    today: NaiveDate,
) {
    if using_on(referral, today) {
        errors.push(
            format!("{path}.using_system_since"),
            Refusal::ReferralStarted,
        );
    }
    let referrer = input.offices.first().filter(|_| input.tier == Tier::Model);
    if let Some(referrer) = referrer {
        if !campaign.rules.referral_same_corporation_allowed
            && referral.corporate_number.trim() == referrer.corporate_number.trim()
        {
            errors.push(
                format!("{path}.corporate_number"),
                Refusal::ReferralSameCorporation,
            );
        }
    }
}

/// No office is named twice in one application, in any role.
fn check_named_once(errors: &mut FieldErrors, input: &ApplicationInput) {
    let mut seen = HashSet::new();
    let all_inputs = input
        .offices
        .iter()
        .enumerate()
        .map(|(i, o)| (format!("offices[{i}]"), o))
        .chain(
            input
                .referrals
                .iter()
                .enumerate()
                .map(|(i, o)| (format!("referrals[{i}]"), o)),
        );
    for (path, office) in all_inputs {
        if !seen.insert(office.office_number.trim().to_owned()) {
            errors.push(format!("{path}.office_number"), Refusal::NamedTwice);
        }
    }
}

mod register;

#[cfg(test)]
pub(crate) mod tests;
