//! The campaign's outcome as the city reports it: of the region's offices (from a register),
//! how many use the system at each usage list, by kind, participants against the rest, the
//! corporations that run several of them, and who started between the first list and the last.
//! Plain figures over plain sets; which register and lists they came from is the caller's.

use super::application::OfficeKind;
use std::collections::{BTreeMap, HashSet};

/// An office of the region, as the outcome needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegionOffice {
    pub office_number: String,
    pub kind: OfficeKind,
    pub corporate_number: Option<String>,
    pub corporation_name: Option<String>,
}

/// How many of some offices use the system.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Count {
    pub using: usize,
    pub offices: usize,
}

impl Count {
    /// `using / offices` rounded half up to 4 places, in ten-thousandths; `None` without
    /// offices. Integers throughout, so the same lists give the same digits on every machine.
    pub fn rate_e4(self) -> Option<u64> {
        let (using, offices) = (self.using as u64, self.offices as u64);
        (offices > 0).then(|| (using * 20_000 + offices) / (2 * offices))
    }

    /// The rate as a fraction with at most 4 decimal places: 4 of 188 is 0.0213.
    pub fn rate(self) -> Option<f64> {
        self.rate_e4().map(|e4| e4 as f64 / 10_000.0)
    }

    /// The rate as the report writes it, a percentage to one place: `2.1%`.
    pub fn percent_label(self) -> String {
        match self.rate_e4() {
            // Tenths of a percent, rounded half up from ten-thousandths: 213 is 2.1%.
            Some(e4) => {
                let tenths = (e4 + 5) / 10;
                format!("{}.{}%", tenths / 10, tenths % 10)
            }
            None => "–".into(),
        }
    }

    fn add(&mut self, using: bool) {
        self.offices += 1;
        self.using += usize::from(using);
    }
}

/// The figures at one usage list.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Point {
    pub all: Count,
    pub care_management: Count,
    pub service: Count,
    pub participants: Count,
    pub non_participants: Count,
}

/// A corporation with two or more offices in the region.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Corporation {
    pub corporate_number: String,
    pub name: String,
    /// At the last list.
    pub count: Count,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Figures {
    /// One per list, in the order given (oldest first).
    pub points: Vec<Point>,
    /// Most offices first, then by corporate number.
    pub corporations: Vec<Corporation>,
    /// In the last list and not in the first.
    pub new_adopters: usize,
    /// Accepted offices the register does not place in the region.
    pub participants_outside: usize,
    /// Approved payouts divided by new adopters, rounded half up to the yen.
    pub cost_per_new_adopter_yen: Option<i64>,
}

/// The outcome over the region's `offices`, the offices each list names (oldest list first),
/// the offices taking part now, and what approved payouts came to.
pub fn compute(
    offices: &[RegionOffice],
    lists: &[HashSet<String>],
    participants: &HashSet<String>,
    approved_total_yen: i64,
) -> Figures {
    let points = lists
        .iter()
        .map(|using| {
            let mut point = Point::default();
            for office in offices {
                let uses = using.contains(&office.office_number);
                point.all.add(uses);
                match office.kind {
                    OfficeKind::CareManagement => point.care_management.add(uses),
                    OfficeKind::Service => point.service.add(uses),
                }
                if participants.contains(&office.office_number) {
                    point.participants.add(uses);
                } else {
                    point.non_participants.add(uses);
                }
            }
            point
        })
        .collect();
    let empty = HashSet::new();
    let first = lists.first().unwrap_or(&empty);
    let last = lists.last().unwrap_or(&empty);
    let new_adopters = offices
        .iter()
        .filter(|o| last.contains(&o.office_number) && !first.contains(&o.office_number))
        .count();
    let in_region: HashSet<&str> = offices.iter().map(|o| o.office_number.as_str()).collect();
    Figures {
        points,
        corporations: corporations(offices, last),
        new_adopters,
        participants_outside: participants
            .iter()
            .filter(|p| !in_region.contains(p.as_str()))
            .count(),
        cost_per_new_adopter_yen: per_adopter(approved_total_yen, new_adopters),
    }
}

fn per_adopter(total: i64, adopters: usize) -> Option<i64> {
    let adopters = i64::try_from(adopters).ok().filter(|&a| a > 0)?;
    Some((2 * total + adopters).div_euclid(2 * adopters))
}

fn corporations(offices: &[RegionOffice], last: &HashSet<String>) -> Vec<Corporation> {
    let mut by_number: BTreeMap<&str, Corporation> = BTreeMap::new();
    for office in offices {
        let Some(number) = office.corporate_number.as_deref() else {
            continue;
        };
        let corporation = by_number.entry(number).or_insert_with(|| Corporation {
            corporate_number: number.to_owned(),
            name: String::new(),
            count: Count::default(),
        });
        if corporation.name.is_empty() {
            corporation.name = office.corporation_name.clone().unwrap_or_default();
        }
        corporation.count.add(last.contains(&office.office_number));
    }
    let mut several: Vec<Corporation> = by_number
        .into_values()
        .filter(|c| c.count.offices >= 2)
        .collect();
    several.sort_by(|a, b| {
        b.count
            .offices
            .cmp(&a.count.offices)
            .then_with(|| a.corporate_number.cmp(&b.corporate_number))
    });
    several
}

#[cfg(test)]
mod tests;
