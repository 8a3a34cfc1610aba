use super::*;
use proptest::prelude::*;

fn all(input: &str) -> Vec<Record> {
    let mut records = Records::new(input.as_bytes());
    let mut out = Vec::new();
    while let Some(r) = records.next_record().unwrap() {
        out.push(r);
    }
    out
}

fn taken(r: &Record) -> Vec<&str> {
    r.fields
        .as_ref()
        .unwrap()
        .iter()
        .map(String::as_str)
        .collect()
}

fn decode(bytes: &[u8]) -> (String, Encoding) {
    let mut decoded = Decoded::new(io::Cursor::new(bytes)).unwrap();
    let mut text = String::new();
    decoded.read_to_string(&mut text).unwrap();
    (text, decoded.encoding())
}

#[test]
fn lines_count_blank_ones_and_crlf_alike() {
    for input in ["h\r\na\r\n\r\nb\r\n", "h\na\n\nb\n", "h\na\n  \nb"] {
        let lines: Vec<u64> = all(input).into_iter().map(|r| r.line).collect();
        assert_eq!(lines, [1, 2, 4], "{input:?}");
    }
}

#[test]
fn quoting_as_rfc_4180_says() {
    let r = all("a, \"b, c\" ,\"say \"\"hi\"\"\"\n\"two\r\nlines\",x\nlast,1\n");
    assert_eq!(taken(&r[0]), ["a", "b, c", "say \"hi\""]);
    assert_eq!(taken(&r[1]), ["two\nlines", "x"]);
    assert_eq!((r[1].line, r[1].last_line), (2, 3));
    assert_eq!(r[2].line, 4);
}

#[test]
fn a_quote_inside_an_unquoted_field_is_an_ordinary_character() {
    let r = all("office_number,name\n1310000011,むさしの\"本店\n1370100016,緑町\n");
    assert_eq!(r.len(), 3);
    assert_eq!(taken(&r[1]), ["1310000011", "むさしの\"本店"]);
    assert_eq!((r[2].line, taken(&r[2])), (3, vec!["1370100016", "緑町"]));
    let closed = all("\"a\"b\"\" \"c\",d\n");
    assert_eq!(taken(&closed[0]), ["ab\"\" \"c\"", "d"]);
}

#[test]
fn an_unclosed_quote_is_refused_at_its_first_line_and_reading_goes_on_after_it() {
    let r = all("h\n\"open,1\nnext,2\n\nlast,3\n");
    let lines: Vec<u64> = r.iter().map(|r| r.line).collect();
    assert_eq!(lines, [1, 2, 3, 5]);
    assert!(r[1]
        .fields
        .as_ref()
        .unwrap_err()
        .english()
        .contains("end of the file"));
    assert_eq!(taken(&r[2]), ["next", "2"]);
    assert_eq!(taken(&r[3]), ["last", "3"]);
}

#[test]
fn a_quoted_field_may_span_twenty_lines_but_not_twenty_one() {
    let body = |lines: usize| format!("\"{}\",x\nafter\n", vec!["l"; lines].join("\n"));
    let twenty = all(&body(MAX_RECORD_LINES));
    assert_eq!((twenty[0].line, twenty[0].last_line), (1, 20));
    assert_eq!((twenty[1].line, taken(&twenty[1])), (21, vec!["after"]));
    let longer = all(&body(MAX_RECORD_LINES + 1));
    assert!(longer[0]
        .fields
        .as_ref()
        .unwrap_err()
        .english()
        .contains("20 lines"));
    let lines: Vec<u64> = longer.iter().map(|r| r.line).collect();
    assert_eq!(lines, (1..=22).collect::<Vec<_>>());
    assert_eq!(taken(&longer[20]), ["l\"", "x"]);
}

#[test]
fn encoding_is_decided_over_the_whole_stream() {
    assert_eq!(
        decode(b"\xEF\xBB\xBFa,b\n"),
        ("a,b\n".into(), Encoding::Utf8)
    );
    assert_eq!(decode(b""), (String::new(), Encoding::Utf8));
    let mut late = "office_number,name\n".to_owned();
    while late.len() < 100 * 1024 {
        late.push_str("1370100016,musashino\n");
    }
    late.push_str("1371100049,武蔵野市\n");
    let (sjis, _, _) = encoding_rs::SHIFT_JIS.encode(&late);
    assert_eq!(decode(&sjis), (late.clone(), Encoding::ShiftJis));
    assert_eq!(decode(late.as_bytes()), (late, Encoding::Utf8));
    // What reads as UTF-8 at the top, one Shift_JIS name on the last line: the file was
    // Shift_JIS all along, and the last name reads as written, not as U+FFFD.
    let mut mixed = b"office_number,name\n1370100016,\xEF\xBD\xB1\n".to_vec();
    while mixed.len() < 3 * CHUNK {
        mixed.extend_from_slice(b"1370100016,musashino\n");
    }
    let (tail, _, _) = encoding_rs::SHIFT_JIS.encode("1371100049,武蔵野市\n");
    mixed.extend_from_slice(&tail);
    let (text, encoding) = decode(&mixed);
    assert_eq!(encoding, Encoding::ShiftJis);
    assert!(
        text.ends_with("1371100049,武蔵野市\n"),
        "{}",
        &text[text.len() - 40..]
    );
}

#[test]
fn a_utf8_character_cut_at_a_read_boundary_stays_utf8() {
    let mut csv = String::from("office_number,note\n");
    while csv.len() < 3 * CHUNK {
        csv.push_str("1370100016,武蔵野市緑町\n");
    }
    assert_eq!(decode(csv.as_bytes()), (csv, Encoding::Utf8));
}

#[test]
fn the_header_may_sit_under_title_lines_and_carry_notes_in_brackets() {
    let csv = "令和6年3月末 利用事業所一覧\n\n作成: 武蔵野市\n事業所名,介護保険事業所番号(10桁),usage_started_on（任意）\na,1370100016,\n";
    let table = Table::open(io::Cursor::new(csv.as_bytes())).unwrap();
    assert_eq!(table.header.line, 4);
    assert_eq!(table.header.office_column, 1);
    assert_eq!(table.header.column("usage_started_on"), Some(2));
    assert_eq!(column_name(" 事業所番号（10桁） "), "事業所番号");
    assert_eq!(column_name("(note)"), "(note)");
    let deep = format!("{}office_number\n", "title\n".repeat(HEADER_SEARCH_RECORDS));
    assert!(matches!(
        Table::open(io::Cursor::new(deep.as_bytes())),
        Err(TableError::NoHeader)
    ));
}

proptest! {
    #[test]
    fn every_non_blank_line_belongs_to_exactly_one_record(text in testing::body()) {
        let records = all(&text);
        let lines: Vec<&str> = text.split('\n').collect();
        let mut covered = vec![0u32; lines.len() + 1];
        for r in &records {
            prop_assert!(r.line <= r.last_line);
            prop_assert!(r.last_line - r.line < MAX_RECORD_LINES as u64);
            if r.fields.is_err() {
                prop_assert_eq!(r.line, r.last_line);
            }
            for l in r.line..=r.last_line {
                covered[l as usize] += 1;
            }
        }
        for (i, line) in lines.iter().enumerate() {
            let number = i + 1;
            let blank = line.trim().is_empty();
            prop_assert!(covered[number] <= 1, "line {} in two records", number);
            prop_assert!(blank || covered[number] == 1, "line {} lost", number);
        }
        let starts: Vec<u64> = records.iter().map(|r| r.line).collect();
        prop_assert!(starts.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn rows_written_with_rfc_4180_quoting_read_back_as_written(
        rows in prop::collection::vec(
            prop::collection::vec("[a\",\n む]{0,6}", 1..4)
                .prop_map(|cells| cells.into_iter().map(|c| c.trim().to_owned()).collect::<Vec<_>>()),
            0..12,
        )
    ) {
        let mut text = String::new();
        let mut expected = Vec::new();
        let mut line = 1u64;
        for cells in &rows {
            let written: Vec<String> = cells
                .iter()
                .map(|c| {
                    if c.is_empty() || c.contains(['"', ',', '\n']) {
                        format!("\"{}\"", c.replace('"', "\"\""))
                    } else {
                        c.clone()
                    }
                })
                .collect();
            let record = written.join(",");
            let spans = record.matches('\n').count() as u64;
            expected.push((line, line + spans, cells.clone()));
            text.push_str(&record);
            text.push_str("\r\n");
            line += spans + 1;
        }
        let read: Vec<(u64, u64, Vec<String>)> = all(&text)
            .into_iter()
            .map(|r| (r.line, r.last_line, r.fields.unwrap()))
            .collect();
        prop_assert_eq!(read, expected);
    }

    #[test]
    fn any_bytes_decode_and_read_without_losing_a_line(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
        let mut text = String::new();
        Decoded::new(io::Cursor::new(&bytes[..]))
            .unwrap()
            .read_to_string(&mut text)
            .unwrap();
        let non_blank = text.split('\n').filter(|l| !l.trim().is_empty()).count();
        let records = all(&text);
        prop_assert!(records.len() <= non_blank);
        if !bytes.contains(&b'"') {
            prop_assert_eq!(records.len(), non_blank);
        }
    }
}
