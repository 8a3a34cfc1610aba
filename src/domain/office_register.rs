//! Reading a register of long-term-care offices as the national open data publishes it (介護
//! サービス情報公表システムのオープンデータ): one row per office and service type, so an office
//! with several services is listed several times and counts once. Its kind follows from all
//! its rows: care management (居宅介護支援) when any of them is, else a service office. Read
//! through the shared CSV reader, row by row; each bad row is reported with its line.

use super::application::OfficeKind;
use super::corporate_number::CorporateNumber;
use super::municipality::MunicipalityCode;
use super::office_list::{note_invalid, InvalidRow};
use super::office_number::OfficeNumber;
use super::row_refusal::RowRefusal;
use super::written::plain_number;
use crate::formats::csv_lines::{Encoding, Header, Table, TableError};
use std::collections::HashMap;
use std::io::{Read, Seek};

/// The service type that makes an office a care-management office.
pub const CARE_MANAGEMENT_SERVICE: &str = "居宅介護支援";

/// Whether a service type, as the register writes it, is care management. Only 居宅介護支援
/// itself: 介護予防支援 (prevention plans by community centres) is another service.
pub fn is_care_management(service_type: &str) -> bool {
    let name = service_type.trim();
    name == CARE_MANAGEMENT_SERVICE || name == "care_management"
}

/// The kind of an office listed under these service types.
pub fn kind_of<'a>(service_types: impl IntoIterator<Item = &'a str>) -> OfficeKind {
    if service_types.into_iter().any(is_care_management) {
        OfficeKind::CareManagement
    } else {
        OfficeKind::Service
    }
}

/// One office of the register, its rows merged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegisterOffice {
    pub office_number: OfficeNumber,
    pub name: String,
    pub kind: OfficeKind,
    pub municipality: MunicipalityCode,
    pub corporate_number: Option<CorporateNumber>,
    pub corporation_name: Option<String>,
    pub address: Option<String>,
}

/// A whole register read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Register {
    pub encoding: Encoding,
    pub header_line: u64,
    /// Well-formed rows, an office's rows for other service types included.
    pub rows: usize,
    /// Distinct offices, in the order of their first row.
    pub offices: Vec<RegisterOffice>,
    pub invalid_row_count: usize,
    /// The first [`super::office_list::MAX_REPORTED_INVALID`] invalid rows.
    pub invalid_rows: Vec<InvalidRow>,
}

#[derive(Debug, thiserror::Error)]
pub enum RegisterError {
    #[error(transparent)]
    Table(#[from] TableError),
    #[error("the header has no {} column", .0.join(", no "))]
    MissingColumns(Vec<&'static str>),
}

/// Where each column stands in the header. A column is found by its Japanese name as the open
/// data writes it, or by the API's English name.
struct Columns {
    office_number: usize,
    name: usize,
    service_type: usize,
    municipality: usize,
    corporate_number: Option<usize>,
    corporation_name: Option<usize>,
    address: Option<usize>,
}

fn find(header: &Header, names: &[&str]) -> Option<usize> {
    names.iter().find_map(|n| header.column(n))
}

impl Columns {
    fn of(header: &Header) -> Result<Self, RegisterError> {
        let name = find(header, &["事業所名", "name"]);
        let service_type = find(header, &["サービスの種類", "service_type"]);
        let municipality = find(
            header,
            &[
                "市区町村コード",
                "都道府県コード又は市町村コード",
                "municipality_code",
            ],
        );
        let mut missing = Vec::new();
        for (found, column) in [
            (name, "事業所名 (name)"),
            (service_type, "サービスの種類 (service_type)"),
            (municipality, "市区町村コード (municipality_code)"),
        ] {
            if found.is_none() {
                missing.push(column);
            }
        }
        match (name, service_type, municipality) {
            (Some(name), Some(service_type), Some(municipality)) => Ok(Columns {
                office_number: header.office_column,
                name,
                service_type,
                municipality,
                corporate_number: find(header, &["法人番号", "corporate_number"]),
                corporation_name: find(header, &["法人の名称", "corporation_name"]),
                address: find(header, &["住所", "address"]),
            }),
            _ => Err(RegisterError::MissingColumns(missing)),
        }
    }

    /// One row as an office and its service type, or why it cannot be read.
    fn read(&self, cells: &[String]) -> Result<(RegisterOffice, bool), String> {
        let cell = |i: usize| cells.get(i).map(String::as_str).unwrap_or("");
        let optional = |i: Option<usize>| i.map(cell).filter(|v| !v.is_empty()).map(str::to_owned);
        let number = cell(self.office_number);
        let office_number = OfficeNumber::parse(&plain_number(number))
            .map_err(|e| format!("office number {number:?}: {e}"))?
            .number;
        let name = cell(self.name);
        if name.is_empty() {
            return Err("the office name (事業所名) is empty".into());
        }
        let service_type = cell(self.service_type);
        if service_type.is_empty() {
            return Err("the service type (サービスの種類) is empty".into());
        }
        let code = cell(self.municipality);
        let municipality = MunicipalityCode::parse(code)
            .map_err(|e| format!("municipality code {code:?}: {e}"))?;
        let corporate_number = optional(self.corporate_number)
            .map(|n| {
                CorporateNumber::parse(&plain_number(&n))
                    .map_err(|e| format!("corporate number {n:?}: {e}"))
            })
            .transpose()?;
        let kind = kind_of([service_type]);
        Ok((
            RegisterOffice {
                office_number,
                name: name.to_owned(),
                kind,
                municipality,
                corporate_number,
                corporation_name: optional(self.corporation_name),
                address: optional(self.address),
            },
            kind == OfficeKind::CareManagement,
        ))
    }
}

/// Reads a register from `input`. A file without a header naming the office number, the
/// office's name, its service type and its municipality is refused whole.
pub fn read<R: Read + Seek>(input: R) -> Result<Register, RegisterError> {
    let mut table = Table::open(input)?;
    let columns = Columns::of(&table.header)?;
    let mut register = Register {
        encoding: Encoding::Utf8,
        header_line: table.header.line,
        rows: 0,
        offices: Vec::new(),
        invalid_row_count: 0,
        invalid_rows: Vec::new(),
    };
    let mut seen: HashMap<OfficeNumber, usize> = HashMap::new();
    while let Some(record) = table.next_record().map_err(TableError::from)? {
        let read = record
            .fields
            .and_then(|cells| columns.read(&cells).map_err(RowRefusal::Other));
        match read {
            Ok((office, care_management)) => {
                register.rows += 1;
                match seen.get(&office.office_number) {
                    // The first row names the office; a later one can only make it care
                    // management.
                    Some(&at) if care_management => {
                        register.offices[at].kind = OfficeKind::CareManagement
                    }
                    Some(_) => {}
                    None => {
                        seen.insert(office.office_number.clone(), register.offices.len());
                        register.offices.push(office);
                    }
                }
            }
            Err(error) => note_invalid(
                &mut register.invalid_rows,
                &mut register.invalid_row_count,
                record.line,
                error,
            ),
        }
    }
    register.encoding = table.encoding();
    Ok(register)
}

#[cfg(test)]
mod tests;
