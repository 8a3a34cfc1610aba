//! The page's upload forms: which file each takes, and each as shown, with what came back
//! refused beside its field.

use super::Typed;
use crate::domain::{jst, FieldError};

/// The three files the page takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(in super::super) enum Upload {
    Checkpoints,
    UsageList,
    Attendees,
}

impl Upload {
    /// Its element ids' stem.
    pub(super) fn id(self) -> &'static str {
        match self {
            Upload::Checkpoints => "checkpoints",
            Upload::UsageList => "usage-list",
            Upload::Attendees => "attendees",
        }
    }

    pub(super) fn action(self, campaign: &str) -> String {
        let last = match self {
            Upload::Checkpoints => "checkpoints",
            Upload::UsageList => "usage-lists",
            Upload::Attendees => "seminar-attendees",
        };
        format!("/staff/campaigns/{campaign}/{last}")
    }

    pub(in super::super) fn title(self) -> &'static str {
        match self {
            Upload::Checkpoints => "チェックポイント一覧",
            Upload::UsageList => "利用者リスト",
            Upload::Attendees => "セミナー出席者名簿",
        }
    }

    pub(super) fn hint(self) -> &'static str {
        match self {
            Upload::Checkpoints => "CSV（UTF-8 または Shift_JIS）。見出し行に事業所番号の列と、usage_started_on・start_survey_answered・end_survey_answered・workflow_change_confirmed・linkage_confirmed・continued_use_attested_reason のいずれかの列。空欄は変更しません。",
            Upload::UsageList => "CSV（UTF-8 または Shift_JIS）。見出し行に事業所番号の列。ほかの列は読みません。",
            Upload::Attendees => "CSV（UTF-8 または Shift_JIS）。見出し行に事業所番号の列。名簿の事業所は優先枠で応募でき、待っている応募が繰り上がることがあります。",
        }
    }
}

pub(super) struct UploadForm {
    pub(super) id: &'static str,
    pub(super) action: String,
    pub(super) legend: &'static str,
    pub(super) hint: &'static str,
    pub(super) as_of: Option<String>,
    pub(super) as_of_error: Option<String>,
    pub(super) file_error: Option<String>,
}

pub(super) fn upload_form(campaign: &str, upload: Upload, typed: Option<&Typed>) -> UploadForm {
    let mine = match typed {
        Some(Typed::Upload {
            upload: which,
            as_of,
            errors,
        }) if *which == upload => Some((as_of, errors)),
        _ => None,
    };
    // The date's refusal beside the date; any other (no file, an unreadable one) beside the
    // file.
    let error = |on_date: bool| {
        mine.and_then(|(_, errors)| {
            errors
                .iter()
                .find(|e| (e.field == "as_of") == on_date)
                .map(FieldError::japanese)
        })
    };
    let today = jst::date_of(crate::clock::now()).to_string();
    UploadForm {
        id: upload.id(),
        action: upload.action(campaign),
        legend: upload.title(),
        hint: upload.hint(),
        as_of: (upload == Upload::UsageList)
            .then(|| mine.map(|(typed, _)| typed.clone()).unwrap_or(today)),
        as_of_error: error(true),
        file_error: error(false),
    }
}
