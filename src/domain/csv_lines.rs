//! CSV records with the line each starts on, as a person counts lines in the file (blank lines
//! included), so a bad row is reported where it stands. RFC 4180 quoting: a quoted field may
//! hold commas, doubled quotes and line breaks; CRLF or LF; fields trimmed. The csv crate
//! numbers lines from where the previous record ended, which puts every row after a blank
//! line one or more lines off.

use std::io::{self, BufRead};

pub struct Records<R> {
    input: R,
    /// Lines consumed so far.
    line: u64,
    text: String,
}

impl<R: BufRead> Records<R> {
    pub fn new(input: R) -> Self {
        Records {
            input,
            line: 0,
            text: String::new(),
        }
    }

    /// The next non-blank record and the line it starts on, or `None` at the end.
    pub fn next_record(&mut self) -> io::Result<Option<(u64, Vec<String>)>> {
        loop {
            self.text.clear();
            if self.input.read_line(&mut self.text)? == 0 {
                return Ok(None);
            }
            self.line += 1;
            let start = self.line;
            // A quoted field running over the line break: keep reading until quotes balance.
            while self.text.matches('"').count() % 2 == 1 {
                if self.input.read_line(&mut self.text)? == 0 {
                    break;
                }
                self.line += 1;
            }
            let record = self.text.trim_end_matches(['\n', '\r']);
            if record.trim().is_empty() {
                continue;
            }
            return Ok(Some((start, fields(record))));
        }
    }
}

fn fields(record: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = record.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' if quoted && chars.peek() == Some(&'"') => {
                field.push('"');
                chars.next();
            }
            '"' if quoted => quoted = false,
            '"' if field.trim().is_empty() => {
                field.clear();
                quoted = true;
            }
            ',' if !quoted => out.push(std::mem::take(&mut field).trim().to_owned()),
            c => field.push(c),
        }
    }
    out.push(field.trim().to_owned());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(input: &str) -> Vec<(u64, Vec<String>)> {
        let mut records = Records::new(input.as_bytes());
        let mut out = Vec::new();
        while let Some(r) = records.next_record().unwrap() {
            out.push(r);
        }
        out
    }

    #[test]
    fn lines_count_blank_ones_and_crlf_alike() {
        for input in ["h\r\na\r\n\r\nb\r\n", "h\na\n\nb\n", "h\na\n  \nb"] {
            let lines: Vec<u64> = all(input).into_iter().map(|(l, _)| l).collect();
            assert_eq!(lines, [1, 2, 4], "{input:?}");
        }
    }

    #[test]
    fn quoting_as_rfc_4180_says() {
        let r = all("a, \"b, c\" ,\"say \"\"hi\"\"\"\n\"two\nlines\",x\nlast,1\n");
        assert_eq!(r[0].1, ["a", "b, c", "say \"hi\""]);
        assert_eq!(r[1], (2, vec!["two\nlines".to_owned(), "x".to_owned()]));
        assert_eq!(r[2].0, 4);
    }
}
