//! Why one row of an uploaded CSV was not taken, as a value. The JSON API says it in English
//! (an invalid row's `error`), the console's upload page in Japanese, each from one exhaustive
//! match, so a page never shows the English and rewording one never changes the other.

use super::office_number::OfficeNumberError;
use super::refusal::Refusal;
use super::text::TextError;
use super::FieldError;
use crate::formats::csv_lines::MAX_RECORD_LINES;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RowRefusal {
    /// A quoted field opened on this line and the file ended before it closed.
    UnclosedQuote,
    /// A quoted field opened on this line is still open after [`MAX_RECORD_LINES`] lines.
    QuoteTooLong,
    /// A cell holds a character no database stores; `column` counts from 1.
    Unstorable { column: usize },
    /// The row ends before the office number column.
    NoOfficeNumber,
    OfficeNumber {
        written: String,
        error: OfficeNumberError,
    },
    /// A checkpoint column's cell that is neither yes nor no.
    NotYesOrNo {
        column: &'static str,
        written: String,
    },
    /// A checkpoint column's cell that is not a date.
    NotADate {
        column: &'static str,
        written: String,
    },
    /// What the row asks for breaks a rule (a date out of range, a checkpoint the office's
    /// role does not have), each refusal under its field.
    Fields(Vec<FieldError>),
    /// The office is not an accepted office of the campaign.
    NotAccepted { office: String },
    /// Rows only the JSON API reads (the office register), said as they came.
    Other(String),
}

impl RowRefusal {
    /// What the JSON API says (an invalid row's `error`).
    pub fn english(&self) -> String {
        use RowRefusal::*;
        match self {
            UnclosedQuote => {
                "a quoted field starting on this line is not closed by the end of the file".into()
            }
            QuoteTooLong => format!(
                "a quoted field starting on this line is still open after {MAX_RECORD_LINES} lines"
            ),
            Unstorable { column } => format!("column {column}: {}", TextError::Nul),
            NoOfficeNumber => "no office number in this row".into(),
            OfficeNumber { written, error } => format!("office number {written:?}: {error}"),
            NotYesOrNo { column, written } => format!("{column}: {written:?} is not true or false"),
            NotADate { column, written } => {
                format!("{column}: {written:?} is not a date like 2024-01-10")
            }
            Fields(errors) => errors
                .iter()
                .map(|e| format!("{}: {}", e.field, e.message))
                .collect::<Vec<_>>()
                .join("; "),
            NotAccepted { office } => {
                format!("{office} is not an accepted office of this campaign")
            }
            Other(message) => message.clone(),
        }
    }

    /// What the console's upload page says.
    pub fn japanese(&self) -> String {
        use RowRefusal::*;
        match self {
            UnclosedQuote => {
                "この行で始まる「\"」で囲んだ項目が、ファイルの終わりまで閉じられていません".into()
            }
            QuoteTooLong => format!(
                "この行で始まる「\"」で囲んだ項目が、{MAX_RECORD_LINES}行を過ぎても閉じられていません"
            ),
            Unstorable { column } => {
                format!("{column}列目に使えない文字（NUL文字）が含まれています")
            }
            NoOfficeNumber => "事業所番号の欄がありません".into(),
            OfficeNumber { written, error } => format!(
                "事業所番号「{written}」: {}",
                Refusal::OfficeNumber(error.clone()).japanese()
            ),
            NotYesOrNo { column, written } => format!(
                "{column}: 「{written}」は、はい・いいえとして読めません（true・false、済・未、○・× など）"
            ),
            NotADate { column, written } => format!(
                "{column}: 「{written}」は日付として読めません（2024-01-10 または 2024/01/10 の形）"
            ),
            Fields(errors) => errors
                .iter()
                .map(|e| format!("{}: {}", e.field, e.japanese()))
                .collect::<Vec<_>>()
                .join("／"),
            NotAccepted { office } => {
                format!("{office}は、このキャンペーンの参加決定の事業所ではありません")
            }
            Other(message) => message.clone(),
        }
    }
}

impl From<String> for RowRefusal {
    fn from(message: String) -> Self {
        RowRefusal::Other(message)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_row_is_refused_in_english_as_before_and_in_japanese_for_the_page() {
        let bad = RowRefusal::OfficeNumber {
            written: "13701".into(),
            error: OfficeNumberError::Length,
        };
        assert!(bad
            .english()
            .starts_with("office number \"13701\": must be 10 characters"));
        assert!(bad
            .japanese()
            .starts_with("事業所番号「13701」: 10桁で入力してください"));
        let role = RowRefusal::Fields(vec![FieldError::new(
            "linkage_confirmed",
            Refusal::LinkageOnlyForReferred,
        )]);
        assert_eq!(
            role.english(),
            "linkage_confirmed: only a referred office has a linkage to confirm"
        );
        assert!(!role.japanese().is_ascii());
        assert_eq!(
            RowRefusal::NotAccepted {
                office: "1370100016".into()
            }
            .english(),
            "1370100016 is not an accepted office of this campaign"
        );
    }
}
