//! A console form's fields as the template draws them (`pages/staff/field.html`): label,
//! hint, what was typed and the refusal beside it, tied together for screen readers; and the
//! error summary's lines linking to them. The campaign and bank account forms are lists of
//! these, so a refused post comes back with every value typed and every error in place.

use super::super::staff::SummaryLine;
use crate::domain::staff_input::setting_ja;
use crate::domain::FieldError;

/// How a field is asked for.
#[derive(Clone, Copy)]
pub(super) struct Spec {
    /// The form's name, the use case's field name too (`honoraria.model`).
    pub(super) name: &'static str,
    pub(super) label: &'static str,
    /// An `<input>` type, or `textarea`, or `select` (with `choices`).
    pub(super) kind: &'static str,
    pub(super) hint: &'static str,
    pub(super) required: bool,
}

pub(super) const fn spec(
    name: &'static str,
    label: &'static str,
    kind: &'static str,
    hint: &'static str,
    required: bool,
) -> Spec {
    Spec {
        name,
        label,
        kind,
        hint,
        required,
    }
}

pub(super) struct Choice {
    pub(super) value: &'static str,
    pub(super) label: &'static str,
    pub(super) selected: bool,
}

pub(super) struct Field {
    /// The element's id without its `f-`: the form's prefix and the name.
    pub(super) id: String,
    pub(super) name: &'static str,
    pub(super) label: &'static str,
    pub(super) kind: &'static str,
    pub(super) hint: &'static str,
    pub(super) required: bool,
    pub(super) value: String,
    pub(super) error: Option<String>,
    pub(super) choices: Vec<Choice>,
    /// The ids of the hint and the error, for `aria-describedby`.
    pub(super) described_by: String,
}

/// A refused field: the use case's field name and the refusal in Japanese.
pub(super) type Refused = (String, String);

/// The use case's refusals in Japanese, by field.
pub(super) fn refused(errors: &[FieldError]) -> Vec<Refused> {
    errors
        .iter()
        .map(|e| (e.field.clone(), setting_ja(&e.field, &e.refusal)))
        .collect()
}

/// The form's fields, each with what `typed` gives for its name and its refusals. A refusal
/// of a field the form does not show stands beside the last one, naming its field.
pub(super) fn fields(
    prefix: &str,
    specs: &[Spec],
    typed: impl Fn(&str) -> String,
    refusals: &[Refused],
) -> Vec<Field> {
    let last = specs.last().map(|s| s.name);
    specs
        .iter()
        .map(|s| {
            let id = format!("{prefix}-{}", s.name.replace('.', "-"));
            let mut said: Vec<String> = refusals
                .iter()
                .filter(|(field, _)| field == s.name)
                .map(|(_, m)| m.clone())
                .collect();
            if Some(s.name) == last {
                said.extend(
                    refusals
                        .iter()
                        .filter(|(field, _)| !specs.iter().any(|o| o.name == field))
                        .map(|(field, m)| format!("{field}: {m}")),
                );
            }
            let error = (!said.is_empty()).then(|| said.join(" "));
            let described_by = [
                (!s.hint.is_empty()).then(|| format!("f-{id}-hint")),
                error.as_ref().map(|_| format!("f-{id}-error")),
            ]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" ");
            Field {
                value: typed(s.name),
                name: s.name,
                label: s.label,
                kind: s.kind,
                hint: s.hint,
                required: s.required,
                choices: Vec::new(),
                described_by,
                error,
                id,
            }
        })
        .collect()
}

/// The error summary's lines for these fields.
pub(super) fn summary_of(fields: &[Field]) -> Vec<SummaryLine> {
    fields
        .iter()
        .filter_map(|f| {
            f.error.as_ref().map(|message| SummaryLine {
                field: f.id.clone(),
                label: f.label,
                message: message.clone(),
            })
        })
        .collect()
}
