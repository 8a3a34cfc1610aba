//! 全国地方公共団体コード: a local government's code, five digits and a check digit. Registers
//! and lists write it either way (`13203` or `132039`), so a code is kept as its five digits
//! and two codes are the same place when those agree.

use super::written::plain_number;
use std::fmt;

/// A municipality (or prefecture) as its five digits, without the check digit.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct MunicipalityCode(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MunicipalityCodeError {
    #[error("must be 5 digits, or 6 with the check digit")]
    Format,
    #[error("the check digit should be {expected}")]
    CheckDigit { expected: u32 },
}

/// The check digit of five digits: weights 6 to 2, the last digit of 11 − (sum mod 11).
pub fn check_digit(five: &[u32; 5]) -> u32 {
    let sum: u32 = five.iter().zip([6, 5, 4, 3, 2]).map(|(d, w)| d * w).sum();
    (11 - sum % 11) % 10
}

impl MunicipalityCode {
    /// Reads a code as written: full-width digits and hyphens allowed, 5 digits or 6 whose
    /// last is the check digit of the other five.
    pub fn parse(written: &str) -> Result<Self, MunicipalityCodeError> {
        let plain = plain_number(written);
        let digits: Vec<u32> = plain
            .chars()
            .map(|c| c.to_digit(10))
            .collect::<Option<_>>()
            .ok_or(MunicipalityCodeError::Format)?;
        let five: [u32; 5] = match digits.len() {
            5 | 6 => [digits[0], digits[1], digits[2], digits[3], digits[4]],
            _ => return Err(MunicipalityCodeError::Format),
        };
        if let Some(&written_check) = digits.get(5) {
            let expected = check_digit(&five);
            if written_check != expected {
                return Err(MunicipalityCodeError::CheckDigit { expected });
            }
        }
        Ok(MunicipalityCode(plain[..5].to_owned()))
    }

    /// The five digits.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The six-digit code, check digit included.
    pub fn with_check_digit(&self) -> String {
        let five: Vec<u32> = self.0.chars().filter_map(|c| c.to_digit(10)).collect();
        let five = [five[0], five[1], five[2], five[3], five[4]];
        format!("{}{}", self.0, check_digit(&five))
    }
}

impl fmt::Display for MunicipalityCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn six_digits_carry_a_check_digit_that_must_agree() {
        assert_eq!(MunicipalityCode::parse("132039").unwrap().as_str(), "13203");
        assert_eq!(
            MunicipalityCode::parse("132030"),
            Err(MunicipalityCodeError::CheckDigit { expected: 9 })
        );
        // Prefectures follow the same rule: 東京都 130001, 北海道 010006.
        assert!(MunicipalityCode::parse("130001").is_ok());
        assert!(MunicipalityCode::parse("010006").is_ok());
        // A remainder of 1 gives 0 (調布市 132080), of 0 gives 1.
        assert_eq!(check_digit(&[1, 3, 2, 0, 8]), 0);
        assert_eq!(check_digit(&[1, 3, 2, 1, 6]), 1);
    }

    #[test]
    fn five_digits_are_taken_as_they_are_and_written_digits_made_plain() {
        assert_eq!(MunicipalityCode::parse("13203").unwrap().as_str(), "13203");
        assert_eq!(
            MunicipalityCode::parse("１３２０３９").unwrap().as_str(),
            "13203"
        );
        assert_eq!(
            MunicipalityCode::parse(" 13203 ").unwrap().as_str(),
            "13203"
        );
        assert_eq!(
            MunicipalityCode::parse("13203").unwrap(),
            MunicipalityCode::parse("132039").unwrap()
        );
    }

    #[test]
    fn anything_else_is_refused() {
        for bad in ["", "1320", "1320391", "13２0x", "東京都"] {
            assert_eq!(
                MunicipalityCode::parse(bad),
                Err(MunicipalityCodeError::Format),
                "{bad}"
            );
        }
    }

    #[test]
    fn the_check_digit_is_given_back() {
        let code = MunicipalityCode::parse("13203").unwrap();
        assert_eq!(code.with_check_digit(), "132039");
    }
}
