//! Importing a usage list: the offices using the system as of a date. The file is read as it
//! arrives, before any transaction; storing it takes one transaction and no campaign lock.

use super::{Actor, ServiceError, ServiceResult};
use crate::db::year_end::{self as rows, UsageListRow};
use crate::db::{audit, campaigns, DbConn};
use crate::domain::csv_lines::Encoding;
use crate::domain::ids::CampaignId;
use crate::domain::office_list::InvalidRow;
use crate::domain::usage_list::{self, Summary};
use crate::domain::FieldErrors;
use chrono::{NaiveDate, NaiveDateTime};
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::io::Read;

/// A list read and checked, ready to store.
pub struct ParsedList {
    pub office_numbers: Vec<String>,
    pub summary: Summary,
    /// SHA-256 of the file's bytes as sent, so the list a check used can be matched to a file.
    pub sha256: String,
}

/// Passes bytes through while hashing them.
pub(super) struct Hashing<R> {
    inner: R,
    hash: Sha256,
}

impl<R: Read> Hashing<R> {
    pub(super) fn new(inner: R) -> Self {
        Hashing {
            inner,
            hash: Sha256::new(),
        }
    }

    /// Reads what the CSV reader left (nothing, for a well-formed file: it still counts) and
    /// gives the SHA-256 of every byte, in hex.
    pub(super) fn finish(mut self) -> ServiceResult<String> {
        std::io::copy(&mut self, &mut std::io::sink()).map_err(|e| {
            let mut errors = FieldErrors::new();
            errors.push("body", e.to_string());
            ServiceError::Invalid(errors)
        })?;
        Ok(hex::encode(self.hash.finalize()))
    }
}

impl<R: Read> Read for Hashing<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.hash.update(&buf[..n]);
        Ok(n)
    }
}

/// Reads a list from `input`; blocking, touches no database.
pub fn parse(input: impl Read) -> ServiceResult<ParsedList> {
    let mut hashing = Hashing::new(input);
    let mut office_numbers = Vec::new();
    let summary = usage_list::read(&mut hashing, |n| office_numbers.push(n.as_str().to_owned()))
        .map_err(|e| {
            let mut errors = FieldErrors::new();
            errors.push("body", e.to_string());
            ServiceError::Invalid(errors)
        })?;
    Ok(ParsedList {
        office_numbers,
        summary,
        sha256: hashing.finish()?,
    })
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct UsageListView {
    pub id: String,
    pub as_of: NaiveDate,
    /// The line taken as the header: the first of the first 10 non-blank lines with an office
    /// number column.
    pub header_line: u64,
    /// Distinct well-formed office numbers in the file.
    pub rows: usize,
    /// Well-formed rows naming an office already listed above them, so that `rows`,
    /// `duplicate_rows` and `invalid_row_count` add up to the records after the header.
    pub duplicate_rows: usize,
    /// The first 1,000 rows that could not be read, with their line and why.
    pub invalid_rows: Vec<InvalidRow>,
    pub invalid_row_count: usize,
    pub encoding: Encoding,
    pub sha256: String,
}

/// Stores a parsed list for the campaign. Runs inside the caller's write transaction.
pub fn import(
    conn: &mut DbConn,
    actor: &Actor,
    now: NaiveDateTime,
    campaign_id: &CampaignId,
    as_of: NaiveDate,
    list: &ParsedList,
) -> ServiceResult<UsageListView> {
    campaigns::find(conn, campaign_id)?.ok_or(ServiceError::NotFound("campaign"))?;
    let row = UsageListRow {
        id: uuid::Uuid::now_v7().to_string(),
        campaign_id: campaign_id.clone(),
        as_of,
        row_count: i32::try_from(list.summary.rows).unwrap_or(i32::MAX),
        invalid_row_count: i32::try_from(list.summary.invalid_row_count).unwrap_or(i32::MAX),
        encoding: list.summary.encoding.as_str().to_owned(),
        sha256: list.sha256.clone(),
        imported_at: now,
        imported_by: actor.label.clone(),
    };
    rows::insert_usage_list(conn, &row, &list.office_numbers)?;
    audit::record(
        conn,
        now,
        audit::Change {
            actor: &actor.label,
            action: "usage_list.import",
            entity: "usage_list",
            entity_id: &row.id,
            campaign_id: Some(campaign_id),
            before: None,
            after: Some(serde_json::to_value(&row).unwrap_or_default()),
        },
    )?;
    Ok(UsageListView {
        id: row.id,
        as_of,
        header_line: list.summary.header_line,
        rows: list.summary.rows,
        duplicate_rows: list.summary.duplicate_rows,
        invalid_rows: list.summary.invalid_rows.clone(),
        invalid_row_count: list.summary.invalid_row_count,
        encoding: list.summary.encoding,
        sha256: row.sha256,
    })
}
