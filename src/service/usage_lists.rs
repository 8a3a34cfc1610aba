//! Importing a usage list: the offices using the system as of a date. The file is read as it
//! arrives, before any transaction; storing it takes one transaction and no campaign lock.

use super::{Actor, ServiceError, ServiceResult};
use crate::db::usage_lists::{self as rows, UsageListRow};
use crate::db::{audit, campaigns, DbConn};
use crate::domain::audit_action::Action;
use crate::domain::ids::CampaignId;
use crate::domain::office_list::InvalidRow;
use crate::domain::usage_list::{self, Summary};
use crate::domain::FieldErrors;
use crate::formats::csv_lines::Encoding;
use chrono::{NaiveDate, NaiveDateTime};
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::io::{Read, Seek, Write};

/// A list read and checked, ready to store.
pub struct ParsedList {
    pub office_numbers: Vec<String>,
    pub summary: Summary,
    /// SHA-256 of the file's bytes as sent, so the list a check used can be matched to a file.
    pub sha256: String,
}

/// An upload kept in an unnamed temporary file as it arrived, so that the CSV reader can read
/// it twice (once to decide its encoding, once to read it) without holding it in memory.
pub(super) struct Spooled {
    pub(super) file: std::fs::File,
    /// SHA-256 of every byte as sent, in hex.
    pub(super) sha256: String,
}

impl Spooled {
    pub(super) fn new(mut input: impl Read) -> ServiceResult<Self> {
        let mut file = tempfile::tempfile().map_err(ServiceError::Spool)?;
        let mut hash = Sha256::new();
        let mut chunk = vec![0u8; 64 * 1024];
        loop {
            let n = match input.read(&mut chunk) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                // The client's body broke off (or was too large): the file's fault.
                Err(e) => {
                    let mut errors = FieldErrors::new();
                    errors.push("body", e.to_string());
                    return Err(ServiceError::Invalid(errors));
                }
            };
            hash.update(&chunk[..n]);
            file.write_all(&chunk[..n]).map_err(ServiceError::Spool)?;
        }
        file.seek(std::io::SeekFrom::Start(0))
            .map_err(ServiceError::Spool)?;
        Ok(Spooled {
            file,
            sha256: hex::encode(hash.finalize()),
        })
    }
}

/// Reads a list from `input`; blocking, touches no database.
pub fn parse(input: impl Read) -> ServiceResult<ParsedList> {
    let spooled = Spooled::new(input)?;
    let mut office_numbers = Vec::new();
    let summary = usage_list::read(std::io::BufReader::new(spooled.file), |n| {
        office_numbers.push(n.as_str().to_owned())
    })
    .map_err(|e| {
        let mut errors = FieldErrors::new();
        errors.push("body", e);
        ServiceError::Invalid(errors)
    })?;
    Ok(ParsedList {
        office_numbers,
        summary,
        sha256: spooled.sha256,
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
            action: Action::UsageListImport,
            entity: "usage_list",
            entity_id: &row.id,
            campaign_id: Some(campaign_id),
            before: None,
            after: Some(crate::service::audit::snapshot(&row)?),
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
