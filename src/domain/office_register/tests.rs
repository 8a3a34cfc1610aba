use super::*;
use std::io::Cursor;

/// A well-formed office number: category 1 (care management) or 7 (services) and serial `n`.
fn number(category: u32, n: u32) -> String {
    let first_nine = format!("13{category}{n:06}");
    let check = crate::domain::office_number::check_digit(&first_nine).unwrap();
    format!("{first_nine}{check}")
}

const HEADER: &str = "都道府県コード又は市町村コード,No,都道府県名,市区町村名,事業所名,事業所名カナ,サービスの種類,住所,法人番号,法人の名称,事業所番号,備考\r\n";

fn row(code: &str, name: &str, service: &str, corporate: &str, number: &str) -> String {
    format!("{code},1,東京都,武蔵野市,{name},カナ,{service},東京都武蔵野市緑町2-2-28,{corporate},社会福祉法人むさしの,{number},\r\n")
}

#[test]
fn the_kind_rule_care_management_wins_whatever_the_order() {
    assert_eq!(kind_of(["訪問介護"]), OfficeKind::Service);
    assert_eq!(
        kind_of(["訪問介護", "居宅介護支援"]),
        OfficeKind::CareManagement
    );
    assert_eq!(
        kind_of(["居宅介護支援", "通所介護"]),
        OfficeKind::CareManagement
    );
    assert_eq!(kind_of([" 居宅介護支援 "]), OfficeKind::CareManagement);
    assert_eq!(kind_of(["介護予防支援"]), OfficeKind::Service);
    assert_eq!(
        kind_of(["居宅介護支援事業所の訪問介護"]),
        OfficeKind::Service
    );
    assert_eq!(kind_of([]), OfficeKind::Service);
}

#[test]
fn an_office_under_several_service_types_counts_once_and_takes_the_care_management_kind() {
    let a = number(7, 1);
    let b = number(7, 2);
    let csv = format!(
        "{HEADER}{}{}{}{}",
        row("132039", "むさしの総合", "訪問介護", "7123456789012", &a),
        row("132039", "むさしの通所", "通所介護", "", &b),
        row(
            "132039",
            "むさしの総合",
            "居宅介護支援",
            "7123456789012",
            &a
        ),
        row(
            "132039",
            "むさしの総合",
            "福祉用具貸与",
            "7123456789012",
            &a
        ),
    );
    let r = read(Cursor::new(csv.as_bytes())).unwrap();
    assert_eq!(r.rows, 4);
    assert_eq!(r.offices.len(), 2);
    assert_eq!(r.offices[0].office_number.as_str(), a);
    assert_eq!(r.offices[0].kind, OfficeKind::CareManagement);
    assert_eq!(r.offices[1].kind, OfficeKind::Service);
    assert_eq!(r.offices[1].corporate_number, None);
    assert_eq!(
        r.offices[0].corporate_number.as_ref().unwrap().as_str(),
        "7123456789012"
    );
    assert_eq!(
        r.offices[0].corporation_name.as_deref(),
        Some("社会福祉法人むさしの")
    );
}

#[test]
fn bad_rows_are_reported_with_their_line_and_the_rest_kept() {
    let csv = format!(
        "{HEADER}{}{}{}{}{}{}",
        row("132039", "一", "訪問介護", "", &number(7, 1)),
        row("132030", "二", "訪問介護", "", &number(7, 2)),
        row("13203", "三", "", "", &number(7, 3)),
        row("13203", "", "訪問介護", "", &number(7, 4)),
        row("13203", "五", "訪問介護", "7123456789013", &number(7, 5)),
        row("13203", "六", "訪問介護", "", "13-XYZ"),
    );
    let r = read(Cursor::new(csv.as_bytes())).unwrap();
    assert_eq!(r.offices.len(), 1);
    let lines: Vec<u64> = r.invalid_rows.iter().map(|i| i.line).collect();
    assert_eq!(lines, [3, 4, 5, 6, 7]);
    assert!(
        r.invalid_rows[0].error.contains("check digit should be 9"),
        "{:?}",
        r.invalid_rows
    );
    assert!(r.invalid_rows[1].error.contains("サービスの種類"));
    assert!(r.invalid_rows[2].error.contains("事業所名"));
    assert!(r.invalid_rows[3].error.contains("corporate number"));
    assert!(r.invalid_rows[4].error.contains("office number"));
    assert_eq!(r.rows + r.invalid_row_count, 6);
}

#[test]
fn english_columns_a_title_line_full_width_digits_and_shift_jis() {
    let text = format!(
        "令和6年4月1日時点 事業所一覧\r\nmunicipality_code,office_number,name,service_type\r\n１３２０３,{},\"むさしの, 本店\",居宅介護支援\r\n",
        number(1, 9)
    );
    let (sjis, _, _) = encoding_rs::SHIFT_JIS.encode(&text);
    let r = read(Cursor::new(&sjis[..])).unwrap();
    assert_eq!(r.encoding, Encoding::ShiftJis);
    assert_eq!(r.header_line, 2);
    assert_eq!(r.offices.len(), 1, "{:?}", r.invalid_rows);
    assert_eq!(r.offices[0].name, "むさしの, 本店");
    assert_eq!(r.offices[0].municipality.as_str(), "13203");
    assert_eq!(r.offices[0].kind, OfficeKind::CareManagement);
}

#[test]
fn the_other_municipality_column_name_is_read_too() {
    let csv = format!(
        "市区町村コード,事業所番号,事業所名,サービスの種類\n132047,{},三鷹,訪問看護\n",
        number(7, 3)
    );
    let r = read(Cursor::new(csv.as_bytes())).unwrap();
    assert_eq!(r.offices[0].municipality.as_str(), "13204");
}

#[test]
fn a_header_without_the_needed_columns_is_refused_naming_them() {
    let e = read(Cursor::new(&b"office_number,name\n1310000011,x\n"[..])).unwrap_err();
    let text = e.to_string();
    assert!(
        matches!(e, RegisterError::MissingColumns(ref m) if m.len() == 2),
        "{text}"
    );
    assert!(
        text.contains("サービスの種類") && text.contains("市区町村コード"),
        "{text}"
    );
    assert!(matches!(
        read(Cursor::new(&b"a,b\n1,2\n"[..])),
        Err(RegisterError::Table(TableError::NoHeader))
    ));
}
