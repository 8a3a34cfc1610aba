//! 介護保険事業所番号: the 10-character care-insurance office number.
//!
//! Layout: prefecture (01–47), office category (a digit, or an upper-case letter other than
//! I, O, Q), district (2 digits), serial (4 digits), check digit. The check digit is MHLW's
//! modulus 10 with weights 2-1 from the right; some real numbers are reported not to match it,
//! so a mismatch is reported apart from malformation and the campaign decides what to do.

use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct OfficeNumber(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OfficeNumberError {
    #[error("must be 10 characters: 2-digit prefecture, category, 2-digit district, 4-digit serial, check digit")]
    Length,
    #[error("prefecture code must be 01 to 47")]
    Prefecture,
    #[error("office category must be a digit or an upper-case letter other than I, O and Q")]
    Category,
    #[error("district, serial and check digit must be digits")]
    Digits,
}

/// A well-formed number, and whether its check digit matches.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedOfficeNumber {
    pub number: OfficeNumber,
    pub check_digit_matches: bool,
}

/// The value of a category character in the check-digit sum: digits as themselves, letters
/// numbered in order from A=10, skipping I, O and Q (so Z=32).
fn char_value(c: char) -> Option<u32> {
    match c {
        '0'..='9' => c.to_digit(10),
        'A'..='Z' if !matches!(c, 'I' | 'O' | 'Q') => {
            let skipped = ('A'..c).filter(|s| matches!(s, 'I' | 'O' | 'Q')).count() as u32;
            Some(10 + (c as u32 - 'A' as u32) - skipped)
        }
        _ => None,
    }
}

fn digit_sum(mut n: u32) -> u32 {
    let mut sum = 0;
    while n > 0 {
        sum += n % 10;
        n /= 10;
    }
    sum
}

/// The check digit for the first nine characters, or `None` if any is not allowed.
pub fn check_digit(first_nine: &str) -> Option<u32> {
    let mut sum = 0;
    for (i, c) in first_nine.chars().rev().enumerate() {
        let weight = if i % 2 == 0 { 2 } else { 1 };
        sum += digit_sum(char_value(c)? * weight);
    }
    Some((10 - sum % 10) % 10)
}

impl OfficeNumber {
    pub fn parse(input: &str) -> Result<ParsedOfficeNumber, OfficeNumberError> {
        let chars: Vec<char> = input.chars().collect();
        if chars.len() != 10 {
            return Err(OfficeNumberError::Length);
        }
        let prefecture: String = chars[..2].iter().collect();
        match prefecture.parse::<u32>() {
            Ok(1..=47) if chars[..2].iter().all(char::is_ascii_digit) => {}
            _ => return Err(OfficeNumberError::Prefecture),
        }
        if char_value(chars[2]).is_none() {
            return Err(OfficeNumberError::Category);
        }
        if !chars[3..].iter().all(char::is_ascii_digit) {
            return Err(OfficeNumberError::Digits);
        }
        let expected = check_digit(&input[..9]).ok_or(OfficeNumberError::Category)?;
        Ok(ParsedOfficeNumber {
            number: OfficeNumber(input.to_owned()),
            check_digit_matches: chars[9].to_digit(10) == Some(expected),
        })
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for OfficeNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn the_spec_example_is_valid() {
        let parsed = OfficeNumber::parse("2875104529").unwrap();
        assert!(parsed.check_digit_matches);
        assert_eq!(parsed.number.as_str(), "2875104529");
    }

    #[test]
    fn a_wrong_check_digit_parses_but_is_marked() {
        let parsed = OfficeNumber::parse("2875104528").unwrap();
        assert!(!parsed.check_digit_matches);
    }

    #[test]
    fn letters_skip_i_o_and_q() {
        assert_eq!(char_value('A'), Some(10));
        assert_eq!(char_value('H'), Some(17));
        assert_eq!(char_value('J'), Some(18));
        assert_eq!(char_value('P'), Some(23));
        assert_eq!(char_value('R'), Some(24));
        assert_eq!(char_value('Z'), Some(32));
        for c in ['I', 'O', 'Q', 'a', '-'] {
            assert_eq!(char_value(c), None, "{c}");
        }
    }

    #[test]
    fn a_letter_category_uses_its_number_in_the_sum() {
        // 1,3,A(10),0,0,0,0,0,1 from the right with weights 2,1,2,…:
        // 2 + 0 + 0 + 0 + 0 + 0 + (10*2 → 2) + 3 + 2 = 9 → check 1.
        assert_eq!(check_digit("13A000001"), Some(1));
        assert!(
            OfficeNumber::parse("13A0000011")
                .unwrap()
                .check_digit_matches
        );
    }

    #[test]
    fn malformed_numbers_are_refused_with_the_reason() {
        let cases = [
            ("287510452", OfficeNumberError::Length),
            ("28751045290", OfficeNumberError::Length),
            ("0075104529", OfficeNumberError::Prefecture),
            ("4875104529", OfficeNumberError::Prefecture),
            ("2I75104529", OfficeNumberError::Prefecture),
            ("2a75104529", OfficeNumberError::Prefecture),
            ("28I5104529", OfficeNumberError::Category),
            ("28q5104529", OfficeNumberError::Category),
            ("287510452X", OfficeNumberError::Digits),
            ("2875１04529", OfficeNumberError::Digits),
        ];
        for (input, expected) in cases {
            assert_eq!(OfficeNumber::parse(input), Err(expected), "{input}");
        }
    }

    proptest! {
        #[test]
        fn exactly_one_check_digit_matches(
            pref in 1u32..=47,
            category in prop::sample::select(
                "0123456789ABCDEFGHJKLMNPRSTUVWXYZ".chars().collect::<Vec<_>>()),
            rest in "[0-9]{6}",
        ) {
            let first_nine = format!("{pref:02}{category}{rest}");
            let matching: Vec<u32> = (0..10)
                .filter(|d| OfficeNumber::parse(&format!("{first_nine}{d}")).unwrap().check_digit_matches)
                .collect();
            prop_assert_eq!(matching.len(), 1);
        }
    }
}
