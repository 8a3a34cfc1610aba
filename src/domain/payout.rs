//! Payout batches: what a batch pays each office, given what a check says and what approved
//! batches already paid. No office is paid twice: the first batch pays what the check says,
//! and every later one only the difference, negative where money is to be reclaimed.

use super::application::ParticipantRole;
use super::name::named;
use serde::Serialize;
use std::collections::{BTreeMap, HashSet};

named! {
    pub enum BatchStatus {
        /// Built, waiting for a second person's approval; may be cancelled.
        Draft => "draft",
        Cancelled => "cancelled",
        /// Approved by someone other than its author; never changes again.
        Approved => "approved",
    }
}

impl BatchStatus {
    pub fn label_ja(self) -> &'static str {
        match self {
            BatchStatus::Draft => "承認待ち",
            BatchStatus::Cancelled => "取消済み",
            BatchStatus::Approved => "承認済み",
        }
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

/// Why a new batch may not correct what it names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum CorrectsRefusal {
    #[error("corrects must name an approved batch, and this campaign has none")]
    NothingToCorrect,
    #[error("this campaign has an approved batch: a further batch names the batch it corrects")]
    MustNameOne,
    #[error("corrects must name an approved batch of this campaign")]
    NotApprovedHere,
}

/// Which approved batch a new one corrects: none for the first, one of the campaign's
/// `approved` batches after that, so every later batch says what it builds on.
pub fn check_corrects(approved: &[&str], corrects: Option<&str>) -> Result<(), CorrectsRefusal> {
    match (approved.is_empty(), corrects) {
        (true, None) => Ok(()),
        (true, Some(_)) => Err(CorrectsRefusal::NothingToCorrect),
        (false, None) => Err(CorrectsRefusal::MustNameOne),
        (false, Some(id)) if approved.contains(&id) => Ok(()),
        (false, Some(_)) => Err(CorrectsRefusal::NotApprovedHere),
    }
}

/// What the latest check says one office is owed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Due {
    pub office_number: String,
    pub role: ParticipantRole,
    pub eligible: bool,
    pub amount: i64,
}

/// One line of an approved batch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Paid {
    pub office_number: String,
    pub role: ParticipantRole,
    pub amount: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct RoleSummary {
    pub role: ParticipantRole,
    pub eligible_offices: usize,
    /// What the latest check owes offices of this role.
    pub owed_amount: i64,
    /// What approved batches pay offices of this role, by each line's role.
    pub approved_amount: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Difference {
    pub office_number: String,
    /// What the office is owed now: the check's amount, or 0 when it is no longer accepted.
    pub owed_amount: i64,
    pub approved_amount: i64,
    /// Owed minus approved: positive is still to pay, negative to reclaim.
    pub difference: i64,
    /// False for an office that left (withdrawn, disqualified, voided) after it was judged.
    pub still_accepted: bool,
}

/// The money as it stands: every breakdown adds up to its total.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reckoning {
    /// Sums to the check's total (`owed_amount`) and to `approved_total` (`approved_amount`).
    pub by_role: Vec<RoleSummary>,
    pub differences: Vec<Difference>,
    pub approved_total: i64,
    /// The sum of the differences: what batches must still pay, negative to reclaim.
    pub to_be_paid: i64,
}

/// Sets what the latest check owes against what approved batches pay. An office no longer
/// accepted is owed nothing, whatever the check said before it left.
pub fn reckon(due: &[Due], paid: &[Paid], accepted: &HashSet<String>) -> Reckoning {
    let mut owed: BTreeMap<&str, i64> = BTreeMap::new();
    let mut approved: BTreeMap<&str, i64> = BTreeMap::new();
    let mut sums: BTreeMap<&'static str, RoleSummary> = BTreeMap::new();
    let blank = |role: ParticipantRole| RoleSummary {
        role,
        eligible_offices: 0,
        owed_amount: 0,
        approved_amount: 0,
    };
    for d in due {
        let sum = sums.entry(d.role.as_str()).or_insert_with(|| blank(d.role));
        sum.eligible_offices += usize::from(d.eligible);
        sum.owed_amount += d.amount;
        let still = accepted.contains(&d.office_number);
        *owed.entry(&d.office_number).or_insert(0) += if still { d.amount } else { 0 };
    }
    for p in paid {
        sums.entry(p.role.as_str())
            .or_insert_with(|| blank(p.role))
            .approved_amount += p.amount;
        *approved.entry(&p.office_number).or_insert(0) += p.amount;
    }
    let offices: std::collections::BTreeSet<&str> =
        owed.keys().chain(approved.keys()).copied().collect();
    let differences: Vec<Difference> = offices
        .into_iter()
        .filter_map(|o| {
            let owed_amount = owed.get(o).copied().unwrap_or(0);
            let approved_amount = approved.get(o).copied().unwrap_or(0);
            (owed_amount != approved_amount).then(|| Difference {
                office_number: o.to_owned(),
                owed_amount,
                approved_amount,
                difference: owed_amount - approved_amount,
                still_accepted: accepted.contains(o),
            })
        })
        .collect();
    Reckoning {
        by_role: sums.into_values().collect(),
        approved_total: approved.values().sum(),
        to_be_paid: differences.iter().map(|d| d.difference).sum(),
        differences,
    }
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

    #[test]
    fn a_batch_corrects_nothing_first_then_always_an_approved_one() {
        use CorrectsRefusal::*;
        for (approved, corrects, expected) in [
            (vec![], None, Ok(())),
            (vec![], Some("x"), Err(NothingToCorrect)),
            (vec!["a"], None, Err(MustNameOne)),
            (vec!["a", "b"], Some("b"), Ok(())),
            (
                vec!["a"],
                Some("cancelled-or-elsewhere"),
                Err(NotApprovedHere),
            ),
        ] {
            assert_eq!(
                check_corrects(&approved, corrects),
                expected,
                "{approved:?} {corrects:?}"
            );
        }
    }

    fn due(office: &str, role: ParticipantRole, amount: i64) -> Due {
        Due {
            office_number: office.into(),
            role,
            eligible: amount > 0,
            amount,
        }
    }

    fn paid(office: &str, role: ParticipantRole, amount: i64) -> Paid {
        Paid {
            office_number: office.into(),
            role,
            amount,
        }
    }

    #[test]
    fn a_paid_office_that_left_is_a_difference_and_every_role_adds_up() {
        use ParticipantRole::*;
        // b was paid, then disqualified: the next check no longer lists it.
        let check = [due("a", Single, 26_000)];
        let lines = [paid("a", Single, 26_000), paid("b", PairMember, 26_000)];
        let accepted: HashSet<String> = ["a".to_owned()].into();
        let r = reckon(&check, &lines, &accepted);
        assert_eq!(r.approved_total, 52_000);
        assert_eq!(
            r.by_role.iter().map(|s| s.approved_amount).sum::<i64>(),
            52_000
        );
        assert_eq!(r.differences.len(), 1);
        assert_eq!(r.differences[0].office_number, "b");
        assert!(!r.differences[0].still_accepted);
        assert_eq!(r.to_be_paid, -26_000);

        // Left after the check that still owes it: owed nothing now.
        let check = [due("a", Single, 26_000), due("b", PairMember, 26_000)];
        let r = reckon(&check, &lines, &accepted);
        assert_eq!(r.differences[0].owed_amount, 0);
        assert_eq!(r.differences[0].difference, -26_000);
    }

    proptest! {
        #[test]
        fn every_breakdown_adds_up_to_its_total(
            check in prop::collection::btree_map("[a-e]", (0usize..4, prop::sample::select(vec![0i64, 26_000, 31_000])), 0..5),
            lines in prop::collection::vec(("[a-f]", 0usize..4, prop::sample::select(vec![26_000i64, 31_000, -26_000])), 0..8),
            accepted in prop::collection::hash_set("[a-f]", 0..6),
        ) {
            use ParticipantRole::*;
            let roles = [Single, PairMember, Model, Referred];
            let due: Vec<Due> = check.iter().map(|(o, (r, a))| self::due(o, roles[*r], *a)).collect();
            let lines: Vec<Paid> = lines.iter().map(|(o, r, a)| paid(o, roles[*r], *a)).collect();
            let r = reckon(&due, &lines, &accepted);
            prop_assert_eq!(r.by_role.iter().map(|s| s.owed_amount).sum::<i64>(), due.iter().map(|d| d.amount).sum::<i64>());
            prop_assert_eq!(r.by_role.iter().map(|s| s.approved_amount).sum::<i64>(), r.approved_total);
            prop_assert_eq!(r.differences.iter().map(|d| d.difference).sum::<i64>(), r.to_be_paid);
            for d in &r.differences {
                prop_assert_eq!(d.difference, d.owed_amount - d.approved_amount);
                prop_assert!(d.still_accepted || d.owed_amount == 0);
            }
        }

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
