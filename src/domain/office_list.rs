//! A CSV list of office numbers (seminar attendees, system usage lists): a header row with an
//! `office_number` column; other columns are ignored. A UTF-8 BOM, as Excel writes, is allowed.

use super::csv_lines::Records;
use super::office_number::OfficeNumber;
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct InvalidRow {
    /// 1-based line in the file; the header is line 1.
    pub line: u64,
    pub error: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OfficeList {
    /// Well-formed numbers in file order, each once.
    pub offices: Vec<OfficeNumber>,
    pub invalid_rows: Vec<InvalidRow>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OfficeListError {
    #[error("the header row has no office_number column")]
    NoColumn,
    #[error("the file is not readable CSV: {0}")]
    Unreadable(String),
}

pub fn parse(bytes: &[u8]) -> Result<OfficeList, OfficeListError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let mut records = Records::new(bytes);
    let unreadable = |e: std::io::Error| OfficeListError::Unreadable(e.to_string());
    let (_, headers) = records
        .next_record()
        .map_err(unreadable)?
        .unwrap_or_default();
    let column = headers
        .iter()
        .position(|h| h == "office_number")
        .ok_or(OfficeListError::NoColumn)?;
    let mut offices: Vec<OfficeNumber> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    let mut invalid_rows = Vec::new();
    while let Some((line, record)) = records.next_record().map_err(unreadable)? {
        let parsed = record
            .get(column)
            .ok_or_else(|| "no office_number cell".to_owned())
            .and_then(|cell| {
                OfficeNumber::parse(cell).map_err(|e| format!("office_number {cell:?}: {e}"))
            });
        match parsed {
            Ok(p) if seen.insert(p.number.as_str().to_owned()) => offices.push(p.number),
            Ok(_) => {}
            Err(error) => invalid_rows.push(InvalidRow { line, error }),
        }
    }
    Ok(OfficeList {
        offices,
        invalid_rows,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_office_number_column_and_reports_bad_lines() {
        let csv =
            "\u{FEFF}name,office_number\nA,1370100016\nB,13701\nC,1370100016\n\"D\",1371100049\n";
        let list = parse(csv.as_bytes()).unwrap();
        let numbers: Vec<_> = list.offices.iter().map(|o| o.as_str()).collect();
        assert_eq!(numbers, ["1370100016", "1371100049"]);
        assert_eq!(list.invalid_rows.len(), 1);
        assert_eq!(list.invalid_rows[0].line, 3);
    }

    #[test]
    fn a_file_without_the_column_is_refused() {
        assert_eq!(
            parse(b"number\n1370100016\n"),
            Err(OfficeListError::NoColumn)
        );
    }
}
