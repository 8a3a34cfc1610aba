//! The rush: N simultaneous applicants against a running server, next to a baseline measured
//! in the same run on the same database: the same transaction without HTTP (every backend), and
//! for PostgreSQL pgbench driving the same SQL statements (`bench/submit.pgbench.sql`).
//!
//!   cargo bench --bench rush -- --backend sqlite --clients 300 --per-client 10
//!   BENCH_POSTGRES_URL=postgres://postgres@127.0.0.1:5432/postgres \
//!     cargo bench --bench rush -- --backend postgres --clients 300 --per-client 10
//!
//! It prints applications per second and p50/p99 latency for each, and their ratios; the
//! second run repeats the first on the same campaign after 20,000 more applications (a long
//! campaign with a long waiting list), with the email worker on as `serve` runs it.

mod common;

use honoraria::domain::application::ApplicationInput;
use honoraria::service::applications;
use honoraria::service::outbox::Notifier;
use honoraria::{clock, db};
use std::sync::Barrier;
use std::time::{Duration, Instant};

struct Args {
    backend: String,
    clients: usize,
    per_client: usize,
}

fn args() -> Args {
    let mut a = Args {
        backend: "sqlite".into(),
        clients: 300,
        per_client: 10,
    };
    let argv: Vec<String> = std::env::args().collect();
    let mut i = 1;
    while i < argv.len() {
        let value = argv.get(i + 1).cloned().unwrap_or_default();
        match argv[i].as_str() {
            "--backend" => a.backend = value,
            "--clients" => a.clients = value.parse().expect("--clients N"),
            "--per-client" => a.per_client = value.parse().expect("--per-client N"),
            _ => {
                i += 1;
                continue;
            }
        }
        i += 2;
    }
    a
}

struct Run {
    name: String,
    per_second: f64,
    p50: Duration,
    p99: Duration,
}

fn summarize(name: &str, elapsed: Duration, mut latencies: Vec<Duration>) -> Run {
    latencies.sort();
    let pick = |q: f64| latencies[((latencies.len() as f64 * q).ceil() as usize).saturating_sub(1)];
    Run {
        name: name.into(),
        per_second: latencies.len() as f64 / elapsed.as_secs_f64(),
        p50: pick(0.50),
        p99: pick(0.99),
    }
}

/// `clients` threads start together; each runs `per_client` submissions through `submit`.
fn drive(
    clients: usize,
    per_client: usize,
    first: u32,
    submit: impl Fn(u32) + Sync,
) -> (Duration, Vec<Duration>) {
    let barrier = Barrier::new(clients + 1);
    std::thread::scope(|s| {
        let handles: Vec<_> = (0..clients)
            .map(|c| {
                let (barrier, submit) = (&barrier, &submit);
                s.spawn(move || {
                    barrier.wait();
                    (0..per_client)
                        .map(|k| {
                            let n = first + (c * per_client + k) as u32;
                            let t = Instant::now();
                            submit(n);
                            t.elapsed()
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        barrier.wait();
        let start = Instant::now();
        let latencies: Vec<Duration> = handles
            .into_iter()
            .flat_map(|h| h.join().unwrap())
            .collect();
        (start.elapsed(), latencies)
    })
}

fn main() {
    honoraria::telemetry::init();
    let a = args();
    let bench = common::Bench::start(&a.backend, "rush", |settings| {
        // The default: the delivery worker writes every applicant's email while the rush runs
        // (BENCH_EMAIL_WORKER=0 turns it off, to tell its share of the cost).
        settings.email_worker = std::env::var("BENCH_EMAIL_WORKER").map_or(true, |v| v != "0");
    });
    let (port, pool, settings, url) = (
        bench.port,
        bench.pool.clone(),
        bench.settings.clone(),
        bench.url.clone(),
    );
    let total = a.clients * a.per_client;
    println!(
        "rush on {}: {} clients × {} applications = {total}",
        a.backend, a.clients, a.per_client
    );

    // HTTP, as applicants do it.
    let campaign = common::new_campaign(&pool);
    let agent = ureq::AgentBuilder::new()
        .max_idle_connections(a.clients)
        .build();
    let endpoint = format!("http://127.0.0.1:{port}/api/v1/campaigns/{campaign}/applications");
    let bodies: Vec<String> = (0..total as u32)
        .map(|n| common::application(n).to_string())
        .collect();
    let (elapsed, lat) = drive(a.clients, a.per_client, 0, |n| {
        let r = agent
            .post(&endpoint)
            .set("Content-Type", "application/json")
            .send_string(&bodies[n as usize]);
        assert_eq!(r.map(|r| r.status()).unwrap_or(0), 201);
    });
    let http = summarize("HTTP server", elapsed, lat);

    // A long campaign: the same run on the same campaign after 20,000 more applications, nearly
    // all of them waiting; the cost of an application must not grow with those before it.
    let earlier = 20_000 / a.clients;
    let long_bodies: Vec<String> = (0..(a.clients * (earlier + a.per_client)) as u32)
        .map(|n| common::application(300_000 + n).to_string())
        .collect();
    let post_long = |n: u32| {
        let r = agent
            .post(&endpoint)
            .set("Content-Type", "application/json")
            .send_string(&long_bodies[n as usize]);
        assert_eq!(r.map(|r| r.status()).unwrap_or(0), 201);
    };
    drive(a.clients, earlier, 0, post_long);
    let (elapsed, lat) = drive(
        a.clients,
        a.per_client,
        (a.clients * earlier) as u32,
        post_long,
    );
    let long = summarize(
        &format!("HTTP after {} earlier", a.clients * earlier + total),
        elapsed,
        lat,
    );
    // The same run on a fresh campaign right after, so both meet the same database size and
    // the same email backlog: the difference between the two is the campaign's own history.
    let fresh_campaign = common::new_campaign(&pool);
    let fresh_endpoint =
        format!("http://127.0.0.1:{port}/api/v1/campaigns/{fresh_campaign}/applications");
    let fresh_bodies: Vec<String> = (0..total as u32)
        .map(|n| common::application(400_000 + n).to_string())
        .collect();
    let (elapsed, lat) = drive(a.clients, a.per_client, 0, |n| {
        let r = agent
            .post(&fresh_endpoint)
            .set("Content-Type", "application/json")
            .send_string(&fresh_bodies[n as usize]);
        assert_eq!(r.map(|r| r.status()).unwrap_or(0), 201);
    });
    let fresh_after = summarize("HTTP, fresh campaign, then", elapsed, lat);

    // A burst: every applicant submits once, all at the same moment.
    let campaign_burst = common::new_campaign(&pool);
    let burst_endpoint =
        format!("http://127.0.0.1:{port}/api/v1/campaigns/{campaign_burst}/applications");
    let (elapsed, lat) = drive(a.clients, 1, 0, |n| {
        let r = agent
            .post(&burst_endpoint)
            .set("Content-Type", "application/json")
            .send_string(&bodies[n as usize]);
        assert_eq!(r.map(|r| r.status()).unwrap_or(0), 201);
    });
    let burst = summarize(&format!("HTTP burst, {} at once", a.clients), elapsed, lat);

    // The same transaction straight on the database, no HTTP and no JSON: a bare loop on one
    // connection (SQLite takes one writer at a time, so this is its ceiling).
    let campaign = common::new_campaign(&pool);
    let notifier = Notifier::new("http://127.0.0.1");
    let inputs: Vec<ApplicationInput> = (0..total as u32)
        .map(|n| serde_json::from_value(common::application(100_000 + n)).unwrap())
        .collect();
    let direct_pool = db::connect(&url, 1, std::time::Duration::from_secs(30)).unwrap();
    let (elapsed, lat) = drive(1, total, 0, |n| {
        let mut conn = direct_pool.get().unwrap();
        db::write_transaction(&mut conn, |c| {
            applications::submit(c, &notifier, clock::now(), &campaign, &inputs[n as usize])
        })
        .unwrap();
    });
    let direct = summarize("bare loop, one at a time", elapsed, lat);

    // The server's own path without HTTP and JSON: the same clients, batched the same way.
    let campaign = common::new_campaign(&pool);
    let intake = honoraria::service::intake::Intake::default();
    let store = honoraria::service::Store::new(
        db::connect(
            &url,
            settings.db_pool_size,
            std::time::Duration::from_secs(30),
        )
        .unwrap(),
    );
    let jobs_input: Vec<ApplicationInput> = (0..total as u32)
        .map(|n| serde_json::from_value(common::application(200_000 + n)).unwrap())
        .collect();
    let (elapsed, lat) = drive(a.clients, a.per_client, 0, |n| {
        let job = honoraria::service::intake::Job {
            input: jobs_input[n as usize].clone(),
            key: None,
        };
        intake.submit(&store, &notifier, &campaign, job).unwrap();
    });
    let batched = summarize("same path, no HTTP", elapsed, lat);
    drop(store);

    let mut runs = vec![http, long, fresh_after, burst, batched, direct];
    drop(direct_pool);
    if let Some((admin, name)) = &bench.pg_admin {
        // PostgreSQL here takes 100 connections, so pgbench cannot open one per applicant: it
        // runs at the server's own pool size (the concurrency the database sees from the
        // server) and at a larger count.
        for clients in [settings.db_pool_size as usize, 64] {
            let campaign = common::new_campaign(&pool);
            let base = admin.rsplit_once('/').unwrap().0;
            let script = concat!(env!("CARGO_MANIFEST_DIR"), "/bench/submit.pgbench.sql");
            let out = std::process::Command::new("pgbench")
                .args(["-n", "-f", script, "-c", &clients.to_string(), "-j", "2"])
                .args(["-t", &(total / clients).to_string()])
                .args(["-D", &format!("campaign='{campaign}'")])
                .arg(format!("{base}/{name}"))
                .output()
                .expect("pgbench on PATH");
            let text = String::from_utf8_lossy(&out.stdout);
            let number = |prefix: &str| -> Option<f64> {
                text.lines()
                    .find_map(|l| l.strip_prefix(prefix))
                    .and_then(|r| r.split_whitespace().next())
                    .and_then(|v| v.parse().ok())
            };
            let tps = number("tps = ").unwrap_or_else(|| {
                panic!(
                    "pgbench said:\n{text}\n{}",
                    String::from_utf8_lossy(&out.stderr)
                )
            });
            let latency_ms = number("latency average = ").unwrap_or(0.0);
            runs.push(Run {
                name: format!("pgbench, same SQL, {clients} cl."),
                per_second: tps,
                p50: Duration::from_secs_f64(latency_ms / 1000.0),
                p99: Duration::ZERO,
            });
        }
    }

    println!(
        "{:<28} {:>10} {:>10} {:>10} {:>8}",
        "run", "apps/s", "p50 ms", "p99 ms", "ratio"
    );
    let base = runs[0].per_second;
    for r in &runs {
        println!(
            "{:<28} {:>10.0} {:>10.1} {:>10.1} {:>8.2}",
            r.name,
            r.per_second,
            r.p50.as_secs_f64() * 1e3,
            r.p99.as_secs_f64() * 1e3,
            base / r.per_second
        );
    }
    println!("(ratio = HTTP server apps/s ÷ that run's apps/s; pgbench p50 column is its average latency)");
}
