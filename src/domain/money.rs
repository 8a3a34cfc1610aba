//! Money: whole yen as i64, never floating point.

use serde::{Deserialize, Serialize};

/// An amount in whole yen; negative only for a correction that reclaims money.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct Yen(i64);

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum YenError {
    #[error("must not be negative")]
    Negative,
    #[error("must be at most 100000000 yen")]
    TooLarge,
}

/// The largest honorarium one office could sensibly be owed; guards against typos and overflow.
const MAX_HONORARIUM: i64 = 100_000_000;

impl Yen {
    pub const ZERO: Yen = Yen(0);

    pub fn new(amount: i64) -> Self {
        Yen(amount)
    }

    /// An honorarium as a campaign sets it: from 0 to ¥100,000,000.
    pub fn honorarium(amount: i64) -> Result<Self, YenError> {
        if amount < 0 {
            Err(YenError::Negative)
        } else if amount > MAX_HONORARIUM {
            Err(YenError::TooLarge)
        } else {
            Ok(Yen(amount))
        }
    }

    pub fn amount(self) -> i64 {
        self.0
    }
}

impl std::ops::Add for Yen {
    type Output = Yen;
    fn add(self, rhs: Yen) -> Yen {
        Yen(self.0 + rhs.0)
    }
}

impl std::iter::Sum for Yen {
    fn sum<I: Iterator<Item = Yen>>(iter: I) -> Yen {
        iter.fold(Yen::ZERO, |a, b| a + b)
    }
}

/// Whole yen with a separator every three digits, as Japanese documents write amounts:
/// `26,000`, `-1,234,567`.
pub fn with_separators(amount: i64) -> String {
    let digits = amount.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if amount < 0 {
        format!("-{out}")
    } else {
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn honoraria_are_whole_non_negative_yen() {
        assert_eq!(Yen::honorarium(26_000).map(Yen::amount), Ok(26_000));
        assert_eq!(Yen::honorarium(0).map(Yen::amount), Ok(0));
        assert_eq!(Yen::honorarium(-1), Err(YenError::Negative));
        assert_eq!(Yen::honorarium(100_000_001), Err(YenError::TooLarge));
    }

    #[test]
    fn the_musashino_maximum_adds_up() {
        let total: Yen = std::iter::repeat_n(Yen::new(31_000), 10)
            .chain(std::iter::repeat_n(Yen::new(26_000), 40))
            .sum();
        assert_eq!(total, Yen::new(1_350_000));
    }
}
