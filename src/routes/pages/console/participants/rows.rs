//! The table's rows: an office's checkpoints as cells, the open ones marked, and its form.

use super::Typed;
use crate::domain::application::ParticipantRole;
use crate::domain::year_end::Reason;
use crate::routes::pages::form::Values;
use crate::service::checkpoints::OfficeCheckpoints;

pub(super) struct Cell {
    pub(super) text: String,
    pub(super) open: bool,
}

pub(super) struct CheckBox {
    pub(super) name: &'static str,
    pub(super) label: &'static str,
    pub(super) checked: bool,
}

pub(super) struct RowForm {
    pub(super) action: String,
    /// The table's page, to come back to.
    pub(super) page: i64,
    pub(super) expanded: bool,
    pub(super) usage_started_on: String,
    pub(super) usage_error: Option<String>,
    pub(super) boxes: Vec<CheckBox>,
    pub(super) reason: String,
    pub(super) reason_error: Option<String>,
    pub(super) other_error: Option<String>,
}

pub(super) struct Row {
    pub(super) office_number: String,
    pub(super) name: String,
    pub(super) role: &'static str,
    /// In the table's column order: usage start, start survey, end survey, workflow change,
    /// linkage, continued use.
    pub(super) cells: Vec<Cell>,
    pub(super) form: Option<RowForm>,
}

pub(super) fn cell(text: impl Into<String>, open: bool) -> Cell {
    Cell {
        text: text.into(),
        open,
    }
}

pub(super) fn done(yes: bool, done: &str, not_yet: &str) -> String {
    (if yes { done } else { not_yet }).to_owned()
}

/// The office's checkpoints as cells, each marked open when a condition it records is unmet.
pub(super) fn cells(o: &OfficeCheckpoints) -> Vec<Cell> {
    use Reason::*;
    let open = |reasons: &[Reason]| o.open.iter().any(|r| reasons.contains(r));
    let c = &o.checkpoints;
    let mut usage = match (c.usage_started_on, o.using_system_since) {
        (Some(day), _) => day.to_string(),
        (None, Some(day)) => format!("未記録（応募時の申告: {day}）"),
        (None, None) => "未記録".to_owned(),
    };
    // A start before the office applied (or was referred) is open though a date is there.
    if open(&[StartedBeforeApplication]) {
        usage.push_str("（応募日より前）");
    } else if open(&[StartedBeforeReferral]) {
        usage.push_str("（紹介を受けた日より前）");
    }
    let role_only = |role: ParticipantRole, yes: bool, reason: Reason| {
        if o.role == role {
            cell(done(yes, "確認済み", "未確認"), open(&[reason]))
        } else {
            cell("対象外", false)
        }
    };
    let continued = match (&c.continued_use_attested, o.on_usage_list) {
        (_, true) => "利用者リストに掲載".to_owned(),
        (Some(a), false) => format!("確認済み（{}）", a.reason),
        (None, false) => "未確認".to_owned(),
    };
    vec![
        cell(
            usage,
            open(&[
                UsageNotStarted,
                StartedBeforeReferral,
                StartedBeforeApplication,
            ]),
        ),
        cell(
            done(c.start_survey_answered, "回答済み", "未回答"),
            open(&[StartSurveyMissing]),
        ),
        cell(
            done(c.end_survey_answered, "回答済み", "未回答"),
            open(&[EndSurveyMissing]),
        ),
        role_only(
            ParticipantRole::Model,
            c.workflow_change_confirmed,
            WorkflowChangeUnconfirmed,
        ),
        role_only(
            ParticipantRole::Referred,
            c.linkage_confirmed,
            LinkageUnconfirmed,
        ),
        cell(continued, open(&[NotUsingAtEnd])),
    ]
}

pub(super) fn ticked(values: &Values, name: &str) -> bool {
    values.get(name) == "true"
}

/// The row's form: what is recorded, or what was typed when it came back refused.
pub(super) fn row_form(
    campaign: &str,
    page: i64,
    o: &OfficeCheckpoints,
    typed: Option<&Typed>,
) -> RowForm {
    let c = &o.checkpoints;
    let mut boxes = vec![
        CheckBox {
            name: "start_survey_answered",
            label: "利用開始時アンケートに回答した",
            checked: c.start_survey_answered,
        },
        CheckBox {
            name: "end_survey_answered",
            label: "年度末アンケートに回答した",
            checked: c.end_survey_answered,
        },
    ];
    match o.role {
        ParticipantRole::Model => boxes.push(CheckBox {
            name: "workflow_change_confirmed",
            label: "業務フロー変更を確認した",
            checked: c.workflow_change_confirmed,
        }),
        ParticipantRole::Referred => boxes.push(CheckBox {
            name: "linkage_confirmed",
            label: "紹介元とのデータ連携を確認した",
            checked: c.linkage_confirmed,
        }),
        ParticipantRole::Single | ParticipantRole::PairMember => {}
    }
    let mut form = RowForm {
        action: format!(
            "/staff/campaigns/{campaign}/participants/{}/checkpoints",
            o.office_number
        ),
        page,
        expanded: false,
        usage_started_on: c
            .usage_started_on
            .map(|d| d.to_string())
            .unwrap_or_default(),
        usage_error: None,
        boxes,
        reason: c
            .continued_use_attested
            .as_ref()
            .map(|a| a.reason.clone())
            .unwrap_or_default(),
        reason_error: None,
        other_error: None,
    };
    if let Some(Typed::Checkpoints {
        office_number,
        values,
        errors,
    }) = typed
    {
        if *office_number == o.office_number {
            form.expanded = true;
            form.usage_started_on = values.get("usage_started_on").to_owned();
            form.reason = values.get("continued_use_attested_reason").to_owned();
            for b in &mut form.boxes {
                b.checked = ticked(values, b.name);
            }
            for e in errors {
                let slot = match e.field.as_str() {
                    "usage_started_on" => &mut form.usage_error,
                    "continued_use_attested.reason" => &mut form.reason_error,
                    _ => &mut form.other_error,
                };
                slot.get_or_insert_with(|| e.japanese());
            }
        }
    }
    form
}
