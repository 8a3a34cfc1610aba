//! The answers counted as the seed counted its own survey (導入しない理由: how many offices
//! gave each answer): every option with its count, zeros included and in the order offered,
//! the mean of a scale, and the free texts listed.

use super::{Answer, Answers, Definition, QuestionType};
use serde::ser::SerializeMap;
use serde::Serialize;

/// Counts by answer, in the order the question offers them; JSON writes an object.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Counts(pub Vec<(String, i64)>);

impl Serialize for Counts {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.0.len()))?;
        for (answer, n) in &self.0 {
            map.serialize_entry(answer, n)?;
        }
        map.end()
    }
}

impl Counts {
    fn add(&mut self, answer: &str) {
        if let Some(entry) = self.0.iter_mut().find(|(a, _)| a == answer) {
            entry.1 += 1;
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct QuestionResult {
    pub key: String,
    pub text: String,
    #[serde(rename = "type")]
    pub kind: QuestionType,
    /// Offices by answer: each option; `yes` / `no`; `1` to `5`. Empty for free text.
    #[schema(value_type = std::collections::HashMap<String, i64>)]
    pub counts: Counts,
    /// The free texts given, in the order the offices answered.
    pub texts: Vec<String>,
    /// A scale's mean to two decimals; absent for other questions and before any answer.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mean: Option<f64>,
    /// Offices that answered this question.
    pub answered: i64,
}

/// The answer labels a question's counts are keyed by.
pub fn labels(kind: QuestionType, options: &[String]) -> Vec<String> {
    match kind {
        QuestionType::Single | QuestionType::Multiple => options.to_vec(),
        QuestionType::YesNo => vec!["yes".into(), "no".into()],
        QuestionType::Scale => (1..=5).map(|n: u8| n.to_string()).collect(),
        QuestionType::Text => Vec::new(),
    }
}

/// Every question of `definition` tabulated over `answered`.
pub fn tabulate(definition: &Definition, answered: &[Answers]) -> Vec<QuestionResult> {
    definition
        .questions
        .iter()
        .map(|q| {
            let mut counts = Counts(
                labels(q.kind, &q.options)
                    .into_iter()
                    .map(|l| (l, 0))
                    .collect(),
            );
            let mut texts = Vec::new();
            let (mut sum, mut answered_count) = (0i64, 0i64);
            for answer in answered.iter().filter_map(|a| a.get(&q.key)) {
                answered_count += 1;
                match (q.kind, answer) {
                    (QuestionType::Text, Answer::Text(t)) => texts.push(t.clone()),
                    (_, Answer::Text(choice)) => counts.add(choice),
                    (_, Answer::Choices(chosen)) => chosen.iter().for_each(|c| counts.add(c)),
                    (_, Answer::YesNo(b)) => counts.add(if *b { "yes" } else { "no" }),
                    (_, Answer::Scale(n)) => {
                        sum += i64::from(*n);
                        counts.add(&n.to_string());
                    }
                }
            }
            let mean = (q.kind == QuestionType::Scale && answered_count > 0)
                .then(|| (sum as f64 / answered_count as f64 * 100.0).round() / 100.0);
            QuestionResult {
                key: q.key.clone(),
                text: q.text.clone(),
                kind: q.kind,
                counts,
                texts,
                mean,
                answered: answered_count,
            }
        })
        .collect()
}

/// An answer as a person reads it in a sheet: choices joined, yes and no in Japanese.
pub fn written(answer: &Answer) -> String {
    match answer {
        Answer::Text(t) => t.clone(),
        Answer::Choices(c) => c.join("、"),
        Answer::YesNo(true) => "はい".into(),
        Answer::YesNo(false) => "いいえ".into(),
        Answer::Scale(n) => n.to_string(),
    }
}
