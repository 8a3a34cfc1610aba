//! The one CSV reader behind every import (usage lists, checkpoint sheets, seminar attendees).
//!
//! It never loses a row: every non-blank line of the file is either part of a record that is
//! read, or the first line of a record that is refused, so rows taken + rows refused = records.
//! Lines are numbered as a person counts them in the file (blank lines included), which the csv
//! crate does not do after blank lines, and the csv crate has no way to give up on a quoted
//! field that never closes and go on at the next line.
//!
//! - Encoding is decided over the whole stream ([`Decoded`]), which is why it must be
//!   seekable: an upload is spooled to a temporary file first.
//! - A `"` opens a quoted field only as the first thing in the field; anywhere else it is an
//!   ordinary character, so `むさしの"本店` is read as written.
//! - A quoted field may hold commas, doubled quotes and line breaks, but one still open after
//!   [`MAX_RECORD_LINES`] lines or at the end of the file is refused at its first line, and
//!   reading goes on at the line after it.
//! - CRLF or LF; fields are trimmed.
//! - The header is the first of the first [`HEADER_SEARCH_RECORDS`] records that has a column
//!   naming the office number; title lines above it are skipped.

use crate::domain::row_refusal::RowRefusal;
use std::collections::VecDeque;
use std::io::{self, BufRead, BufReader, Read, Seek};

/// The most lines one record may span.
pub const MAX_RECORD_LINES: usize = 20;

/// How many non-blank records from the top may be titles before the header.
pub const HEADER_SEARCH_RECORDS: usize = 10;

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

mod decoded;
pub use decoded::Decoded;
#[cfg(test)]
use decoded::CHUNK;

/// One non-blank record of the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    /// The line it starts on.
    pub line: u64,
    /// The line it ends on: later than `line` when a quoted field spans lines.
    pub last_line: u64,
    /// Its fields, or why it was refused.
    pub fields: Result<Vec<String>, RowRefusal>,
}

/// Records of already-decoded text, each with the lines it stands on.
pub struct Records<R> {
    input: R,
    /// Lines read from `input` so far.
    line: u64,
    /// Lines read but handed back by a refused record, to be read again.
    pending: VecDeque<(u64, String)>,
}

impl<R: BufRead> Records<R> {
    pub fn new(input: R) -> Self {
        Records {
            input,
            line: 0,
            pending: VecDeque::new(),
        }
    }

    fn next_line(&mut self) -> io::Result<Option<(u64, String)>> {
        if let Some(line) = self.pending.pop_front() {
            return Ok(Some(line));
        }
        let mut text = String::new();
        if self.input.read_line(&mut text)? == 0 {
            return Ok(None);
        }
        self.line += 1;
        if text.ends_with('\n') {
            text.pop();
            if text.ends_with('\r') {
                text.pop();
            }
        }
        Ok(Some((self.line, text)))
    }

    /// The next non-blank record, or `None` at the end.
    pub fn next_record(&mut self) -> io::Result<Option<Record>> {
        let (line, text) = loop {
            match self.next_line()? {
                None => return Ok(None),
                Some((_, text)) if text.trim().is_empty() => {}
                Some(first) => break first,
            }
        };
        let mut fields = Fields::default();
        fields.feed(&text);
        let mut spanned: Vec<(u64, String)> = Vec::new();
        while fields.quoted() {
            let next = if spanned.len() + 1 < MAX_RECORD_LINES {
                self.next_line()?
            } else {
                None
            };
            let Some((next_line, next_text)) = next else {
                let why = if spanned.len() + 1 < MAX_RECORD_LINES {
                    RowRefusal::UnclosedQuote
                } else {
                    RowRefusal::QuoteTooLong
                };
                // The lines after the first are read again as records of their own.
                for spanned_line in spanned.into_iter().rev() {
                    self.pending.push_front(spanned_line);
                }
                return Ok(Some(Record {
                    line,
                    last_line: line,
                    fields: Err(why),
                }));
            };
            fields.line_break();
            fields.feed(&next_text);
            spanned.push((next_line, next_text));
        }
        let cells = fields.finish();
        // A cell no database stores refuses its row here, so no import has to remember to.
        let unstorable = cells
            .iter()
            .position(|cell| crate::domain::text::storable(cell).is_err());
        Ok(Some(Record {
            line,
            last_line: spanned.last().map_or(line, |(l, _)| *l),
            fields: match unstorable {
                None => Ok(cells),
                Some(column) => Err(RowRefusal::Unstorable { column: column + 1 }),
            },
        }))
    }
}

#[derive(Default)]
enum FieldState {
    /// Nothing but spaces yet: a `"` here opens a quoted field.
    #[default]
    Start,
    Unquoted,
    Quoted,
    /// After the closing quote; anything up to the comma is kept as written.
    Closed,
}

/// Splits a record's text into fields as it is fed line by line.
#[derive(Default)]
struct Fields {
    done: Vec<String>,
    field: String,
    state: FieldState,
}

impl Fields {
    fn quoted(&self) -> bool {
        matches!(self.state, FieldState::Quoted)
    }

    fn line_break(&mut self) {
        self.field.push('\n');
    }

    fn feed(&mut self, text: &str) {
        let mut chars = text.chars().peekable();
        while let Some(c) = chars.next() {
            match (&self.state, c) {
                (FieldState::Quoted, '"') if chars.peek() == Some(&'"') => {
                    self.field.push('"');
                    chars.next();
                }
                (FieldState::Quoted, '"') => self.state = FieldState::Closed,
                (FieldState::Quoted, c) => self.field.push(c),
                (FieldState::Start, '"') => {
                    self.field.clear();
                    self.state = FieldState::Quoted;
                }
                (_, ',') => {
                    self.done
                        .push(std::mem::take(&mut self.field).trim().to_owned());
                    self.state = FieldState::Start;
                }
                (FieldState::Start, c) => {
                    self.field.push(c);
                    if !c.is_whitespace() {
                        self.state = FieldState::Unquoted;
                    }
                }
                (_, c) => self.field.push(c),
            }
        }
    }

    fn finish(mut self) -> Vec<String> {
        self.done.push(self.field.trim().to_owned());
        self.done
    }
}

/// A header cell as a column name: trimmed, without a note in brackets after the name
/// (`介護保険事業所番号(10桁)`, `usage_started_on（任意）`).
pub fn column_name(cell: &str) -> &str {
    let mut name = cell.trim();
    loop {
        let Some(last) = name.chars().last() else {
            return name;
        };
        let opens: &[char] = match last {
            ')' | '）' => &['(', '（'],
            ']' | '］' => &['[', '［'],
            '】' => &['【'],
            _ => return name,
        };
        match name.rfind(opens) {
            Some(0) | None => return name,
            Some(at) => name = name[..at].trim_end(),
        }
    }
}

/// Whether a column name names the office number.
pub fn names_office_number(name: &str) -> bool {
    name == "office_number" || name.contains("事業所番号")
}

/// The header row an import was read against.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Header {
    /// The line it stands on.
    pub line: u64,
    /// Column names as [`column_name`] reads them.
    pub names: Vec<String>,
    pub office_column: usize,
}

impl Header {
    pub fn column(&self, name: &str) -> Option<usize> {
        self.names.iter().position(|n| n == name)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum TableError {
    #[error("none of the first {HEADER_SEARCH_RECORDS} non-blank lines is a header with an office number column (office_number, or a name containing 事業所番号)")]
    NoHeader,
    #[error("the file is not readable CSV: {0}")]
    Unreadable(#[from] io::Error),
}

/// A CSV import: its header found, then its records in file order.
pub struct Table<R: Read + Seek> {
    records: Records<BufReader<Decoded<R>>>,
    pub header: Header,
}

impl<R: Read + Seek> Table<R> {
    /// Decodes `input` and finds its header.
    pub fn open(input: R) -> Result<Self, TableError> {
        let mut records = Records::new(BufReader::new(Decoded::new(input)?));
        for _ in 0..HEADER_SEARCH_RECORDS {
            let Some(record) = records.next_record()? else {
                break;
            };
            let Ok(cells) = record.fields else { continue };
            let names: Vec<String> = cells.iter().map(|c| column_name(c).to_owned()).collect();
            if let Some(office_column) = names.iter().position(|n| names_office_number(n)) {
                return Ok(Table {
                    records,
                    header: Header {
                        line: record.line,
                        names,
                        office_column,
                    },
                });
            }
        }
        Err(TableError::NoHeader)
    }

    /// The next record after the header, or `None` at the end.
    pub fn next_record(&mut self) -> io::Result<Option<Record>> {
        self.records.next_record()
    }

    /// The encoding the file was read in; final once every record has been read.
    pub fn encoding(&self) -> Encoding {
        self.records.input.get_ref().encoding()
    }
}

#[cfg(test)]
mod tests;

/// For the importers' property tests: bodies made of what troubles a CSV reader, and the
/// records the one reader finds in them.
#[cfg(test)]
pub(crate) mod testing {
    use super::Table;
    use proptest::prelude::*;

    /// Text made of the pieces that trouble a CSV reader: numbers, stray and doubled quotes,
    /// commas, every kind of line break.
    pub fn body() -> impl Strategy<Value = String> {
        prop::collection::vec(
            prop::sample::select(vec![
                "1370100016",
                "1371100049",
                "13-7010-0016",
                "x",
                "済",
                "\"",
                "\"\"",
                ",",
                "\n",
                "\r\n",
                "\r",
                " ",
                "む",
            ]),
            0..150,
        )
        .prop_map(|pieces| pieces.concat())
    }

    /// The header's line and how many records follow it.
    pub fn records_after_header(text: &str) -> (u64, usize) {
        let mut table = Table::open(std::io::Cursor::new(text.as_bytes())).unwrap();
        let mut records = 0;
        while table.next_record().unwrap().is_some() {
            records += 1;
        }
        (table.header.line, records)
    }
}
