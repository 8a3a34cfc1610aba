//! Reading a usage list as real exports come: UTF-8 with or without a BOM, or Shift_JIS (as
//! Japanese Excel saves CSV); CRLF; quoted fields; extra columns; blank lines; office numbers
//! written with full-width digits, hyphens or spaces. It reads from any `Read`, row by row, so a
//! national list is never held whole; each bad row is reported with its line and reason and the
//! good rows are kept.

use super::office_number::OfficeNumber;
use super::row_refusal::RowRefusal;
use super::written::plain_number;
use crate::formats::csv_lines::{Encoding, Table, TableError};
use std::io::{Read, Seek};

use super::office_list::InvalidRow;
pub use super::office_list::MAX_REPORTED_INVALID;

/// What a whole list came to. Every record after the header is counted once, in exactly one of
/// `rows`, `duplicate_rows` and `invalid_row_count`: an office listed twice is one office using
/// the system, so `rows` counts distinct offices and the repeats are counted apart.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Summary {
    pub encoding: Encoding,
    /// The line taken as the header.
    pub header_line: u64,
    /// Distinct well-formed office numbers.
    pub rows: usize,
    /// Well-formed rows naming an office already listed above them.
    pub duplicate_rows: usize,
    pub invalid_row_count: usize,
    /// The first [`MAX_REPORTED_INVALID`] invalid rows.
    pub invalid_rows: Vec<InvalidRow>,
}

/// Reads the list from `input`, calling `keep` once for each distinct well-formed office
/// number in file order.
pub fn read<R: Read + Seek>(
    input: R,
    mut keep: impl FnMut(OfficeNumber),
) -> Result<Summary, TableError> {
    let mut table = Table::open(input)?;
    let column = table.header.office_column;
    let mut seen = std::collections::HashSet::new();
    let mut summary = Summary {
        encoding: Encoding::Utf8,
        header_line: table.header.line,
        rows: 0,
        duplicate_rows: 0,
        invalid_row_count: 0,
        invalid_rows: Vec::new(),
    };
    while let Some(record) = table.next_record()? {
        let line = record.line;
        let cells = match record.fields {
            Ok(cells) => cells,
            Err(why) => {
                note_invalid(&mut summary, line, why);
                continue;
            }
        };
        let Some(cell) = cells.get(column) else {
            note_invalid(&mut summary, line, RowRefusal::NoOfficeNumber);
            continue;
        };
        let plain = plain_number(cell);
        match OfficeNumber::parse(&plain) {
            Ok(parsed) => {
                if seen.insert(parsed.number.clone()) {
                    summary.rows += 1;
                    keep(parsed.number);
                } else {
                    summary.duplicate_rows += 1;
                }
            }
            Err(error) => note_invalid(
                &mut summary,
                line,
                RowRefusal::OfficeNumber {
                    written: cell.clone(),
                    error,
                },
            ),
        }
    }
    summary.encoding = table.encoding();
    Ok(summary)
}

fn note_invalid(summary: &mut Summary, line: u64, error: RowRefusal) {
    super::office_list::note_invalid(
        &mut summary.invalid_rows,
        &mut summary.invalid_row_count,
        line,
        error,
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    fn numbers(bytes: &[u8]) -> (Vec<String>, Summary) {
        let mut kept = Vec::new();
        let summary = read(std::io::Cursor::new(bytes), |n| {
            kept.push(n.as_str().to_owned())
        })
        .unwrap();
        (kept, summary)
    }

    #[test]
    fn written_office_numbers_are_made_plain() {
        assert_eq!(plain_number("１３７０１０００１６"), "1370100016");
        assert_eq!(plain_number("13-7010-0016"), "1370100016");
        assert_eq!(plain_number(" 13 7010 0016 "), "1370100016");
        assert_eq!(plain_number("１３Ａ１ー００１６"), "13A10016");
    }

    #[test]
    fn utf8_with_bom_crlf_quotes_extra_columns_and_blank_lines() {
        let csv = "\u{FEFF}事業所名,事業所番号,所在地\r\n\"むさしの, 本店\",1370100016,武蔵野市\r\n\r\n緑町,\"１３７１１０００４９\",\"a\"\"b\"\r\n";
        let (kept, s) = numbers(csv.as_bytes());
        assert_eq!(kept, ["1370100016", "1371100049"]);
        assert_eq!(s.encoding, Encoding::Utf8);
        assert_eq!(s.invalid_row_count, 0);
    }

    #[test]
    fn shift_jis_as_excel_saves_it() {
        let text = "事業所名,office_number\r\nむさしの居宅,13-7010-0016\r\n";
        let (sjis, _, _) = encoding_rs::SHIFT_JIS.encode(text);
        let (kept, s) = numbers(&sjis);
        assert_eq!(kept, ["1370100016"]);
        assert_eq!(s.encoding, Encoding::ShiftJis);
    }

    #[test]
    fn bad_rows_are_reported_with_their_line_and_good_ones_kept() {
        let csv = "office_number\r\n1370100016\r\nnot-a-number\r\n\r\n1370100016\r\n13701\r\n1371100049\r\n";
        let (kept, s) = numbers(csv.as_bytes());
        assert_eq!(kept, ["1370100016", "1371100049"]);
        assert_eq!(s.rows, 2);
        assert_eq!(s.duplicate_rows, 1);
        let lines: Vec<u64> = s.invalid_rows.iter().map(|r| r.line).collect();
        assert_eq!(lines, [3, 6]);
    }

    #[test]
    fn a_stray_quote_loses_no_row() {
        let csv =
            "office_number,name\n1310000011,むさしの\"本店\n1370100016,緑町\n1371100049,吉祥寺\n";
        let (kept, s) = numbers(csv.as_bytes());
        assert_eq!(kept, ["1310000011", "1370100016", "1371100049"]);
        assert_eq!(s.invalid_row_count, 0);
    }

    #[test]
    fn an_unclosed_quoted_field_is_refused_at_its_first_line_and_later_rows_kept() {
        let csv =
            "office_number,name\n1310000011,\"むさしの本店\n1370100016,緑町\n\n1371100049,吉祥寺\n";
        let (kept, s) = numbers(csv.as_bytes());
        assert_eq!(kept, ["1370100016", "1371100049"]);
        assert_eq!(s.invalid_row_count, 1);
        assert_eq!(s.invalid_rows[0].line, 2);
    }

    #[test]
    fn a_late_shift_jis_byte_makes_the_whole_file_shift_jis() {
        let mut text = "office_number,name\r\n".to_owned();
        while text.len() < 100 * 1024 {
            text.push_str("1370100016,musashino\r\n");
        }
        text.push_str("1371100049,武蔵野\r\n");
        let (sjis, _, _) = encoding_rs::SHIFT_JIS.encode(&text);
        let (kept, s) = numbers(&sjis);
        assert_eq!(kept, ["1370100016", "1371100049"]);
        assert_eq!(s.encoding, Encoding::ShiftJis);
        assert_eq!(s.invalid_row_count, 0);
    }

    #[test]
    fn a_title_line_above_a_header_with_a_note() {
        let csv = "令和6年3月末 利用事業所一覧\r\n事業所名,介護保険事業所番号(10桁)\r\nむさしの,1370100016\r\n";
        let (kept, s) = numbers(csv.as_bytes());
        assert_eq!(kept, ["1370100016"]);
        assert_eq!(s.header_line, 2);
    }

    proptest::proptest! {
        #[test]
        fn every_record_after_the_header_is_counted_once(
            header in proptest::sample::select(vec!["office_number", "名称,事業所番号（10桁）", "令和6年 \"一覧\n\noffice_number,x"]),
            body in proptest::collection::vec(
                proptest::sample::select(vec![
                    "1370100016", "1371100049", "13-7010-0016", "x", "\"", ",", "\n", "\r\n", " ", "む",
                ]),
                0..150,
            ),
        ) {
            let text = format!("{header}\n{}", body.concat());
            let s = read(std::io::Cursor::new(text.as_bytes()), |_| {}).unwrap();
            let (header_line, records) =
                crate::formats::csv_lines::testing::records_after_header(&text);
            proptest::prop_assert_eq!(s.header_line, header_line);
            proptest::prop_assert_eq!(s.rows + s.duplicate_rows + s.invalid_row_count, records);
        }

        #[test]
        fn any_bytes_after_a_header_are_read_and_counted(
            bytes in proptest::collection::vec(proptest::arbitrary::any::<u8>(), 0..600),
        ) {
            let mut input = b"office_number\n".to_vec();
            input.extend_from_slice(&bytes);
            let s = read(std::io::Cursor::new(&input[..]), |_| {}).unwrap();
            proptest::prop_assert_eq!(s.header_line, 1);
            proptest::prop_assert_eq!(s.invalid_rows.len(), s.invalid_row_count);
        }
    }

    #[test]
    fn a_list_without_the_column_is_refused() {
        assert!(matches!(
            read(
                std::io::Cursor::new(&b"name,number\na,1370100016\n"[..]),
                |_| {}
            ),
            Err(TableError::NoHeader)
        ));
    }
}
