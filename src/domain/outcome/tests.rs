use super::*;

fn office(n: u32, kind: OfficeKind, corporation: Option<&str>) -> RegionOffice {
    RegionOffice {
        office_number: format!("o{n:03}"),
        kind,
        corporate_number: corporation.map(str::to_owned),
        corporation_name: corporation.map(|c| format!("法人{c}")),
    }
}

fn set(numbers: impl IntoIterator<Item = u32>) -> HashSet<String> {
    numbers.into_iter().map(|n| format!("o{n:03}")).collect()
}

#[test]
fn the_seed_figures_round_to_four_places_and_to_the_reports_percent() {
    let before = Count {
        using: 4,
        offices: 188,
    };
    let after = Count {
        using: 30,
        offices: 188,
    };
    assert_eq!(before.rate(), Some(0.0213));
    assert_eq!(after.rate(), Some(0.1596));
    assert_eq!(before.percent_label(), "2.1%");
    assert_eq!(after.percent_label(), "16.0%");
    assert_eq!(
        Count {
            using: 0,
            offices: 0
        }
        .rate(),
        None
    );
    assert_eq!(
        Count {
            using: 1,
            offices: 1
        }
        .rate(),
        Some(1.0)
    );
    // Half up: 1 of 8 is 0.125 exactly; 1 of 80000 is 0.0000125.
    assert_eq!(
        Count {
            using: 1,
            offices: 8
        }
        .rate_e4(),
        Some(1250)
    );
    assert_eq!(
        Count {
            using: 1,
            offices: 20_000
        }
        .rate_e4(),
        Some(1)
    );
    assert_eq!(
        Count {
            using: 1,
            offices: 20_001
        }
        .rate_e4(),
        Some(0)
    );
}

#[test]
fn points_split_by_kind_and_by_taking_part() {
    use OfficeKind::*;
    let offices = [
        office(1, CareManagement, None),
        office(2, CareManagement, None),
        office(3, Service, None),
        office(4, Service, None),
        office(5, Service, None),
    ];
    let lists = [set([1]), set([1, 3, 4, 99])];
    let f = compute(&offices, &lists, &set([3, 5, 77]), 52_000);
    assert_eq!(f.points.len(), 2);
    assert_eq!(
        f.points[0].all,
        Count {
            using: 1,
            offices: 5
        }
    );
    assert_eq!(
        f.points[1].all,
        Count {
            using: 3,
            offices: 5
        }
    );
    assert_eq!(
        f.points[1].care_management,
        Count {
            using: 1,
            offices: 2
        }
    );
    assert_eq!(
        f.points[1].service,
        Count {
            using: 2,
            offices: 3
        }
    );
    assert_eq!(
        f.points[1].participants,
        Count {
            using: 1,
            offices: 2
        }
    );
    assert_eq!(
        f.points[1].non_participants,
        Count {
            using: 2,
            offices: 3
        }
    );
    assert_eq!(
        f.points[0].participants,
        Count {
            using: 0,
            offices: 2
        }
    );
    // 99 uses the system but is not in the region; 77 takes part but is not in the region.
    assert_eq!(f.new_adopters, 2);
    assert_eq!(f.participants_outside, 1);
    assert_eq!(f.cost_per_new_adopter_yen, Some(26_000));
}

#[test]
fn new_adopters_are_in_the_last_list_and_not_the_first_whatever_happened_between() {
    use OfficeKind::*;
    let offices: Vec<_> = (1..=4).map(|n| office(n, Service, None)).collect();
    let lists = [set([1, 2]), set([3]), set([1, 4])];
    let f = compute(&offices, &lists, &HashSet::new(), 0);
    // 4 is new; 2 stopped; 3 came and went; 1 was there from the start.
    assert_eq!(f.new_adopters, 1);
    assert_eq!(f.cost_per_new_adopter_yen, Some(0));
    let one = compute(&offices, &lists[..1], &HashSet::new(), 100);
    assert_eq!(one.new_adopters, 0);
    assert_eq!(one.cost_per_new_adopter_yen, None);
}

#[test]
fn cost_per_new_adopter_rounds_half_up_to_the_yen() {
    assert_eq!(per_adopter(100, 3), Some(33));
    assert_eq!(per_adopter(200, 3), Some(67));
    assert_eq!(per_adopter(1, 2), Some(1));
    assert_eq!(per_adopter(-1, 2), Some(0));
    assert_eq!(per_adopter(1_350_000, 26), Some(51_923));
    assert_eq!(per_adopter(5, 0), None);
}

#[test]
fn corporations_with_several_offices_in_the_region_most_offices_first() {
    use OfficeKind::*;
    let offices = [
        office(1, CareManagement, Some("B")),
        office(2, Service, Some("B")),
        office(3, Service, Some("A")),
        office(4, Service, Some("A")),
        office(5, Service, Some("C")),
        office(6, Service, Some("C")),
        office(7, Service, Some("C")),
        office(8, Service, Some("D")),
        office(9, Service, None),
        office(10, Service, None),
    ];
    let f = compute(&offices, &[set([]), set([2, 5, 6, 8])], &HashSet::new(), 0);
    let seen: Vec<(&str, usize, usize)> = f
        .corporations
        .iter()
        .map(|c| (c.corporate_number.as_str(), c.count.offices, c.count.using))
        .collect();
    assert_eq!(seen, [("C", 3, 2), ("A", 2, 0), ("B", 2, 1)]);
    assert_eq!(f.corporations[0].name, "法人C");
}

#[test]
fn the_same_inputs_give_the_same_figures() {
    use OfficeKind::*;
    let offices: Vec<_> = (0..50)
        .map(|n| {
            office(
                n,
                if n % 3 == 0 { CareManagement } else { Service },
                Some(["X", "Y", "Z"][n as usize % 3]),
            )
        })
        .collect();
    let lists = [set((0..50).step_by(7)), set((0..50).step_by(3))];
    let a = compute(&offices, &lists, &set(0..10), 260_000);
    let mut reversed = offices.clone();
    reversed.reverse();
    let b = compute(&reversed, &lists, &set(0..10), 260_000);
    assert_eq!(a.points, b.points);
    assert_eq!(a.corporations.len(), b.corporations.len());
    assert_eq!(a.new_adopters, b.new_adopters);
}
