//! 法人番号: the National Tax Agency's 13-digit corporate number, whose first digit checks the
//! other twelve. A wrong check digit is refused.

use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CorporateNumber(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CorporateNumberError {
    #[error("must be 13 digits")]
    Format,
    #[error("check digit does not match (expected {expected} as the first digit)")]
    CheckDigit { expected: u32 },
}

/// check = 9 − (Σ Pn × Qn mod 9), Pn the n-th of the twelve digits from the right,
/// Qn = 1 for odd n and 2 for even n.
fn check_digit(twelve: &[u32]) -> u32 {
    let sum: u32 = twelve
        .iter()
        .rev()
        .enumerate()
        .map(|(i, d)| if i % 2 == 0 { *d } else { d * 2 })
        .sum();
    9 - sum % 9
}

impl CorporateNumber {
    /// The corporate number whose last twelve digits are `twelve`, its check digit computed
    /// (for fixtures, tests and benchmarks that need valid numbers).
    pub fn with_check_digit(twelve: &str) -> Option<CorporateNumber> {
        if twelve.len() != 12 || !twelve.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let digits: Vec<u32> = twelve.bytes().map(|b| u32::from(b - b'0')).collect();
        Some(CorporateNumber(format!("{}{twelve}", check_digit(&digits))))
    }

    pub fn parse(input: &str) -> Result<Self, CorporateNumberError> {
        if input.len() != 13 || !input.bytes().all(|b| b.is_ascii_digit()) {
            return Err(CorporateNumberError::Format);
        }
        let digits: Vec<u32> = input.bytes().map(|b| u32::from(b - b'0')).collect();
        let expected = check_digit(&digits[1..]);
        if digits[0] != expected {
            return Err(CorporateNumberError::CheckDigit { expected });
        }
        Ok(CorporateNumber(input.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for CorporateNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn the_spec_examples_are_valid() {
        assert!(CorporateNumber::parse("7123456789012").is_ok());
        assert!(CorporateNumber::parse("4011001098993").is_ok());
    }

    #[test]
    fn a_wrong_check_digit_is_refused_with_the_expected_one() {
        assert_eq!(
            CorporateNumber::parse("1123456789012"),
            Err(CorporateNumberError::CheckDigit { expected: 7 })
        );
    }

    #[test]
    fn anything_but_thirteen_ascii_digits_is_refused() {
        for input in [
            "712345678901",
            "71234567890123",
            "712345678901a",
            "７123456789012",
            "",
        ] {
            assert_eq!(
                CorporateNumber::parse(input),
                Err(CorporateNumberError::Format),
                "{input}"
            );
        }
    }

    proptest! {
        #[test]
        fn every_twelve_digits_have_exactly_one_valid_check_digit(rest in "[0-9]{12}") {
            let valid = (0..10)
                .filter(|d| CorporateNumber::parse(&format!("{d}{rest}")).is_ok())
                .count();
            prop_assert_eq!(valid, 1);
        }
    }

    #[test]
    fn a_valid_number_can_be_made_from_its_twelve_digits() {
        for valid in ["7123456789012", "4011001098993"] {
            let made = CorporateNumber::with_check_digit(&valid[1..]).unwrap();
            assert_eq!(made.as_str(), valid);
        }
        assert_eq!(CorporateNumber::with_check_digit("12345"), None);
    }
}
