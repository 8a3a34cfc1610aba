//! Numbers as people type them. A Japanese input method gives full-width digits
//! (`１３７０１０２０１２`), forms and spreadsheets carry hyphens and spaces: every number field
//! (office, corporate and municipality numbers, in forms, JSON and CSV files alike) reads them
//! through the same rule before the number's own parser judges it.

/// `written` made plain: full-width letters and digits become ASCII, hyphens, dashes and
/// spaces go, letters are upper-cased.
pub fn plain_number(written: &str) -> String {
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
