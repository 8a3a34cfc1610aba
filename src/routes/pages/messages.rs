//! The application form's words in Japanese: the label of every field, and every refusal the
//! rules give (in English, for the JSON API) said again for an applicant.

/// A field path as the JSON API names it (`offices[1].corporate_number`) in the form's dotted
/// spelling (`offices.1.corporate_number`).
pub fn dotted(field: &str) -> String {
    field.replace('[', ".").replace(']', "")
}

/// The label of a form field's last segment.
pub fn field_label(name: &str) -> &'static str {
    match name.rsplit('.').next().unwrap_or(name) {
        "office_number" => "介護保険事業所番号",
        "name" if name.starts_with("contact.") => "ご担当者名",
        "name" => "事業所名",
        "kind" => "事業所の種別",
        "corporate_number" => "法人番号",
        "corporation_name" => "法人名",
        "municipality_code" => "所在市区町村",
        "address" => "所在地",
        "email" if name.starts_with("contact.") => "ご担当者のメールアドレス",
        "email" => "事業所のメールアドレス",
        "using_system_since" => "ケアプランデータ連携システムの利用開始日",
        "reason" => "辞退の理由",
        _ => "入力内容",
    }
}

/// Where a field sits, for the error summary: `1件目のご紹介先`.
pub fn section_label(name: &str) -> String {
    let mut parts = name.split('.');
    match (
        parts.next(),
        parts.next().and_then(|i| i.parse::<usize>().ok()),
    ) {
        (Some("contact"), _) => "ご担当者".to_owned(),
        (Some("offices"), Some(i)) => format!("{}件目の応募事業所", i + 1),
        (Some("offices"), None) => "応募事業所".to_owned(),
        (Some("referrals"), Some(i)) => format!("{}件目のご紹介先", i + 1),
        (Some("referrals"), None) => "ご紹介先".to_owned(),
        (Some("tier"), _) => "応募枠".to_owned(),
        _ => "応募内容".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_named_where_they_sit() {
        assert_eq!(dotted("referrals[0].email"), "referrals.0.email");
        assert_eq!(field_label("contact.email"), "ご担当者のメールアドレス");
        assert_eq!(field_label("offices.1.email"), "事業所のメールアドレス");
        assert_eq!(section_label("offices.1.kind"), "2件目の応募事業所");
        assert_eq!(section_label("referrals"), "ご紹介先");
    }
}
