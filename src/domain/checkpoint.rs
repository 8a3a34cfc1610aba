//! Changing an office's checkpoints: one office through JSON, or many through a CSV upload with
//! `office_number` and one column per checkpoint. Absent means unchanged; JSON `null` (or an
//! empty cell) clears a date or an attestation.

use super::application::ParticipantRole;
use super::office_list::{note_invalid, InvalidRow};
use super::office_number::OfficeNumber;
use super::refusal::Refusal;
use super::row_refusal::RowRefusal;
use super::written::plain_number;
use super::year_end::{Attestation, Checkpoints};
use super::FieldErrors;
use crate::formats::csv_lines::{Table, TableError};
use chrono::NaiveDate;
use serde::{Deserialize, Deserializer};

/// The longest attestation reason kept.
pub const MAX_REASON_CHARS: usize = 2_000;

fn present<'de, D, T>(d: D) -> Result<Option<Option<T>>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(d).map(Some)
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CheckpointPatch {
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<NaiveDate>)]
    pub usage_started_on: Option<Option<NaiveDate>>,
    pub start_survey_answered: Option<bool>,
    pub end_survey_answered: Option<bool>,
    pub workflow_change_confirmed: Option<bool>,
    pub linkage_confirmed: Option<bool>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<Attestation>)]
    pub continued_use_attested: Option<Option<Attestation>>,
}

impl CheckpointPatch {
    pub fn is_empty(&self) -> bool {
        *self == CheckpointPatch::default()
    }

    /// Every field error at once, paths under `prefix` (empty for a JSON body).
    pub fn check(&self, prefix: &str) -> FieldErrors {
        let mut errors = FieldErrors::new();
        if let Some(Some(day)) = self.usage_started_on {
            errors.take(
                format!("{prefix}usage_started_on"),
                super::jst::supported(day),
            );
        }
        if let Some(Some(a)) = &self.continued_use_attested {
            let chars = a.reason.trim().chars().count();
            let field = format!("{prefix}continued_use_attested.reason");
            if chars == 0 || chars > MAX_REASON_CHARS {
                errors.push(
                    field,
                    format!("an attestation needs a reason of 1 to {MAX_REASON_CHARS} characters"),
                );
            } else if let Err(e) = super::text::multi_line(&a.reason) {
                errors.push(field, e.to_string());
            }
        }
        if self.is_empty() {
            errors.push(
                if prefix.is_empty() {
                    "body"
                } else {
                    prefix.trim_end_matches('.')
                },
                "names no checkpoint to change",
            );
        }
        errors
    }

    /// `current` with this patch applied.
    pub fn apply(&self, current: &Checkpoints) -> Checkpoints {
        Checkpoints {
            usage_started_on: self.usage_started_on.unwrap_or(current.usage_started_on),
            start_survey_answered: self
                .start_survey_answered
                .unwrap_or(current.start_survey_answered),
            end_survey_answered: self
                .end_survey_answered
                .unwrap_or(current.end_survey_answered),
            workflow_change_confirmed: self
                .workflow_change_confirmed
                .unwrap_or(current.workflow_change_confirmed),
            linkage_confirmed: self.linkage_confirmed.unwrap_or(current.linkage_confirmed),
            continued_use_attested: self
                .continued_use_attested
                .clone()
                .unwrap_or_else(|| current.continued_use_attested.clone())
                .map(|a| Attestation {
                    reason: a.reason.trim().to_owned(),
                }),
        }
    }
}

/// One office's checkpoints as the console's form sends them: a box is ticked or not, a date
/// and a reason as typed.
#[derive(Debug, Clone, Default)]
pub struct FormCheckpoints<'a> {
    pub usage_started_on: &'a str,
    pub start_survey_answered: bool,
    pub end_survey_answered: bool,
    pub workflow_change_confirmed: bool,
    pub linkage_confirmed: bool,
    pub continued_use_attested_reason: &'a str,
}

/// The patch a console form asks for. The form shows every checkpoint the office's role has,
/// so an unticked box is false, an empty date clears the date and an empty reason withdraws
/// the attestation; a checkpoint the role lacks is left out, as the form leaves it out. A
/// reason sent as it stands changes nothing: ticking a survey must not renew an attestation
/// (which would make it stand in for usage lists imported before today).
pub fn form_patch(
    role: ParticipantRole,
    current: &Checkpoints,
    form: &FormCheckpoints<'_>,
) -> Result<CheckpointPatch, FieldErrors> {
    let mut errors = FieldErrors::new();
    let typed = form.usage_started_on.trim();
    let usage_started_on = if typed.is_empty() {
        Some(None)
    } else {
        errors
            .take("usage_started_on", date(typed).ok_or(Refusal::NotADate))
            .map(Some)
    };
    let reason = form.continued_use_attested_reason.trim();
    let continued_use_attested = match &current.continued_use_attested {
        Some(a) if a.reason == reason => None,
        _ if reason.is_empty() => Some(None),
        _ => Some(Some(Attestation {
            reason: reason.to_owned(),
        })),
    };
    errors.finish(|| CheckpointPatch {
        usage_started_on,
        start_survey_answered: Some(form.start_survey_answered),
        end_survey_answered: Some(form.end_survey_answered),
        workflow_change_confirmed: (role == ParticipantRole::Model)
            .then_some(form.workflow_change_confirmed),
        linkage_confirmed: (role == ParticipantRole::Referred).then_some(form.linkage_confirmed),
        continued_use_attested,
    })
}

/// One good row of a checkpoint upload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PatchRow {
    pub line: u64,
    pub office_number: OfficeNumber,
    pub patch: CheckpointPatch,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PatchSheet {
    /// The line taken as the header.
    pub header_line: u64,
    pub rows: Vec<PatchRow>,
    pub invalid_row_count: usize,
    /// The first [`super::office_list::MAX_REPORTED_INVALID`] invalid rows.
    pub invalid_rows: Vec<InvalidRow>,
}

#[derive(Debug, thiserror::Error)]
pub enum SheetError {
    #[error(transparent)]
    Table(#[from] TableError),
    #[error("the header row names no checkpoint column (usage_started_on, start_survey_answered, end_survey_answered, workflow_change_confirmed, linkage_confirmed, continued_use_attested_reason)")]
    NoCheckpointColumn,
}

/// Yes and no as spreadsheets write them.
fn yes_no(cell: &str) -> Option<bool> {
    match cell.to_lowercase().as_str() {
        "true" | "yes" | "y" | "1" | "済" | "○" | "はい" => Some(true),
        "false" | "no" | "n" | "0" | "未" | "×" | "いいえ" => Some(false),
        _ => None,
    }
}

fn date(cell: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(cell, "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(cell, "%Y/%m/%d"))
        .ok()
}

/// Parses a checkpoint upload. An empty cell leaves that checkpoint as it is, except that an
/// empty `continued_use_attested_reason` is no attestation either way; a bad cell makes its
/// whole row invalid, reported with its line. Every record after the header is a row or an
/// invalid row.
pub fn parse_sheet(bytes: &[u8]) -> Result<PatchSheet, SheetError> {
    let mut table = Table::open(std::io::Cursor::new(bytes))?;
    let header = &table.header;
    let office = header.office_column;
    let columns = [
        header.column("usage_started_on"),
        header.column("start_survey_answered"),
        header.column("end_survey_answered"),
        header.column("workflow_change_confirmed"),
        header.column("linkage_confirmed"),
        header.column("continued_use_attested_reason"),
    ];
    if columns.iter().all(Option::is_none) {
        return Err(SheetError::NoCheckpointColumn);
    }
    let mut sheet = PatchSheet {
        header_line: header.line,
        rows: Vec::new(),
        invalid_row_count: 0,
        invalid_rows: Vec::new(),
    };
    while let Some(record) = table.next_record().map_err(TableError::from)? {
        let line = record.line;
        match record
            .fields
            .and_then(|cells| parse_row(&cells, office, &columns))
        {
            Ok((office_number, patch)) => sheet.rows.push(PatchRow {
                line,
                office_number,
                patch,
            }),
            Err(error) => note_invalid(
                &mut sheet.invalid_rows,
                &mut sheet.invalid_row_count,
                line,
                error,
            ),
        }
    }
    Ok(sheet)
}

fn parse_row(
    record: &[String],
    office: usize,
    columns: &[Option<usize>; 6],
) -> Result<(OfficeNumber, CheckpointPatch), RowRefusal> {
    let cell = |c: Option<usize>| {
        c.and_then(|i| record.get(i))
            .map(|v| v.trim())
            .filter(|v| !v.is_empty())
    };
    let written = record.get(office).map(String::as_str).unwrap_or("");
    let number = OfficeNumber::parse(&plain_number(written))
        .map_err(|error| RowRefusal::OfficeNumber {
            written: written.to_owned(),
            error,
        })?
        .number;
    let flag = |i: usize, column: &'static str| {
        cell(columns[i])
            .map(|v| {
                yes_no(v).ok_or_else(|| RowRefusal::NotYesOrNo {
                    column,
                    written: v.to_owned(),
                })
            })
            .transpose()
    };
    let patch = CheckpointPatch {
        usage_started_on: cell(columns[0])
            .map(|v| {
                date(v).ok_or_else(|| RowRefusal::NotADate {
                    column: "usage_started_on",
                    written: v.to_owned(),
                })
            })
            .transpose()?
            .map(Some),
        start_survey_answered: flag(1, "start_survey_answered")?,
        end_survey_answered: flag(2, "end_survey_answered")?,
        workflow_change_confirmed: flag(3, "workflow_change_confirmed")?,
        linkage_confirmed: flag(4, "linkage_confirmed")?,
        continued_use_attested: cell(columns[5]).map(|reason| {
            Some(Attestation {
                reason: reason.to_owned(),
            })
        }),
    };
    let errors = patch.check("");
    if !errors.is_empty() {
        return Err(RowRefusal::Fields(errors.into_vec()));
    }
    Ok((number, patch))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::formats::csv_lines::testing::{body, records_after_header};

    proptest::proptest! {
        #[test]
        fn every_record_of_a_sheet_is_a_row_or_a_refused_row(body in body()) {
            let text = format!("office_number,end_survey_answered\n{body}");
            let sheet = parse_sheet(text.as_bytes()).unwrap();
            let (header_line, records) = records_after_header(&text);
            proptest::prop_assert_eq!(sheet.header_line, header_line);
            proptest::prop_assert_eq!(sheet.rows.len() + sheet.invalid_row_count, records);
        }
    }

    #[test]
    fn a_patch_changes_only_what_it_names_and_null_clears() {
        let current = Checkpoints {
            usage_started_on: Some("2024-01-10".parse().unwrap()),
            start_survey_answered: true,
            continued_use_attested: Some(Attestation { reason: "x".into() }),
            ..Checkpoints::default()
        };
        let patch: CheckpointPatch = serde_json::from_str(
            r#"{"end_survey_answered": true, "continued_use_attested": null}"#,
        )
        .unwrap();
        let next = patch.apply(&current);
        assert_eq!(next.usage_started_on, current.usage_started_on);
        assert!(next.start_survey_answered && next.end_survey_answered);
        assert_eq!(next.continued_use_attested, None);
        let clear: CheckpointPatch = serde_json::from_str(r#"{"usage_started_on": null}"#).unwrap();
        assert_eq!(clear.apply(&current).usage_started_on, None);
    }

    #[test]
    fn an_empty_patch_or_an_attestation_without_reason_is_refused() {
        assert!(!CheckpointPatch::default().check("").is_empty());
        let patch: CheckpointPatch =
            serde_json::from_str(r#"{"continued_use_attested": {"reason": "  "}}"#).unwrap();
        let errors = patch.check("").into_vec();
        assert_eq!(errors[0].field, "continued_use_attested.reason");
    }

    #[test]
    fn a_form_sets_what_the_role_has_and_leaves_an_attestation_as_it_stands() {
        let current = Checkpoints {
            continued_use_attested: Some(Attestation {
                reason: "利用画面で確認".into(),
            }),
            ..Checkpoints::default()
        };
        let form = FormCheckpoints {
            usage_started_on: "2024-01-10",
            start_survey_answered: true,
            continued_use_attested_reason: " 利用画面で確認 ",
            ..FormCheckpoints::default()
        };
        let patch = form_patch(ParticipantRole::Single, &current, &form).unwrap();
        assert_eq!(
            patch.usage_started_on,
            Some(Some("2024-01-10".parse().unwrap()))
        );
        assert_eq!(patch.start_survey_answered, Some(true));
        assert_eq!(patch.end_survey_answered, Some(false), "unticked is false");
        assert_eq!(patch.workflow_change_confirmed, None, "not a model office");
        assert_eq!(patch.linkage_confirmed, None);
        assert_eq!(patch.continued_use_attested, None, "the same reason stands");
        let model = FormCheckpoints {
            workflow_change_confirmed: true,
            ..FormCheckpoints::default()
        };
        let patch = form_patch(ParticipantRole::Model, &current, &model).unwrap();
        assert_eq!(patch.workflow_change_confirmed, Some(true));
        assert_eq!(patch.usage_started_on, Some(None), "an empty date clears");
        assert_eq!(patch.continued_use_attested, Some(None), "withdrawn");
        assert!(patch.check("").is_empty());
    }

    #[test]
    fn a_form_date_that_is_no_date_is_refused_in_words_a_page_can_say() {
        let form = FormCheckpoints {
            usage_started_on: "1月10日",
            ..FormCheckpoints::default()
        };
        let errors = form_patch(ParticipantRole::Referred, &Checkpoints::default(), &form)
            .unwrap_err()
            .into_vec();
        assert_eq!(errors[0].field, "usage_started_on");
        assert_eq!(errors[0].refusal, Refusal::NotADate);
    }

    #[test]
    fn a_sheet_reports_bad_rows_by_line_and_keeps_the_rest() {
        let csv =
            "office_number,start_survey_answered,usage_started_on,continued_use_attested_reason\n\
                   １３７０１０００１６,済,2024/01/10,\r\n\
                   1371100049,maybe,,\n\
                   13701,true,,\n\
                   1371100049,,2024-02-30,\n\
                   1371100049,false,,一覧の更新漏れ\n";
        let sheet = parse_sheet(csv.as_bytes()).unwrap();
        assert_eq!(sheet.rows.len(), 2);
        assert_eq!(sheet.rows[0].office_number.as_str(), "1370100016");
        assert_eq!(sheet.rows[0].patch.start_survey_answered, Some(true));
        assert_eq!(
            sheet.rows[0].patch.usage_started_on,
            Some(Some("2024-01-10".parse().unwrap()))
        );
        assert_eq!(sheet.rows[0].patch.continued_use_attested, None);
        assert_eq!(sheet.rows[1].line, 6);
        let bad: Vec<u64> = sheet.invalid_rows.iter().map(|r| r.line).collect();
        assert_eq!(bad, [3, 4, 5]);
    }

    #[test]
    fn a_stray_quote_or_an_unclosed_field_loses_no_other_row() {
        let csv = "受付一覧\n\
                   事業所番号（10桁）,start_survey_answered,continued_use_attested_reason\n\
                   1370100016,済,利用画面で\"確認\"\n\
                   1371100049,\"未\n\
                   1310000011,済,\n";
        let sheet = parse_sheet(csv.as_bytes()).unwrap();
        assert_eq!(sheet.header_line, 2);
        let taken: Vec<(u64, &str)> = sheet
            .rows
            .iter()
            .map(|r| (r.line, r.office_number.as_str()))
            .collect();
        assert_eq!(taken, [(3, "1370100016"), (5, "1310000011")]);
        assert_eq!(
            sheet.rows[0].patch.continued_use_attested,
            Some(Some(Attestation {
                reason: "利用画面で\"確認\"".into()
            }))
        );
        let bad: Vec<u64> = sheet.invalid_rows.iter().map(|r| r.line).collect();
        assert_eq!(bad, [4]);
    }
}
