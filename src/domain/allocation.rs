//! First come, first served under hard caps: whether an application fits, and which waiting
//! applications a freed slot lets in. Caps count offices, never applications.

/// A campaign's caps. `reserved_for_attendees` slots of `total` are kept for seminar
/// attendees: non-attendees may hold at most `total − reserved_for_attendees`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Caps {
    pub total: u32,
    pub model: u32,
    pub reserved_for_attendees: u32,
}

/// What accepted applications hold now, or what one application needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Slots {
    pub offices: u32,
    pub model: u32,
    pub non_attendees: u32,
}

impl Slots {
    /// What an application needs: one slot per office, one model slot if it is a model
    /// application, and one non-attendee slot per office not on the seminar list.
    pub fn needed(is_model: bool, attendee_flags: impl IntoIterator<Item = bool>) -> Slots {
        let (offices, non_attendees) = attendee_flags
            .into_iter()
            .fold((0, 0), |(all, non), attendee| {
                (all + 1, non + u32::from(!attendee))
            });
        Slots {
            offices,
            model: u32::from(is_model),
            non_attendees,
        }
    }

    pub fn plus(self, other: Slots) -> Slots {
        Slots {
            offices: self.offices + other.offices,
            model: self.model + other.model,
            non_attendees: self.non_attendees + other.non_attendees,
        }
    }
}

impl Caps {
    /// Whether `need` fits beside `held`, whole: an application is never split.
    pub fn fits(&self, held: Slots, need: Slots) -> bool {
        let after = held.plus(need);
        after.offices <= self.total
            && after.model <= self.model
            && after.non_attendees <= self.total.saturating_sub(self.reserved_for_attendees)
    }

    /// Whether what is held already respects these caps (a change of caps must keep it so).
    pub fn hold(&self, held: Slots) -> bool {
        self.fits(held, Slots::default())
    }
}

/// Walks the waiting list in arrival order and admits every application that fits, first fit:
/// a small application behind a large one that does not fit goes in. Returns the admitted ids.
pub fn promotions<Id: Clone>(caps: Caps, mut held: Slots, waiting: &[(Id, Slots)]) -> Vec<Id> {
    let mut admitted = Vec::new();
    for (id, need) in waiting {
        if caps.fits(held, *need) {
            held = held.plus(*need);
            admitted.push(id.clone());
        }
    }
    admitted
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::participation::{blocking, Status};
    use proptest::prelude::*;

    const MUSASHINO: Caps = Caps {
        total: 50,
        model: 10,
        reserved_for_attendees: 0,
    };

    fn need(offices: u32, model: u32, non_attendees: u32) -> Slots {
        Slots {
            offices,
            model,
            non_attendees,
        }
    }

    #[test]
    fn a_pair_needs_two_free_slots() {
        assert!(MUSASHINO.fits(need(48, 0, 48), need(2, 0, 2)));
        assert!(!MUSASHINO.fits(need(49, 0, 49), need(2, 0, 2)));
    }

    #[test]
    fn the_eleventh_model_office_waits_even_with_total_room() {
        assert!(!MUSASHINO.fits(need(20, 10, 20), need(2, 1, 2)));
        assert!(MUSASHINO.fits(need(20, 9, 20), need(2, 1, 2)));
    }

    #[test]
    fn reserved_slots_are_kept_for_attendees() {
        let caps = Caps {
            total: 10,
            model: 2,
            reserved_for_attendees: 3,
        };
        assert!(caps.fits(need(6, 0, 6), need(1, 0, 1)));
        assert!(
            !caps.fits(need(7, 0, 7), need(1, 0, 1)),
            "non-attendees stop at 7"
        );
        assert!(
            caps.fits(need(7, 0, 7), need(1, 0, 0)),
            "attendees take any free slot"
        );
        assert!(
            !caps.fits(need(10, 0, 7), need(1, 0, 0)),
            "the total still holds"
        );
    }

    #[test]
    fn promotion_is_first_fit_in_arrival_order() {
        let held = need(47, 0, 47);
        let waiting = [
            ("pair", need(2, 0, 2)),
            ("model", need(2, 1, 2)),
            ("single", need(1, 0, 1)),
            ("late", need(1, 0, 1)),
        ];
        assert_eq!(promotions(MUSASHINO, held, &waiting), ["pair", "single"]);
    }

    #[derive(Debug, Clone)]
    enum Event {
        /// Offices are drawn from a small pool so that the same office is named again often.
        Apply {
            offices: Vec<u8>,
            model: bool,
            attendees: u32,
        },
        Leave {
            which: usize,
            disqualify: bool,
        },
    }

    fn event() -> impl Strategy<Value = Event> {
        prop_oneof![
            3 => (prop::collection::vec(0u8..12, 1..=3), any::<bool>(), 0u32..=3).prop_map(
                |(offices, model, attendees)| Event::Apply {
                    attendees: attendees.min(offices.len() as u32),
                    offices,
                    model,
                }
            ),
            1 => (any::<usize>(), any::<bool>())
                .prop_map(|(which, disqualify)| Event::Leave { which, disqualify }),
        ]
    }

    struct App {
        offices: Vec<u8>,
        need: Slots,
        status: Status,
    }

    fn held(apps: &[App]) -> Slots {
        apps.iter()
            .filter(|a| a.status == Status::Accepted)
            .fold(Slots::default(), |h, a| h.plus(a.need))
    }

    /// Replays events the way the service does and checks every invariant after each step.
    fn replay(caps: Caps, events: &[Event]) -> Result<(), TestCaseError> {
        let mut apps: Vec<App> = Vec::new();
        for e in events {
            match e {
                Event::Apply {
                    offices,
                    model,
                    attendees,
                } => {
                    let mut distinct = offices.clone();
                    distinct.sort_unstable();
                    distinct.dedup();
                    let earlier: Vec<(u8, Status)> = apps
                        .iter()
                        .flat_map(|a| a.offices.iter().map(move |o| (*o, a.status)))
                        .collect();
                    if distinct.len() != offices.len() || !blocking(&earlier, offices).is_empty() {
                        continue;
                    }
                    let n = offices.len() as u32;
                    let need = Slots {
                        offices: n,
                        model: u32::from(*model),
                        non_attendees: n - attendees,
                    };
                    let status = if caps.fits(held(&apps), need) {
                        Status::Accepted
                    } else {
                        Status::Waitlisted
                    };
                    apps.push(App {
                        offices: offices.clone(),
                        need,
                        status,
                    });
                }
                Event::Leave { which, disqualify } if !apps.is_empty() => {
                    let i = which % apps.len();
                    if !matches!(apps[i].status, Status::Accepted | Status::Waitlisted) {
                        continue;
                    }
                    let freed = apps[i].status == Status::Accepted;
                    apps[i].status = if *disqualify {
                        Status::Disqualified
                    } else {
                        Status::Withdrawn
                    };
                    if freed {
                        let waiting: Vec<(usize, Slots)> = apps
                            .iter()
                            .enumerate()
                            .filter(|(_, a)| a.status == Status::Waitlisted)
                            .map(|(i, a)| (i, a.need))
                            .collect();
                        let promoted = promotions(caps, held(&apps), &waiting);
                        prop_assert!(promoted.windows(2).all(|w| w[0] < w[1]), "arrival order");
                        for i in promoted {
                            apps[i].status = Status::Accepted;
                        }
                        let after = held(&apps);
                        for a in apps.iter().filter(|a| a.status == Status::Waitlisted) {
                            prop_assert!(
                                !caps.fits(after, a.need),
                                "a waiting application that fits was left waiting"
                            );
                        }
                    }
                }
                Event::Leave { .. } => {}
            }
            prop_assert!(caps.hold(held(&apps)), "caps exceeded: {:?}", held(&apps));
            let mut live: Vec<u8> = apps
                .iter()
                .filter(|a| a.status.holds_offices())
                .flat_map(|a| a.offices.clone())
                .collect();
            let count = live.len();
            live.sort_unstable();
            live.dedup();
            prop_assert_eq!(live.len(), count, "an office takes part twice");
        }
        Ok(())
    }

    proptest! {
        #[test]
        fn caps_hold_no_office_takes_part_twice_and_promotion_follows_arrival_order(
            total in 1u32..30,
            model in 0u32..8,
            reserved in 0u32..6,
            events in prop::collection::vec(event(), 0..80),
        ) {
            let caps = Caps { total, model: model.min(total), reserved_for_attendees: reserved.min(total) };
            replay(caps, &events)?;
        }
    }
}
