//! The outcome as the secretariat hands it on: a CSV for the spreadsheet (every row naming the
//! register and the list it counted) and the chart of the rate over time.

use super::{OutcomeView, PointView};
use crate::domain::outcome::Count;
use crate::formats::chart::{self, Chart, Series};
use crate::formats::csv::{line, utf8_with_bom, Cell};

const HEADER: [&str; 12] = [
    "figure",
    "group",
    "as_of",
    "using",
    "offices",
    "rate",
    "amount_yen",
    "register_id",
    "register_as_of",
    "register_sha256",
    "usage_list_id",
    "usage_list_sha256",
];

fn count(n: usize) -> Cell<'static> {
    Cell::Number(i64::try_from(n).unwrap_or(i64::MAX))
}

/// The rate as the CSV writes it: always four places, so a column of them lines up.
fn rate_text(rate: Option<f64>) -> String {
    rate.map(|r| format!("{r:.4}")).unwrap_or_default()
}

/// One row of figures: what, for whom, as of when, and from which list.
struct Row<'a> {
    figure: &'a str,
    group: &'a str,
    as_of: String,
    using: Option<usize>,
    offices: Option<usize>,
    rate: Option<f64>,
    amount: Option<i64>,
    usage_list_id: &'a str,
}

/// The outcome as CSV: UTF-8 with a BOM, CRLF, one row per figure.
pub fn csv(view: &OutcomeView) -> Vec<u8> {
    let mut out = String::new();
    let header: Vec<Cell<'_>> = HEADER.iter().map(|h| Cell::Text(h)).collect();
    line(&mut out, &header);
    let register_as_of = view.register.as_of.to_string();
    let sha_of = |id: &str| {
        view.usage_lists
            .iter()
            .find(|l| l.id == id)
            .map(|l| l.sha256.as_str())
            .unwrap_or("")
    };
    let mut write = |row: Row<'_>| {
        let number = |n: Option<usize>| n.map_or(Cell::Text(""), count);
        let rate = rate_text(row.rate);
        line(
            &mut out,
            &[
                Cell::Text(row.figure),
                Cell::Text(row.group),
                Cell::Text(&row.as_of),
                number(row.using),
                number(row.offices),
                Cell::Text(&rate),
                row.amount.map_or(Cell::Text(""), Cell::Number),
                Cell::Text(view.register.id.as_str()),
                Cell::Text(&register_as_of),
                Cell::Text(&view.register.sha256),
                Cell::Text(row.usage_list_id),
                Cell::Text(sha_of(row.usage_list_id)),
            ],
        );
    };
    let groups: [(&str, &[PointView]); 5] = [
        (chart::REGION, &view.points),
        ("居宅介護支援事業所", &view.by_kind.care_management),
        ("サービス事業所", &view.by_kind.service),
        (chart::PARTICIPANTS, &view.by_taking_part.participants),
        (
            chart::NON_PARTICIPANTS,
            &view.by_taking_part.non_participants,
        ),
    ];
    for (group, points) in groups {
        for p in points {
            write(Row {
                figure: "rate",
                group,
                as_of: p.as_of.to_string(),
                using: Some(p.using),
                offices: Some(p.offices),
                rate: p.rate,
                amount: None,
                usage_list_id: &p.usage_list_id,
            });
        }
    }
    let end = view
        .points
        .last()
        .map(|p| p.as_of.to_string())
        .unwrap_or_default();
    let start = view
        .points
        .first()
        .map(|p| p.as_of.to_string())
        .unwrap_or_default();
    for c in &view.corporations {
        let group = format!("{} ({})", c.name, c.corporate_number);
        write(Row {
            figure: "corporation",
            group: &group,
            as_of: end.clone(),
            using: Some(c.using_at_end),
            offices: Some(c.offices),
            rate: Count {
                using: c.using_at_end,
                offices: c.offices,
            }
            .rate(),
            amount: None,
            usage_list_id: &view.end_usage_list_id,
        });
    }
    let since = format!("{start}から");
    write(Row {
        figure: "new_adopters",
        group: &since,
        as_of: end.clone(),
        using: Some(view.new_adopters),
        offices: None,
        rate: None,
        amount: None,
        usage_list_id: &view.end_usage_list_id,
    });
    for (figure, amount) in [
        ("approved_total", Some(view.approved_total_yen)),
        ("cost_per_new_adopter", view.cost_per_new_adopter_yen),
    ] {
        write(Row {
            figure,
            group: "",
            as_of: end.clone(),
            using: None,
            offices: None,
            rate: None,
            amount,
            usage_list_id: &view.end_usage_list_id,
        });
    }
    utf8_with_bom(&out)
}

/// The rate over time for the region, the offices taking part and the rest.
pub fn chart(view: &OutcomeView) -> Chart {
    let series = |label, points: &[PointView], color, labelled: bool| Series {
        label,
        rates: points.iter().map(|p| p.rate).collect(),
        point_labels: points
            .iter()
            .map(|p| {
                let count = Count {
                    using: p.using,
                    offices: p.offices,
                };
                if labelled {
                    count.percent_label()
                } else {
                    String::new()
                }
            })
            .collect(),
        color,
    };
    let sha = view
        .register
        .sha256
        .get(..12)
        .unwrap_or(&view.register.sha256);
    Chart {
        days: view.points.iter().map(|p| p.as_of.to_string()).collect(),
        series: vec![
            series(chart::REGION, &view.points, chart::BLACK_LINE, true),
            series(
                chart::PARTICIPANTS,
                &view.by_taking_part.participants,
                chart::BLUE_LINE,
                false,
            ),
            series(
                chart::NON_PARTICIPANTS,
                &view.by_taking_part.non_participants,
                chart::ORANGE_LINE,
                false,
            ),
        ],
        source: format!(
            "{} {}（SHA-256 {sha}）・{} {}{}",
            chart::SOURCE,
            view.register.as_of,
            chart::LISTS,
            view.usage_lists.len(),
            chart::COUNT_SUFFIX
        ),
    }
}
