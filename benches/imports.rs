//! National-size imports over HTTP against a running server, next to the parse alone (no
//! database, no HTTP) measured in the same run:
//!
//!   cargo bench --bench imports -- --backend sqlite
//!   BENCH_POSTGRES_URL=postgres://postgres@127.0.0.1:5432/postgres \
//!     cargo bench --bench imports -- --backend postgres
//!
//! A 300,000-row usage list (UTF-8 with extra columns, then the same as Shift_JIS) and a
//! 100,000-row seminar attendee list, each timed from the first byte sent to the answer.

mod common;

use std::time::Instant;

/// `rows` distinct office numbers with the columns a real export carries.
fn usage_list(rows: u32) -> String {
    let mut csv =
        String::from("都道府県,保険者番号,事業所番号,事業所名,サービス種別,利用開始日\r\n");
    for n in 0..rows {
        csv.push_str(&format!(
            "東京都,131234,{},\"ケアプラン連携事業所{n}\",居宅介護支援,2024/01/10\r\n",
            common::office_number(n)
        ));
    }
    csv
}

fn main() {
    honoraria::telemetry::init();
    let backend = common::backend();
    let bench = common::Bench::start(&backend, "imports", |_| {});
    let campaign = common::new_campaign(&bench.pool);
    let rows = 300_000;
    let utf8 = usage_list(rows);
    let (sjis, _, _) = encoding_rs::SHIFT_JIS.encode(&utf8);
    let sjis = sjis.into_owned();
    println!(
        "imports on {backend}: usage list {rows} rows, {:.1} MB UTF-8, {:.1} MB Shift_JIS",
        utf8.len() as f64 / 1e6,
        sjis.len() as f64 / 1e6
    );

    let started = Instant::now();
    let mut kept = 0usize;
    honoraria::domain::usage_list::read(std::io::Cursor::new(sjis.as_slice()), |_| kept += 1)
        .unwrap();
    let parse = started.elapsed();
    assert_eq!(kept, rows as usize);

    let path = format!("/api/v1/campaigns/{campaign}/usage-lists?as_of=2024-03-31");
    let (utf8_time, answer) = common::post_csv(&bench, &path, utf8.into_bytes());
    assert_eq!(answer["rows"], rows);
    let (sjis_time, answer) = common::post_csv(&bench, &path, sjis);
    assert_eq!(answer["rows"], rows);
    assert_eq!(answer["encoding"], "shift_jis");

    let mut attendees = String::from("office_number\n");
    for n in 0..100_000u32 {
        attendees.push_str(&common::office_number(n));
        attendees.push('\n');
    }
    let (attendee_time, answer) = common::post_csv(
        &bench,
        &format!("/api/v1/campaigns/{campaign}/seminar-attendees"),
        attendees.into_bytes(),
    );
    assert_eq!(answer["added"], 100_000);

    println!("{:<44} {:>8}", "run", "seconds");
    for (name, t) in [
        ("parse only, Shift_JIS, no database", parse),
        ("HTTP usage list, UTF-8, 300,000 rows", utf8_time),
        ("HTTP usage list, Shift_JIS, 300,000 rows", sjis_time),
        ("HTTP seminar attendees, 100,000 rows", attendee_time),
    ] {
        println!("{name:<44} {:>8.2}", t.as_secs_f64());
    }
}
