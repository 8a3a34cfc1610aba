//! An office's answers checked against the survey's questions: every refusal names
//! `answers.{key}`, and only a wholly valid set of answers is kept.

use super::{Definition, QuestionType};
use crate::domain::refusal::Refusal;
use crate::domain::FieldErrors;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The longest free-text answer kept.
pub const MAX_TEXT_CHARS: usize = 2_000;

/// One question's answer as kept: JSON writes it as the API takes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(untagged)]
pub enum Answer {
    YesNo(bool),
    Scale(u8),
    /// A single choice or a free text.
    Text(String),
    Choices(Vec<String>),
}

/// Answered questions by key; a question left blank has no entry.
pub type Answers = BTreeMap<String, Answer>;

fn field(key: &str) -> String {
    format!("answers.{key}")
}

/// Whether a JSON value says nothing: absent, `null`, a blank text or an empty list.
fn blank(value: &serde_json::Value) -> bool {
    match value {
        serde_json::Value::Null => true,
        serde_json::Value::String(s) => s.trim().is_empty(),
        serde_json::Value::Array(a) => a.is_empty(),
        _ => false,
    }
}

fn yes_no(value: &serde_json::Value) -> Option<bool> {
    match value {
        serde_json::Value::Bool(b) => Some(*b),
        serde_json::Value::String(s) => match s.trim() {
            "yes" | "はい" => Some(true),
            "no" | "いいえ" => Some(false),
            _ => None,
        },
        _ => None,
    }
}

/// A scale point: a whole number, or its text as a form or a Japanese input method sends it.
fn scale(value: &serde_json::Value) -> Option<i64> {
    match value {
        serde_json::Value::Number(n) => n.as_i64(),
        serde_json::Value::String(s) => crate::domain::written::plain_number(s).parse().ok(),
        _ => None,
    }
}

fn texts(value: &serde_json::Value) -> Option<Vec<&str>> {
    match value {
        serde_json::Value::String(s) => Some(vec![s.as_str()]),
        serde_json::Value::Array(items) => items.iter().map(|v| v.as_str()).collect(),
        _ => None,
    }
}

fn offered<'a>(
    errors: &mut FieldErrors,
    key: &str,
    options: &[String],
    chosen: &'a str,
) -> Option<&'a str> {
    let chosen = chosen.trim();
    if options.iter().any(|o| o == chosen) {
        Some(chosen)
    } else {
        errors.push(
            field(key),
            Refusal::NotOffered {
                chosen: chosen.to_owned(),
            },
        );
        None
    }
}

fn answer_of(
    errors: &mut FieldErrors,
    key: &str,
    q: &super::Question,
    value: &serde_json::Value,
) -> Option<Answer> {
    match q.kind {
        QuestionType::Single => match value.as_str() {
            Some(s) => offered(errors, key, &q.options, s).map(|s| Answer::Text(s.to_owned())),
            None => {
                errors.push(field(key), Refusal::NotAnOption);
                None
            }
        },
        QuestionType::Multiple => {
            let Some(chosen) = texts(value) else {
                errors.push(field(key), Refusal::NotOptions);
                return None;
            };
            let before = errors.clone();
            let mut kept: Vec<String> = Vec::new();
            for c in chosen {
                if let Some(c) = offered(errors, key, &q.options, c) {
                    if !kept.iter().any(|k| k == c) {
                        kept.push(c.to_owned());
                    }
                }
            }
            // Kept in the order the question offers them, whatever order they came in.
            kept.sort_by_key(|k| q.options.iter().position(|o| o == k));
            (*errors == before).then_some(Answer::Choices(kept))
        }
        QuestionType::Text => {
            let Some(text) = value.as_str() else {
                errors.push(field(key), Refusal::NotText);
                return None;
            };
            let text = text.trim();
            if text.chars().count() > MAX_TEXT_CHARS {
                errors.push(
                    field(key),
                    Refusal::TooLong {
                        max: MAX_TEXT_CHARS,
                    },
                );
                return None;
            }
            match crate::domain::text::multi_line(text) {
                Ok(()) => Some(Answer::Text(text.to_owned())),
                Err(e) => {
                    errors.push(field(key), e);
                    None
                }
            }
        }
        QuestionType::YesNo => match yes_no(value) {
            Some(b) => Some(Answer::YesNo(b)),
            None => {
                errors.push(field(key), Refusal::NotYesOrNo);
                None
            }
        },
        QuestionType::Scale => match scale(value) {
            Some(n @ 1..=5) => u8::try_from(n).ok().map(Answer::Scale),
            _ => {
                errors.push(field(key), Refusal::NotOnTheScale);
                None
            }
        },
    }
}

/// The answers to keep, or every refusal at once: keys the survey does not ask, values of
/// the wrong shape, options not offered, a scale outside 1–5, a text too long, a required
/// question left blank.
pub fn check_answers(
    definition: &Definition,
    given: &BTreeMap<String, serde_json::Value>,
) -> Result<Answers, FieldErrors> {
    let mut errors = FieldErrors::new();
    for key in given.keys() {
        if definition.question(key).is_none() {
            errors.push(field(key), Refusal::NotAQuestion);
        }
    }
    let mut answers = Answers::new();
    for q in &definition.questions {
        match given.get(&q.key).filter(|v| !blank(v)) {
            None if q.required => errors.push(field(&q.key), Refusal::Required),
            None => {}
            Some(value) => {
                if let Some(a) = answer_of(&mut errors, &q.key, q, value) {
                    answers.insert(q.key.clone(), a);
                }
            }
        }
    }
    errors.finish(|| answers)
}
