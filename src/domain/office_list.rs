//! A CSV list of office numbers (seminar attendees): read by the shared CSV reader, so a header
//! row with an office number column (`office_number`, or a name containing 事業所番号) under at
//! most a few title lines; other columns are ignored.

use super::office_number::OfficeNumber;
use super::row_refusal::RowRefusal;
use super::written::plain_number;
use crate::formats::csv_lines::{Table, TableError};
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct InvalidRow {
    /// 1-based line in the file; the header is line 1.
    pub line: u64,
    /// Why, in English: [`RowRefusal::english`].
    pub error: String,
    /// Why, as a value: the console says it in Japanese from this.
    #[serde(skip)]
    #[schema(ignore)]
    pub refusal: RowRefusal,
}

impl InvalidRow {
    /// Why, in Japanese, for the console's upload page.
    pub fn japanese(&self) -> String {
        self.refusal.japanese()
    }
}

/// Invalid rows listed in an import's answer; beyond this only their count is kept, so a
/// file of nothing but bad rows gets an answer of bounded size.
pub const MAX_REPORTED_INVALID: usize = 1_000;

/// Counts a refused row and lists it while fewer than [`MAX_REPORTED_INVALID`] are listed.
pub fn note_invalid(
    listed: &mut Vec<InvalidRow>,
    count: &mut usize,
    line: u64,
    refusal: impl Into<RowRefusal>,
) {
    *count += 1;
    if listed.len() < MAX_REPORTED_INVALID {
        let refusal = refusal.into();
        listed.push(InvalidRow {
            line,
            error: refusal.english(),
            refusal,
        });
    }
}

/// Every record after the header is counted once: in `offices`, `duplicate_rows` or
/// `invalid_row_count`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OfficeList {
    /// The line taken as the header.
    pub header_line: u64,
    /// Well-formed numbers in file order, each once.
    pub offices: Vec<OfficeNumber>,
    /// Well-formed rows naming an office already listed above them.
    pub duplicate_rows: usize,
    pub invalid_row_count: usize,
    /// The first [`MAX_REPORTED_INVALID`] invalid rows.
    pub invalid_rows: Vec<InvalidRow>,
}

pub fn parse(bytes: &[u8]) -> Result<OfficeList, TableError> {
    let mut table = Table::open(std::io::Cursor::new(bytes))?;
    let column = table.header.office_column;
    let mut list = OfficeList {
        header_line: table.header.line,
        offices: Vec::new(),
        duplicate_rows: 0,
        invalid_row_count: 0,
        invalid_rows: Vec::new(),
    };
    let mut seen = std::collections::HashSet::new();
    while let Some(record) = table.next_record()? {
        let parsed = record.fields.and_then(|cells| {
            let cell = cells.get(column).ok_or(RowRefusal::NoOfficeNumber)?;
            OfficeNumber::parse(&plain_number(cell)).map_err(|error| RowRefusal::OfficeNumber {
                written: cell.clone(),
                error,
            })
        });
        match parsed {
            Ok(p) if seen.insert(p.number.as_str().to_owned()) => list.offices.push(p.number),
            Ok(_) => list.duplicate_rows += 1,
            Err(error) => note_invalid(
                &mut list.invalid_rows,
                &mut list.invalid_row_count,
                record.line,
                error,
            ),
        }
    }
    Ok(list)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::formats::csv_lines::testing::{body, records_after_header};

    proptest::proptest! {
        #[test]
        fn every_record_of_a_list_is_an_office_a_repeat_or_a_refused_row(body in body()) {
            let text = format!("name,office_number\n{body}");
            let list = parse(text.as_bytes()).unwrap();
            let (header_line, records) = records_after_header(&text);
            proptest::prop_assert_eq!(list.header_line, header_line);
            proptest::prop_assert_eq!(
                list.offices.len() + list.duplicate_rows + list.invalid_row_count,
                records
            );
        }
    }

    #[test]
    fn reads_the_office_number_column_and_reports_bad_lines() {
        let csv =
            "\u{FEFF}name,office_number\nA,1370100016\nB,13701\nC,1370100016\n\"D\",1371100049\n";
        let list = parse(csv.as_bytes()).unwrap();
        let numbers: Vec<_> = list.offices.iter().map(|o| o.as_str()).collect();
        assert_eq!(numbers, ["1370100016", "1371100049"]);
        assert_eq!(list.invalid_rows.len(), 1);
        assert_eq!(list.invalid_rows[0].line, 3);
        assert_eq!(list.duplicate_rows, 1);
    }

    #[test]
    fn a_stray_quote_loses_no_row_and_shift_jis_is_read() {
        let text =
            "セミナー出席者\r\n名称,事業所番号\r\nむさしの\"本店,1370100016\r\n緑町,1371100049\r\n";
        let (sjis, _, _) = encoding_rs::SHIFT_JIS.encode(text);
        let list = parse(&sjis).unwrap();
        let numbers: Vec<_> = list.offices.iter().map(|o| o.as_str()).collect();
        assert_eq!(numbers, ["1370100016", "1371100049"]);
        assert_eq!(list.header_line, 2);
        assert!(list.invalid_rows.is_empty());
    }

    #[test]
    fn a_file_without_the_column_is_refused() {
        assert!(matches!(
            parse(b"number\n1370100016\n"),
            Err(TableError::NoHeader)
        ));
    }
}
