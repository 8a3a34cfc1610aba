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
        Apply {
            offices: u32,
            model: bool,
            attendees: u32,
        },
        Leave(usize),
    }

    fn event() -> impl Strategy<Value = Event> {
        prop_oneof![
            3 => (1u32..=3, any::<bool>(), 0u32..=3).prop_map(|(offices, model, attendees)| Event::Apply {
                offices,
                model,
                attendees: attendees.min(offices)
            }),
            1 => any::<usize>().prop_map(Event::Leave),
        ]
    }

    #[derive(Debug, Clone, Copy, PartialEq)]
    enum State {
        Accepted,
        Waiting,
        Gone,
    }

    /// Replays events the way the service does and checks the caps after every step.
    fn replay(caps: Caps, events: &[Event]) -> Result<(), TestCaseError> {
        let mut apps: Vec<(Slots, State)> = Vec::new();
        let held = |apps: &[(Slots, State)]| {
            apps.iter()
                .filter(|(_, s)| *s == State::Accepted)
                .fold(Slots::default(), |h, (n, _)| h.plus(*n))
        };
        for e in events {
            match e {
                Event::Apply {
                    offices,
                    model,
                    attendees,
                } => {
                    let n = need(*offices, u32::from(*model), offices - attendees);
                    let state = if caps.fits(held(&apps), n) {
                        State::Accepted
                    } else {
                        State::Waiting
                    };
                    apps.push((n, state));
                }
                Event::Leave(i) if !apps.is_empty() => {
                    let i = i % apps.len();
                    apps[i].1 = State::Gone;
                    let waiting: Vec<(usize, Slots)> = apps
                        .iter()
                        .enumerate()
                        .filter(|(_, (_, s))| *s == State::Waiting)
                        .map(|(i, (n, _))| (i, *n))
                        .collect();
                    let before = held(&apps);
                    let promoted = promotions(caps, before, &waiting);
                    // Arrival order: each promoted id comes after the previous one.
                    prop_assert!(promoted.windows(2).all(|w| w[0] < w[1]));
                    for i in promoted {
                        apps[i].1 = State::Accepted;
                    }
                    // Nobody left waiting could have fitted afterwards.
                    let after = held(&apps);
                    for (n, s) in &apps {
                        if *s == State::Waiting {
                            prop_assert!(!caps.fits(after, *n));
                        }
                    }
                }
                Event::Leave(_) => {}
            }
            prop_assert!(caps.hold(held(&apps)), "caps exceeded: {:?}", held(&apps));
        }
        Ok(())
    }

    proptest! {
        #[test]
        fn caps_hold_and_promotion_follows_arrival_order(
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
