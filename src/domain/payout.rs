//! Payout batches: what a batch pays each office, given what a check says and what approved
//! batches already paid. No office is paid twice: the first batch pays what the check says,
//! and every later one only the difference, negative where money is to be reclaimed.

use super::name::named;
use std::collections::BTreeMap;

named! {
    pub enum BatchStatus {
        /// Built, waiting for a second person's approval; may be cancelled.
        Draft => "draft",
        Cancelled => "cancelled",
        /// Approved by someone other than its author; never changes again.
        Approved => "approved",
    }
}

/// Per office (by office number), what a new batch must pay: what the check owes minus what
/// approved batches paid. Offices at zero are left out.
pub fn owed(
    check: &BTreeMap<String, i64>,
    already_paid: &BTreeMap<String, i64>,
) -> BTreeMap<String, i64> {
    let mut offices: Vec<&String> = check.keys().chain(already_paid.keys()).collect();
    offices.sort();
    offices.dedup();
    offices
        .into_iter()
        .map(|o| {
            let due = check.get(o).copied().unwrap_or(0);
            let paid = already_paid.get(o).copied().unwrap_or(0);
            (o.clone(), due - paid)
        })
        .filter(|(_, amount)| *amount != 0)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn map(pairs: &[(&str, i64)]) -> BTreeMap<String, i64> {
        pairs.iter().map(|(o, a)| (o.to_string(), *a)).collect()
    }

    #[test]
    fn a_first_batch_pays_what_the_check_says_less_the_zeros() {
        let check = map(&[("a", 26_000), ("b", 0), ("c", 31_000)]);
        assert_eq!(
            owed(&check, &BTreeMap::new()),
            map(&[("a", 26_000), ("c", 31_000)])
        );
    }

    #[test]
    fn a_correction_carries_only_the_difference_negative_to_reclaim() {
        let paid = map(&[("a", 26_000), ("c", 31_000)]);
        let check = map(&[("a", 0), ("b", 26_000), ("c", 31_000)]);
        assert_eq!(owed(&check, &paid), map(&[("a", -26_000), ("b", 26_000)]));
        assert!(owed(&paid, &paid).is_empty(), "nothing to correct");
    }

    proptest! {
        #[test]
        fn paid_plus_owed_is_always_what_the_check_says(
            check in prop::collection::btree_map("[a-e]", prop::sample::select(vec![0i64, 26_000, 31_000]), 0..5),
            paid in prop::collection::btree_map("[a-e]", prop::sample::select(vec![0i64, 26_000, 31_000, -26_000]), 0..5),
        ) {
            let due = owed(&check, &paid);
            for office in check.keys().chain(paid.keys()) {
                let total = paid.get(office).unwrap_or(&0) + due.get(office).unwrap_or(&0);
                prop_assert_eq!(total, *check.get(office).unwrap_or(&0));
            }
            prop_assert!(due.values().all(|a| *a != 0));
        }
    }
}
