//! When an office may answer: the start survey from the day it is accepted, the end survey
//! from some days before the campaign ends; both until some days after it ends, so the end
//! survey can be answered at the end itself. Days are Japan-time calendar days, both ends
//! included.

use super::SurveyKind;
use crate::domain::FieldErrors;
use chrono::{Duration, NaiveDate};
use serde::{Deserialize, Serialize};

/// The campaign's settings for the windows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct SurveyDays {
    /// Days before `ends_on` on which the end survey opens.
    pub end_survey_opens_days: i32,
    /// Days after `ends_on` on which both surveys close (answers taken that day too).
    pub survey_closes_days_after_end: i32,
}

impl Default for SurveyDays {
    fn default() -> Self {
        SurveyDays {
            end_survey_opens_days: 31,
            survey_closes_days_after_end: 30,
        }
    }
}

/// Past a year either way a window no longer describes this campaign.
pub const MAX_SURVEY_DAYS: i32 = 366;

impl SurveyDays {
    pub fn check(&self, errors: &mut FieldErrors) {
        for (field, days) in [
            ("end_survey_opens_days", self.end_survey_opens_days),
            (
                "survey_closes_days_after_end",
                self.survey_closes_days_after_end,
            ),
        ] {
            if !(0..=MAX_SURVEY_DAYS).contains(&days) {
                errors.push(field, format!("must be 0 to {MAX_SURVEY_DAYS} days"));
            }
        }
    }
}

/// The days on which a survey takes answers from one office.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    /// `None` while the office is not accepted: the start survey has not opened for it.
    pub opens_on: Option<NaiveDate>,
    pub closes_on: NaiveDate,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WindowState {
    /// Opens on that day, or (`None`) once the office is accepted.
    NotYet(Option<NaiveDate>),
    Open,
    Closed(NaiveDate),
}

impl Window {
    /// The window of `kind` for an office accepted on `accepted_on`.
    pub fn of(
        kind: SurveyKind,
        accepted_on: Option<NaiveDate>,
        ends_on: NaiveDate,
        days: SurveyDays,
    ) -> Window {
        let opens_on = match kind {
            SurveyKind::Start => accepted_on,
            SurveyKind::End => {
                Some(ends_on - Duration::days(i64::from(days.end_survey_opens_days)))
            }
        };
        Window {
            opens_on,
            closes_on: ends_on + Duration::days(i64::from(days.survey_closes_days_after_end)),
        }
    }

    pub fn state(&self, today: NaiveDate) -> WindowState {
        match self.opens_on {
            _ if today > self.closes_on => WindowState::Closed(self.closes_on),
            Some(day) if today >= day => WindowState::Open,
            other => WindowState::NotYet(other),
        }
    }

    pub fn is_open(&self, today: NaiveDate) -> bool {
        self.state(today) == WindowState::Open
    }
}
