//! Campaign rows and their deadline history.

use super::schema::{campaign_deadline_changes, campaigns};
use super::DbConn;
use crate::domain::campaign::{Contact, Honoraria, OfficeCheckDigitPolicy, Rules, Settings};
use crate::domain::ids::CampaignId;
use crate::domain::survey::SurveyDays;
use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::Serialize;

#[derive(
    Debug, Clone, Queryable, QueryableByName, Selectable, Insertable, AsChangeset, Serialize,
)]
// A cleared contact or notice is written as NULL, not skipped as unchanged.
#[diesel(table_name = campaigns, treat_none_as_null = true)]
pub struct CampaignRow {
    pub id: CampaignId,
    pub code: String,
    pub name: String,
    pub region_code: String,
    pub region_name: String,
    pub opens_at: NaiveDateTime,
    pub deadline: NaiveDate,
    pub ends_on: NaiveDate,
    pub total_slots: i32,
    pub model_slots: i32,
    pub reserved_seminar_slots: i32,
    pub max_referrals: i32,
    pub honorarium_general_yen: i64,
    pub honorarium_model_yen: i64,
    pub honorarium_referred_yen: i64,
    pub office_check_digit: OfficeCheckDigitPolicy,
    pub partner_failure_blocks: bool,
    pub promote_after_deadline: bool,
    pub referral_same_corporation_allowed: bool,
    pub last_sequence: i64,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub contact_name: Option<String>,
    pub contact_email: Option<String>,
    pub contact_phone: Option<String>,
    pub contact_hours: Option<String>,
    pub privacy_notice: Option<String>,
    pub privacy_notice_url: Option<String>,
    pub end_survey_opens_days: i32,
    pub survey_closes_days_after_end: i32,
}

impl CampaignRow {
    pub fn new(id: CampaignId, s: &Settings, now: NaiveDateTime) -> Self {
        Self::from_settings(id, s, 0, now, now)
    }

    /// The one listing of every setting as its column; `settings` reads them back.
    fn from_settings(
        id: CampaignId,
        s: &Settings,
        last_sequence: i64,
        created_at: NaiveDateTime,
        updated_at: NaiveDateTime,
    ) -> Self {
        CampaignRow {
            id,
            code: s.code.clone(),
            name: s.name.clone(),
            region_code: s.region_code.clone(),
            region_name: s.region_name.clone(),
            opens_at: s.opens_at,
            deadline: s.deadline,
            ends_on: s.ends_on,
            total_slots: s.total_slots,
            model_slots: s.model_slots,
            reserved_seminar_slots: s.reserved_seminar_slots,
            max_referrals: s.max_referrals,
            honorarium_general_yen: s.honoraria.general,
            honorarium_model_yen: s.honoraria.model,
            honorarium_referred_yen: s.honoraria.referred,
            office_check_digit: s.rules.office_check_digit,
            partner_failure_blocks: s.rules.partner_failure_blocks,
            promote_after_deadline: s.rules.promote_after_deadline,
            referral_same_corporation_allowed: s.rules.referral_same_corporation_allowed,
            last_sequence,
            created_at,
            updated_at,
            contact_name: s.contact.name.clone(),
            contact_email: s.contact.email.clone(),
            contact_phone: s.contact.phone.clone(),
            contact_hours: s.contact.hours.clone(),
            privacy_notice: s.privacy_notice.clone(),
            privacy_notice_url: s.privacy_notice_url.clone(),
            end_survey_opens_days: s.survey_days.end_survey_opens_days,
            survey_closes_days_after_end: s.survey_days.survey_closes_days_after_end,
        }
    }

    pub fn settings(&self) -> Settings {
        Settings {
            code: self.code.clone(),
            name: self.name.clone(),
            region_code: self.region_code.clone(),
            region_name: self.region_name.clone(),
            opens_at: self.opens_at,
            deadline: self.deadline,
            ends_on: self.ends_on,
            total_slots: self.total_slots,
            model_slots: self.model_slots,
            reserved_seminar_slots: self.reserved_seminar_slots,
            max_referrals: self.max_referrals,
            honoraria: Honoraria {
                general: self.honorarium_general_yen,
                model: self.honorarium_model_yen,
                referred: self.honorarium_referred_yen,
            },
            rules: Rules {
                office_check_digit: self.office_check_digit,
                partner_failure_blocks: self.partner_failure_blocks,
                promote_after_deadline: self.promote_after_deadline,
                referral_same_corporation_allowed: self.referral_same_corporation_allowed,
            },
            contact: self.contact(),
            privacy_notice: self.privacy_notice.clone(),
            privacy_notice_url: self.privacy_notice_url.clone(),
            survey_days: self.survey_days(),
        }
    }

    pub fn survey_days(&self) -> SurveyDays {
        SurveyDays {
            end_survey_opens_days: self.end_survey_opens_days,
            survey_closes_days_after_end: self.survey_closes_days_after_end,
        }
    }

    pub fn contact(&self) -> Contact {
        Contact {
            name: self.contact_name.clone(),
            email: self.contact_email.clone(),
            phone: self.contact_phone.clone(),
            hours: self.contact_hours.clone(),
        }
    }

    /// Changes every setting, keeping the row's identity, sequence and times.
    pub fn apply(&mut self, s: &Settings) {
        *self = Self::from_settings(
            self.id.clone(),
            s,
            self.last_sequence,
            self.created_at,
            self.updated_at,
        );
    }
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable, Serialize)]
#[diesel(table_name = campaign_deadline_changes)]
pub struct DeadlineChangeRow {
    pub id: String,
    pub campaign_id: CampaignId,
    pub previous_deadline: NaiveDate,
    pub new_deadline: NaiveDate,
    pub reason: String,
    pub changed_by: String,
    pub changed_at: NaiveDateTime,
}

pub fn insert(conn: &mut DbConn, row: &CampaignRow) -> QueryResult<()> {
    diesel::insert_into(campaigns::table)
        .values(row)
        .execute(conn)
        .map(drop)
}

pub fn find(conn: &mut DbConn, id: &CampaignId) -> QueryResult<Option<CampaignRow>> {
    campaigns::table
        .find(id)
        .select(CampaignRow::as_select())
        .first(conn)
        .optional()
}

pub fn find_by_code(conn: &mut DbConn, code: &str) -> QueryResult<Option<CampaignRow>> {
    campaigns::table
        .filter(campaigns::code.eq(code))
        .select(CampaignRow::as_select())
        .first(conn)
        .optional()
}

/// Reads the campaign after taking its row lock (PostgreSQL; SQLite's write transaction
/// already excludes other writers), so changes to it and to what it caps happen one at a time.
pub fn lock(conn: &mut DbConn, id: &CampaignId) -> QueryResult<Option<CampaignRow>> {
    let touched = diesel::update(campaigns::table.find(id))
        .set(campaigns::last_sequence.eq(campaigns::last_sequence))
        .execute(conn)?;
    if touched == 0 {
        return Ok(None);
    }
    find(conn, id)
}

/// Takes the campaign's next `count` arrival numbers: the increment is also the campaign's
/// lock, held until commit. Returns the row with `last_sequence` as the last number taken; a
/// transaction that then refuses rolls the numbers back with everything else.
pub fn take_sequences(
    conn: &mut DbConn,
    id: &CampaignId,
    count: i64,
) -> QueryResult<Option<CampaignRow>> {
    // One round trip under the lock. SQLite numbers `$n` parameters in the order they first
    // appear, PostgreSQL by n: written in order, both read them alike.
    diesel::sql_query(
        "UPDATE campaigns SET last_sequence = last_sequence + $1 WHERE id = $2 RETURNING *",
    )
    .bind::<diesel::sql_types::BigInt, _>(count)
    .bind::<diesel::sql_types::Text, _>(id.as_str())
    .get_result(conn)
    .optional()
}

pub fn list(conn: &mut DbConn, offset: i64, limit: i64) -> QueryResult<(Vec<CampaignRow>, i64)> {
    let total = campaigns::table.count().get_result(conn)?;
    let rows = campaigns::table
        .order((campaigns::opens_at.desc(), campaigns::code.asc()))
        .offset(offset)
        .limit(limit)
        .select(CampaignRow::as_select())
        .load(conn)?;
    Ok((rows, total))
}

pub fn save(conn: &mut DbConn, row: &CampaignRow) -> QueryResult<()> {
    diesel::update(campaigns::table.find(&row.id))
        .set(row)
        .execute(conn)
        .map(drop)
}

pub fn insert_deadline_change(conn: &mut DbConn, row: &DeadlineChangeRow) -> QueryResult<()> {
    diesel::insert_into(campaign_deadline_changes::table)
        .values(row)
        .execute(conn)
        .map(drop)
}

pub fn deadline_history(
    conn: &mut DbConn,
    campaign_id: &CampaignId,
) -> QueryResult<Vec<DeadlineChangeRow>> {
    campaign_deadline_changes::table
        .filter(campaign_deadline_changes::campaign_id.eq(campaign_id))
        .order(campaign_deadline_changes::changed_at.asc())
        .select(DeadlineChangeRow::as_select())
        .load(conn)
}
