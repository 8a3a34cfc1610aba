//! The form laid out for a tier: its sections and controls, what was typed kept, and every
//! error beside its field and in the summary.

use super::super::messages::{field_label, section_label};
use super::{fixed_kind, referral_blocks, Values, ELSEWHERE, OFFICE_FIELDS};
use crate::domain::application::{OfficeKind, Tier};
use crate::domain::campaign::Settings;
use crate::domain::FieldError;

/// One control of the form.
pub struct Control {
    pub name: String,
    pub id: String,
    pub label: &'static str,
    pub hint: &'static str,
    /// `text`, `email`, `date`, `select` or `hidden`.
    pub kind: &'static str,
    pub value: String,
    pub options: Vec<Choice>,
    pub required: bool,
    pub autocomplete: &'static str,
    pub inputmode: &'static str,
    pub maxlength: usize,
    pub error: Option<String>,
}

pub struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

fn choice(value: &str, label: &str, current: &str) -> Choice {
    Choice {
        value: value.to_owned(),
        label: label.to_owned(),
        selected: value == current,
    }
}

impl Control {
    /// The ids of the hint and the error that describe the control, for assistive technology.
    pub fn described_by(&self) -> String {
        let mut ids = Vec::new();
        if !self.hint.is_empty() {
            ids.push(format!("{}-hint", self.id));
        }
        if self.error.is_some() {
            ids.push(format!("{}-error", self.id));
        }
        ids.join(" ")
    }
}

/// A fieldset: the contact, one office, one referral.
pub struct Section {
    pub id: String,
    pub legend: String,
    pub note: String,
    /// What the section shows and does not ask for (`(label, value)`): the numbers a
    /// correction keeps.
    pub facts: Vec<(String, String)>,
    pub controls: Vec<Control>,
    /// An error about the section as a whole (too few offices, the pair's kinds).
    pub error: Option<String>,
}

/// An entry of the summary at the top, linking to its field.
pub struct Summary {
    pub href: String,
    pub text: String,
}

pub struct Layout {
    pub sections: Vec<Section>,
    pub summary: Vec<Summary>,
    /// Errors about the application as a whole, shown above the form.
    pub general: Vec<String>,
}

pub fn id_of(name: &str) -> String {
    format!("f-{}", name.replace('.', "-"))
}

/// The control for the field `name`, holding what `values` has for it.
pub fn control(name: String, values: &Values) -> Control {
    let field = name.rsplit('.').next().unwrap_or("").to_owned();
    let (kind, hint, autocomplete, inputmode, maxlength) = match field.as_str() {
        "office_number" => ("text", "半角10桁（例: 1370000018）", "off", "numeric", 10),
        "corporate_number" => ("text", "半角13桁（国税庁の法人番号）", "off", "numeric", 13),
        "email" => ("email", "例: kaigo@example.jp", "email", "email", 254),
        "using_system_since" => (
            "date",
            "すでに利用している場合のみ入力してください",
            "off",
            "",
            10,
        ),
        "name" if name.starts_with("contact.") => ("text", "", "name", "", 100),
        "address" => ("text", "", "street-address", "", 300),
        _ => ("text", "", "organization", "", 200),
    };
    let required = field != "using_system_since";
    Control {
        id: id_of(&name),
        label: field_label(&name),
        value: values.get(&name).to_owned(),
        name,
        hint,
        kind,
        options: Vec::new(),
        required,
        autocomplete,
        inputmode,
        maxlength,
        error: None,
    }
}

fn kind_options(current: &str) -> Vec<Choice> {
    std::iter::once(choice("", "選んでください", current))
        .chain(
            [OfficeKind::CareManagement, OfficeKind::Service]
                .into_iter()
                .map(|k| choice(k.as_str(), k.label_ja(), current)),
        )
        .collect()
}

fn office_section(
    tier: Tier,
    group: &str,
    index: usize,
    settings: &Settings,
    values: &Values,
) -> Section {
    let prefix = format!("{group}.{index}");
    let fixed = fixed_kind(tier, group, index);
    // Only a model office may already be using the system: anywhere else the date could only
    // be refused, so it is not asked.
    let asks_start = group == "offices" && tier == Tier::Model;
    let controls = OFFICE_FIELDS
        .iter()
        .filter(|field| **field != "using_system_since" || asks_start)
        .map(|field| {
            let mut c = control(format!("{prefix}.{field}"), values);
            match *field {
                "kind" => match fixed {
                    Some(kind) => {
                        c.kind = "hidden";
                        c.value = kind.as_str().to_owned();
                    }
                    None => {
                        c.kind = "select";
                        c.options = kind_options(&c.value);
                    }
                },
                "municipality_code" => {
                    c.kind = "select";
                    c.options = vec![
                        choice("", "選んでください", &c.value),
                        choice(&settings.region_code, &settings.region_name, &c.value),
                        choice(ELSEWHERE, "上記以外の市区町村", &c.value),
                    ];
                }
                _ => {}
            }
            c
        })
        .collect();
    let legend = match (group, fixed) {
        ("referrals", _) if index == 0 => "ご紹介先の事業所".to_owned(),
        ("referrals", _) => format!("{}件目のご紹介先（任意）", index + 1),
        (_, Some(kind)) => kind.label_ja().to_owned(),
        _ if tier == Tier::Model => "モデル事業所として応募する事業所".to_owned(),
        _ => "応募する事業所".to_owned(),
    };
    let note = match (group, tier) {
        ("referrals", _) => "まだケアプランデータ連携システムの利用を始めておらず、これから連携先となる事業所です。モデル事業所と別の法人に限ります。",
        (_, Tier::Model) => "システムを利用開始済みの事業所もご参加いただけます。",
        (_, Tier::GeneralPair) if index == 1 => "居宅介護支援事業所と別の法人の事業所に限ります。",
        _ => "",
    };
    Section {
        id: format!("s-{group}-{index}"),
        legend,
        note: note.to_owned(),
        facts: Vec::new(),
        controls,
        error: None,
    }
}

/// The form for `tier`, filled with `values`, each error placed beside its field (or on its
/// section, or above the form) and listed in the summary.
pub fn layout(tier: Tier, settings: &Settings, values: &Values, errors: &[FieldError]) -> Layout {
    let mut contact = contact_section(values);
    contact.controls[1].hint = "受付のお知らせと状況確認のリンクをお送りします";
    let mut sections = vec![contact];
    for i in 0..tier.office_count() {
        sections.push(office_section(tier, "offices", i, settings, values));
    }
    if tier == Tier::Model {
        for i in 0..referral_blocks(settings) {
            let mut s = office_section(tier, "referrals", i, settings, values);
            if i > 0 {
                s.controls.iter_mut().for_each(|c| c.required = false);
            }
            sections.push(s);
        }
    }
    placed(sections, errors)
}

/// The contact's section: name and address.
pub fn contact_section(values: &Values) -> Section {
    Section {
        id: "s-contact".into(),
        legend: "ご担当者".into(),
        note: "応募の受付や結果のお知らせは、このメールアドレスへお送りします。".into(),
        facts: Vec::new(),
        controls: vec![
            control("contact.name".into(), values),
            control("contact.email".into(), values),
        ],
        error: None,
    }
}

/// `sections` with each error placed beside its field (or on its section, or above the form)
/// and listed in the summary. A section's id names the fields it holds: `s-offices-0` holds
/// `offices.0.*`.
pub fn placed(mut sections: Vec<Section>, errors: &[FieldError]) -> Layout {
    // The summary reads top to bottom like the form: errors about the whole first, then by
    // where their field or section sits.
    let position = |field: &str| -> usize {
        let mut n = 0;
        for s in &sections {
            let prefix = s.id.trim_start_matches("s-").replace('-', ".");
            for c in &s.controls {
                n += 1;
                if c.name == field {
                    return n;
                }
            }
            if field == prefix || field.starts_with(&format!("{prefix}.")) {
                return n;
            }
        }
        0
    };
    // An error names its section as the form does (居宅介護支援事業所, ご紹介先の事業所, …).
    let legends: Vec<(String, String)> = sections
        .iter()
        .map(|s| {
            let prefix = s.id.trim_start_matches("s-").replace('-', ".");
            (prefix, s.legend.clone())
        })
        .collect();
    let legend_of = |field: &str| -> String {
        legends
            .iter()
            .find(|(prefix, _)| field == prefix || field.starts_with(&format!("{prefix}.")))
            .map(|(_, legend)| legend.clone())
            .unwrap_or_else(|| section_label(field))
    };
    let mut errors: Vec<&FieldError> = errors.iter().collect();
    errors.sort_by_key(|e| position(&e.field));
    let mut summary = Vec::new();
    let mut general = Vec::new();
    for e in errors {
        let text = format!(
            "{}・{}: {}",
            legend_of(&e.field),
            field_label(&e.field),
            e.japanese()
        );
        let visible = sections
            .iter_mut()
            .flat_map(|s| s.controls.iter_mut())
            .find(|c| c.name == e.field && c.kind != "hidden");
        if let Some(c) = visible {
            c.error.get_or_insert_with(|| e.japanese());
            summary.push(Summary {
                href: format!("#{}", c.id),
                text,
            });
            continue;
        }
        let section = sections.iter_mut().find(|s| {
            let prefix = s.id.trim_start_matches("s-").replace('-', ".");
            e.field == prefix || e.field.starts_with(&format!("{prefix}."))
        });
        let whole = format!("{}: {}", legend_of(&e.field), e.japanese());
        match section {
            Some(s) => {
                s.error.get_or_insert_with(|| e.japanese());
                summary.push(Summary {
                    href: format!("#{}", s.id),
                    text: whole,
                });
            }
            None => {
                // `offices` and `referrals` as a whole: the first of their sections.
                let first = format!("s-{}-0", e.field);
                let href = if sections.iter().any(|s| s.id == first) {
                    format!("#{first}")
                } else {
                    "#form".to_owned()
                };
                general.push(whole.clone());
                summary.push(Summary { href, text: whole });
            }
        }
    }
    Layout {
        sections,
        summary,
        general,
    }
}
