//! The campaign's start and end surveys: what a definition may ask, which answers it takes,
//! when an office may answer, and the answers counted as the secretariat tabulates them.

use super::name::named;
use super::FieldErrors;
use serde::{Deserialize, Serialize};

mod answers;
pub mod chart;
mod results;
mod window;

pub use answers::{check_answers, Answer, Answers, MAX_TEXT_CHARS};
pub use results::{labels, tabulate, written, Counts, QuestionResult};
pub use window::{SurveyDays, Window, WindowState};

named! {
    /// Which of a campaign's two surveys.
    pub enum SurveyKind {
        /// Answered once the office is accepted (利用開始時アンケート).
        Start => "start",
        /// Answered toward the campaign's end (キャンペーン終了時アンケート).
        End => "end",
    }
}

impl SurveyKind {
    pub fn label_ja(self) -> &'static str {
        match self {
            SurveyKind::Start => "利用開始時アンケート",
            SurveyKind::End => "キャンペーン終了時アンケート",
        }
    }
}

named! {
    /// The five kinds of question a survey may ask.
    pub enum QuestionType {
        Single => "single",
        Multiple => "multiple",
        Text => "text",
        YesNo => "yes_no",
        Scale => "scale",
    }
}

impl QuestionType {
    /// Whether the question offers options of its own.
    pub fn has_options(self) -> bool {
        matches!(self, QuestionType::Single | QuestionType::Multiple)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Question {
    /// How answers name the question: `q1`; a–z, 0–9 and `_`, unique in the survey.
    pub key: String,
    pub text: String,
    #[serde(rename = "type")]
    pub kind: QuestionType,
    /// The choices of a `single` or `multiple` question, in the order shown; none for others.
    #[serde(default)]
    pub options: Vec<String>,
    #[serde(default)]
    pub required: bool,
}

/// A survey as staff set it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Definition {
    pub title: String,
    pub questions: Vec<Question>,
}

pub const MAX_TITLE_CHARS: usize = 200;
pub const MAX_QUESTION_CHARS: usize = 1_000;
pub const MAX_QUESTIONS: usize = 50;
pub const MAX_OPTIONS: usize = 30;
pub const MAX_OPTION_CHARS: usize = 200;
pub const MAX_KEY_CHARS: usize = 32;

fn key_ok(key: &str) -> bool {
    !key.is_empty()
        && key.len() <= MAX_KEY_CHARS
        && key
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

impl Definition {
    /// The definition as stored: texts and options trimmed.
    pub fn trimmed(&self) -> Definition {
        Definition {
            title: self.title.trim().to_owned(),
            questions: self
                .questions
                .iter()
                .map(|q| Question {
                    key: q.key.trim().to_owned(),
                    text: q.text.trim().to_owned(),
                    kind: q.kind,
                    options: q.options.iter().map(|o| o.trim().to_owned()).collect(),
                    required: q.required,
                })
                .collect(),
        }
    }

    /// Every rule a definition must satisfy, each failure naming its field.
    pub fn check(&self) -> FieldErrors {
        let mut errors = FieldErrors::new();
        super::text::one_line(&mut errors, "title", &self.title, MAX_TITLE_CHARS);
        if self.questions.is_empty() || self.questions.len() > MAX_QUESTIONS {
            errors.push(
                "questions",
                format!("must hold 1 to {MAX_QUESTIONS} questions"),
            );
        }
        let mut keys = std::collections::HashSet::new();
        for (i, q) in self.questions.iter().enumerate() {
            let at = |f: &str| format!("questions[{i}].{f}");
            if !key_ok(&q.key) {
                errors.push(
                    at("key"),
                    format!("must be 1 to {MAX_KEY_CHARS} characters of a-z, 0-9 and _"),
                );
            } else if !keys.insert(q.key.as_str()) {
                errors.push(at("key"), "is used by an earlier question");
            }
            check_question_text(&mut errors, &at("text"), &q.text);
            check_options(&mut errors, &at("options"), q);
        }
        errors
    }

    pub fn question(&self, key: &str) -> Option<&Question> {
        self.questions.iter().find(|q| q.key == key)
    }
}

fn check_question_text(errors: &mut FieldErrors, field: &str, text: &str) {
    let chars = text.trim().chars().count();
    if chars == 0 || chars > MAX_QUESTION_CHARS {
        errors.push(
            field,
            format!("must be 1 to {MAX_QUESTION_CHARS} characters"),
        );
    } else if let Err(e) = super::text::multi_line(text) {
        errors.push(field, e.to_string());
    }
}

fn check_options(errors: &mut FieldErrors, field: &str, q: &Question) {
    if !q.kind.has_options() {
        if !q.options.is_empty() {
            errors.push(
                field,
                format!("a {} question offers no options of its own", q.kind),
            );
        }
        return;
    }
    if q.options.len() < 2 || q.options.len() > MAX_OPTIONS {
        errors.push(field, format!("must offer 2 to {MAX_OPTIONS} options"));
    }
    let mut seen = std::collections::HashSet::new();
    for (j, option) in q.options.iter().enumerate() {
        let at = format!("{field}[{j}]");
        let before = errors.clone();
        super::text::one_line(errors, &at, option, MAX_OPTION_CHARS);
        if *errors == before && !seen.insert(option.trim()) {
            errors.push(at, "is offered twice");
        }
    }
}

#[cfg(test)]
mod tests;
