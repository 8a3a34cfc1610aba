//! What one sign-in costs: an argon2id verify with the parameters the service stores
//! (`service::people::hash_password`), against a SHA-256 of the same password (what a token
//! lookup costs) measured in the same run, and how many sign-ins a second each core could
//! verify, which is the most a flood of sign-ins can take from intake on that core.
//!
//! What a flood of sign-ins does to intake, and how the cap on hashes at once
//! (`HONORARIA_STAFF_SIGN_IN_CONCURRENCY`) keeps it, is measured over HTTP against the release
//! binary by `scripts/sign-in-flood.sh`.
//!
//!     cargo bench --bench sign_in [-- ROUNDS]

use honoraria::domain::person::{Password, StaffEmail};
use honoraria::service::people::{hash_password, verify_password};
use sha2::{Digest, Sha256};
use std::time::{Duration, Instant};

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}

fn main() {
    let rounds: usize = std::env::args()
        .filter_map(|a| a.parse().ok())
        .next()
        .unwrap_or(30);
    let email = StaffEmail::parse("bench@example.jp").expect("address");
    let password = Password::parse("むさしの事務局の春の青空", &email).expect("password");
    let stored = hash_password(&password).expect("hash");
    let mut argon = Vec::with_capacity(rounds);
    let mut sha = Vec::with_capacity(rounds);
    for _ in 0..rounds {
        let started = Instant::now();
        assert!(verify_password(&stored, password.expose()));
        argon.push(started.elapsed());
        let started = Instant::now();
        std::hint::black_box(Sha256::digest(password.expose().as_bytes()));
        sha.push(started.elapsed());
    }
    let (a, s) = (median(argon.clone()), median(sha));
    println!("parameters: {}", stored.split('$').nth(3).unwrap_or("?"));
    println!(
        "argon2id verify: median {:.1} ms (min {:.1}, max {:.1}) over {rounds}",
        a.as_secs_f64() * 1e3,
        argon.iter().min().unwrap().as_secs_f64() * 1e3,
        argon.iter().max().unwrap().as_secs_f64() * 1e3,
    );
    println!(
        "against a token's SHA-256 in the same run: {:.0}x; at most {:.0} sign-ins/s per core",
        a.as_secs_f64() / s.as_secs_f64().max(1e-9),
        1.0 / a.as_secs_f64()
    );
}
