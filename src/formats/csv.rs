//! CSV that Japanese Excel opens as meant: UTF-8 with a BOM (or Shift_JIS for older tools),
//! CRLF line ends, fields quoted when they must be, and every text cell that a spreadsheet
//! would read as a formula (starting with =, +, -, @, tab or carriage return) neutralised with
//! a leading apostrophe.

/// A cell: text (neutralised if it looks like a formula) or a plain number.
pub enum Cell<'a> {
    Text(&'a str),
    Number(i64),
}

fn neutralised(text: &str) -> std::borrow::Cow<'_, str> {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}").into()
    } else {
        text.into()
    }
}

fn push_field(out: &mut String, field: &str) {
    if field.contains([',', '"', '\r', '\n']) {
        out.push('"');
        out.push_str(&field.replace('"', "\"\""));
        out.push('"');
    } else {
        out.push_str(field);
    }
}

/// One line of cells, CRLF-ended.
pub fn line(out: &mut String, cells: &[Cell<'_>]) {
    for (i, cell) in cells.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        match cell {
            Cell::Text(t) => push_field(out, &neutralised(t)),
            Cell::Number(n) => out.push_str(&n.to_string()),
        }
    }
    out.push_str("\r\n");
}

/// The text as UTF-8 bytes with a BOM.
pub fn utf8_with_bom(text: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(text.len() + 3);
    out.extend_from_slice(b"\xEF\xBB\xBF");
    out.extend_from_slice(text.as_bytes());
    out
}

/// The text in Shift_JIS, or the 1-based line and the first character that Shift_JIS cannot
/// hold: never a silent `?`.
pub fn shift_jis(text: &str) -> Result<Vec<u8>, (usize, char)> {
    let (bytes, _, unmappable) = encoding_rs::SHIFT_JIS.encode(text);
    if !unmappable {
        return Ok(bytes.into_owned());
    }
    for (i, line) in text.split("\r\n").enumerate() {
        if let Some(c) = line.chars().find(|c| {
            let mut buf = [0u8; 4];
            encoding_rs::SHIFT_JIS.encode(c.encode_utf8(&mut buf)).2
        }) {
            return Err((i + 1, c));
        }
    }
    Err((0, '?'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_neutralised_and_fields_quoted() {
        let mut out = String::new();
        line(
            &mut out,
            &[
                Cell::Text("=HYPERLINK(\"x\")"),
                Cell::Text("+81"),
                Cell::Text("-1"),
                Cell::Text("@SUM"),
                Cell::Text("\tx"),
                Cell::Text("a,b"),
                Cell::Text("社会福祉法人"),
                Cell::Number(-26000),
            ],
        );
        assert_eq!(
            out,
            "\"'=HYPERLINK(\"\"x\"\")\",'+81,'-1,'@SUM,'\tx,\"a,b\",社会福祉法人,-26000\r\n"
        );
    }

    #[test]
    fn shift_jis_names_the_line_it_cannot_hold() {
        assert!(shift_jis("番号\r\n武蔵野\r\n").is_ok());
        assert_eq!(shift_jis("番号\r\n髙橋\r\n𠮷田\r\n"), Err((3, '𠮷')));
    }
}
