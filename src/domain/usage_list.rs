//! Reading a usage list as real exports come: UTF-8 with or without a BOM, or Shift_JIS (as
//! Japanese Excel saves CSV); CRLF; quoted fields; extra columns; blank lines; office numbers
//! written with full-width digits, hyphens or spaces. It reads from any `Read`, row by row, so a
//! national list is never held whole; each bad row is reported with its line and reason and the
//! good rows are kept.

use super::csv_lines::Records;
use super::office_list::InvalidRow;
use super::office_number::OfficeNumber;
use std::io::{self, Read};

/// Header names taken as the office number column (English, and as MHLW lists write it).
pub const OFFICE_NUMBER_HEADERS: &[&str] = &["office_number", "事業所番号", "介護保険事業所番号"];

/// Invalid rows reported in full; beyond this only their count is kept.
pub const MAX_REPORTED_INVALID: usize = 1_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Encoding {
    Utf8,
    ShiftJis,
}

impl Encoding {
    pub fn as_str(self) -> &'static str {
        match self {
            Encoding::Utf8 => "utf_8",
            Encoding::ShiftJis => "shift_jis",
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum UsageListError {
    #[error("the header row has no office number column (office_number or 事業所番号)")]
    NoColumn,
    #[error("the file is not readable CSV: {0}")]
    Unreadable(String),
}

/// What a whole list came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Summary {
    pub encoding: Encoding,
    /// Distinct well-formed office numbers.
    pub rows: usize,
    pub invalid_row_count: usize,
    /// The first [`MAX_REPORTED_INVALID`] invalid rows.
    pub invalid_rows: Vec<InvalidRow>,
}

/// An office number as people write it, made plain: full-width letters and digits become
/// ASCII, hyphens, dashes and spaces go, letters are upper-cased.
pub fn plain_office_number(written: &str) -> String {
    written
        .chars()
        .filter_map(|c| match c {
            '０'..='９' | 'Ａ'..='Ｚ' | 'ａ'..='ｚ' => {
                char::from_u32(c as u32 - 0xFEE0).map(|c| c.to_ascii_uppercase())
            }
            '-' | '‐' | '‑' | '‒' | '–' | '—' | '−' | 'ー' | '－' | 'ｰ' | ' ' | '　' | '\t' => {
                None
            }
            c => Some(c.to_ascii_uppercase()),
        })
        .collect()
}

/// Decodes a byte stream to UTF-8: UTF-8 when it starts with a BOM or its first block is valid
/// UTF-8, else Shift_JIS (Windows-31J, as Excel writes it).
pub struct Decoded<R> {
    inner: R,
    encoding: Encoding,
    decoder: Option<encoding_rs::Decoder>,
    pending: Vec<u8>,
    out: Vec<u8>,
    out_at: usize,
    done: bool,
}

const SNIFF: usize = 64 * 1024;

impl<R: Read> Decoded<R> {
    pub fn new(mut inner: R) -> io::Result<Self> {
        let mut head = Vec::with_capacity(SNIFF);
        (&mut inner).take(SNIFF as u64).read_to_end(&mut head)?;
        let (encoding, skip) = if head.starts_with(b"\xEF\xBB\xBF") {
            (Encoding::Utf8, 3)
        } else if utf8_prefix(&head) {
            (Encoding::Utf8, 0)
        } else {
            (Encoding::ShiftJis, 0)
        };
        let decoder = (encoding == Encoding::ShiftJis)
            .then(|| encoding_rs::SHIFT_JIS.new_decoder_without_bom_handling());
        Ok(Decoded {
            inner,
            encoding,
            decoder,
            pending: head.split_off(skip.min(head.len())),
            out: Vec::new(),
            out_at: 0,
            done: false,
        })
    }

    pub fn encoding(&self) -> Encoding {
        self.encoding
    }

    fn refill(&mut self) -> io::Result<()> {
        let mut raw = std::mem::take(&mut self.pending);
        if raw.is_empty() && !self.done {
            raw.resize(SNIFF, 0);
            let n = self.inner.read(&mut raw)?;
            raw.truncate(n);
            self.done = n == 0;
        }
        self.out.clear();
        self.out_at = 0;
        match &mut self.decoder {
            None => self.out = raw,
            Some(decoder) => {
                let mut text = String::with_capacity(raw.len() * 3 / 2 + 16);
                let needed = decoder
                    .max_utf8_buffer_length(raw.len())
                    .unwrap_or(raw.len() * 3 + 16);
                text.reserve(needed);
                let (_, _, _) = decoder.decode_to_string(&raw, &mut text, self.done);
                self.out = text.into_bytes();
            }
        }
        Ok(())
    }
}

/// Whether `bytes` is UTF-8, but for a sequence cut off at its end.
fn utf8_prefix(bytes: &[u8]) -> bool {
    match std::str::from_utf8(bytes) {
        Ok(_) => true,
        Err(e) => e.error_len().is_none(),
    }
}

impl<R: Read> Read for Decoded<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        while self.out_at >= self.out.len() {
            if self.done && self.pending.is_empty() {
                return Ok(0);
            }
            self.refill()?;
        }
        let n = buf.len().min(self.out.len() - self.out_at);
        buf[..n].copy_from_slice(&self.out[self.out_at..self.out_at + n]);
        self.out_at += n;
        Ok(n)
    }
}

/// Reads the list from `input`, calling `keep` once for each distinct well-formed office
/// number in file order.
pub fn read<R: Read>(
    input: R,
    mut keep: impl FnMut(OfficeNumber),
) -> Result<Summary, UsageListError> {
    let decoded = Decoded::new(input).map_err(|e| UsageListError::Unreadable(e.to_string()))?;
    let encoding = decoded.encoding();
    let mut records = Records::new(io::BufReader::new(decoded));
    let unreadable = |e: io::Error| UsageListError::Unreadable(e.to_string());
    let (_, headers) = records
        .next_record()
        .map_err(unreadable)?
        .unwrap_or_default();
    let column = headers
        .iter()
        .position(|h| OFFICE_NUMBER_HEADERS.contains(&h.trim_start_matches('\u{FEFF}')))
        .ok_or(UsageListError::NoColumn)?;
    let mut seen = std::collections::HashSet::new();
    let mut summary = Summary {
        encoding,
        rows: 0,
        invalid_row_count: 0,
        invalid_rows: Vec::new(),
    };
    while let Some((line, record)) = records.next_record().map_err(unreadable)? {
        let Some(cell) = record.get(column) else {
            note_invalid(&mut summary, line, "no office number in this row".into());
            continue;
        };
        let plain = plain_office_number(cell);
        match OfficeNumber::parse(&plain) {
            Ok(parsed) => {
                if seen.insert(parsed.number.clone()) {
                    summary.rows += 1;
                    keep(parsed.number);
                }
            }
            Err(e) => note_invalid(&mut summary, line, format!("office number {cell:?}: {e}")),
        }
    }
    Ok(summary)
}

fn note_invalid(summary: &mut Summary, line: u64, error: String) {
    summary.invalid_row_count += 1;
    if summary.invalid_rows.len() < MAX_REPORTED_INVALID {
        summary.invalid_rows.push(InvalidRow { line, error });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn numbers(bytes: &[u8]) -> (Vec<String>, Summary) {
        let mut kept = Vec::new();
        let summary = read(bytes, |n| kept.push(n.as_str().to_owned())).unwrap();
        (kept, summary)
    }

    #[test]
    fn written_office_numbers_are_made_plain() {
        assert_eq!(plain_office_number("１３７０１０００１６"), "1370100016");
        assert_eq!(plain_office_number("13-7010-0016"), "1370100016");
        assert_eq!(plain_office_number(" 13 7010 0016 "), "1370100016");
        assert_eq!(plain_office_number("１３Ａ１ー００１６"), "13A10016");
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
        let lines: Vec<u64> = s.invalid_rows.iter().map(|r| r.line).collect();
        assert_eq!(lines, [3, 6]);
    }

    #[test]
    fn a_list_without_the_column_is_refused() {
        assert!(matches!(
            read(&b"name,number\na,1370100016\n"[..], |_| {}),
            Err(UsageListError::NoColumn)
        ));
    }

    #[test]
    fn a_multibyte_character_cut_at_the_sniffing_boundary_is_still_utf8() {
        let mut csv = String::from("office_number,note\n");
        while csv.len() < SNIFF + 10 {
            csv.push_str("1370100016,武蔵野市緑町\n");
        }
        let (kept, s) = numbers(csv.as_bytes());
        assert_eq!(s.encoding, Encoding::Utf8);
        assert_eq!(kept, ["1370100016"]);
        assert_eq!(s.invalid_row_count, 0);
    }
}
