//! Importing an office register: read as it arrives, before any transaction, then stored in
//! one transaction with its audit event. A register belongs to no campaign: every campaign
//! counts its own region's offices from it.

use super::usage_lists::Spooled;
use super::{Actor, ServiceError, ServiceResult};
use crate::db::office_registers::{self as rows, RegisterOfficeRow, RegisterRow};
use crate::db::{audit, DbConn};
use crate::domain::audit_action::Action;
use crate::domain::ids::RegisterId;
use crate::domain::office_list::InvalidRow;
use crate::domain::office_register::{self, Register, RegisterError};
use crate::domain::FieldErrors;
use crate::formats::csv_lines::Encoding;
use chrono::{NaiveDate, NaiveDateTime};
use serde::Serialize;
use std::io::Read;

/// A register read and checked, ready to store.
pub struct ParsedRegister {
    pub register: Register,
    /// SHA-256 of the file's bytes as sent.
    pub sha256: String,
}

/// Reads a register from `input`; blocking, touches no database. A file that cannot be a
/// register (no header, a needed column missing) is refused whole, naming the body.
pub fn parse(input: impl Read) -> ServiceResult<ParsedRegister> {
    let spooled = Spooled::new(input)?;
    let register = office_register::read(std::io::BufReader::new(spooled.file)).map_err(|e| {
        let mut errors = FieldErrors::new();
        match &e {
            RegisterError::MissingColumns(columns) => {
                for column in columns {
                    errors.push("body", format!("the header has no {column} column"));
                }
            }
            RegisterError::Table(_) => errors.push("body", e.to_string()),
        }
        ServiceError::Invalid(errors)
    })?;
    Ok(ParsedRegister {
        register,
        sha256: spooled.sha256,
    })
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct RegisterView {
    #[schema(value_type = String, format = Uuid)]
    pub id: RegisterId,
    pub as_of: NaiveDate,
    /// Well-formed rows: an office listed under several service types is several rows.
    pub rows: usize,
    /// Distinct offices, each counted once.
    pub offices: usize,
    /// The first 1,000 rows that could not be read, with their line and why.
    pub invalid_rows: Vec<InvalidRow>,
    pub invalid_row_count: usize,
    /// The line taken as the header.
    pub header_line: u64,
    pub encoding: Encoding,
    pub sha256: String,
}

fn count(n: usize) -> i32 {
    i32::try_from(n).unwrap_or(i32::MAX)
}

/// Stores a parsed register. Runs inside the caller's write transaction.
pub fn import(
    conn: &mut DbConn,
    actor: &Actor,
    now: NaiveDateTime,
    as_of: NaiveDate,
    parsed: &ParsedRegister,
) -> ServiceResult<RegisterView> {
    let register = &parsed.register;
    let row = RegisterRow {
        id: RegisterId::new(),
        as_of,
        row_count: count(register.rows),
        office_count: count(register.offices.len()),
        invalid_row_count: count(register.invalid_row_count),
        encoding: register.encoding.as_str().to_owned(),
        sha256: parsed.sha256.clone(),
        imported_at: now,
        imported_by: actor.label.clone(),
    };
    let offices: Vec<RegisterOfficeRow> = register
        .offices
        .iter()
        .map(|o| RegisterOfficeRow {
            register_id: row.id.clone(),
            office_number: o.office_number.as_str().to_owned(),
            name: o.name.clone(),
            kind: o.kind,
            municipality_code: o.municipality.as_str().to_owned(),
            corporate_number: o.corporate_number.as_ref().map(|c| c.as_str().to_owned()),
            corporation_name: o.corporation_name.clone(),
            address: o.address.clone(),
        })
        .collect();
    rows::insert(conn, &row, offices)?;
    audit::record(
        conn,
        now,
        audit::Change {
            actor: &actor.label,
            action: Action::OfficeRegisterImport,
            entity: "office_register",
            entity_id: row.id.as_str(),
            campaign_id: None,
            before: None,
            after: Some(crate::service::audit::snapshot(&row)?),
        },
    )?;
    Ok(RegisterView {
        id: row.id,
        as_of,
        rows: register.rows,
        offices: register.offices.len(),
        invalid_rows: register.invalid_rows.clone(),
        invalid_row_count: register.invalid_row_count,
        header_line: register.header_line,
        encoding: register.encoding,
        sha256: parsed.sha256.clone(),
    })
}
