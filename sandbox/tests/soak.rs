//! The soak run of docs/reliability.md (`reliability/soak.sh`, not part of `cargo test`: it is
//! ignored unless asked for): 4 threads call a sandbox served by the `wxpresign` command (so the
//! process measured holds only the library) for WXPRESIGN_SOAK_MINUTES (default 30), a steady
//! mix with periodic faults, and each minute prints a row: calls/s, errors by kind, RSS, file
//! descriptors and threads. At the end RSS, fds and threads must be flat: each within a small
//! bound of its value after the first minute.
//!
//! A test binary of its own, not a module of tests/it: it measures the whole process (RSS, file
//! descriptors, threads), so nothing else may run in it.
#![cfg(target_os = "linux")]

#[path = "../../tests/common/mod.rs"]
mod common;
mod served;

use common::process::process_usage;
use served::Served;
use std::collections::BTreeMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// The call mix: mostly plain calls, and every so often a fault.
fn value(n: u64) -> String {
    let fault = match n % 50 {
        7 => "SANDBOXSYSTEMERROR",
        17 => "SANDBOXFREQUENCYLIMITED",
        27 => "SANDBOXBADSIGNATURE",
        37 => "SANDBOXDROP",
        47 => "SANDBOXSLOW2500",
        _ => "",
    };
    format!("{fault}X{n}")
}

#[test]
#[ignore = "a 30-minute run: reliability/soak.sh"]
fn calls_for_half_an_hour_with_flat_memory_fds_and_threads() {
    let minutes: u64 = std::env::var("WXPRESIGN_SOAK_MINUTES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(30);
    let served = Served::start("soak");
    let config = std::fs::read_to_string(served.config_path()).unwrap();
    let mut config: serde_json::Value = serde_json::from_str(&config).unwrap();
    config["timeout_ms"] = 2000.into();
    let client = wxpresign::Client::from_json(&config.to_string()).unwrap();
    let stop = AtomicBool::new(false);
    let next = AtomicU64::new(0);
    let errors: Mutex<BTreeMap<String, u64>> = Mutex::new(BTreeMap::new());
    let ok = AtomicU64::new(0);
    let started = Instant::now();
    let mut rows = Vec::new();
    println!("| minute | calls/s | ok | errors by kind | RSS KiB | fds | threads |");
    println!("|---|---|---|---|---|---|---|");
    std::thread::scope(|scope| {
        for _ in 0..4 {
            scope.spawn(|| {
                while !stop.load(Ordering::Relaxed) {
                    let n = next.fetch_add(1, Ordering::Relaxed);
                    match client.call(common::EDU, &common::edu_with_user(&value(n))) {
                        Ok(_) => {
                            ok.fetch_add(1, Ordering::Relaxed);
                        }
                        Err(e) => {
                            *errors
                                .lock()
                                .unwrap()
                                .entry(e.kind().as_str().to_owned())
                                .or_default() += 1;
                        }
                    }
                }
            });
        }
        let mut last_calls = 0;
        for minute in 1..=minutes {
            let until = started + Duration::from_secs(60 * minute);
            std::thread::sleep(until.saturating_duration_since(Instant::now()));
            let calls = next.load(Ordering::Relaxed);
            let (fds, threads, rss) = process_usage();
            let row = (rss, fds, threads);
            let errors = errors.lock().unwrap().clone();
            println!(
                "| {minute} | {:.0} | {} | {:?} | {} | {} | {} |",
                (calls - last_calls) as f64 / 60.0,
                ok.load(Ordering::Relaxed),
                errors,
                row.0,
                row.1,
                row.2
            );
            last_calls = calls;
            rows.push(row);
        }
        stop.store(true, Ordering::Relaxed);
    });
    let first = rows[0];
    let last = *rows.last().unwrap();
    assert!(
        last.0 < first.0 + 8 * 1024,
        "RSS {} -> {} KiB",
        first.0,
        last.0
    );
    assert!(last.1 <= first.1 + 4, "fds {} -> {}", first.1, last.1);
    assert!(last.2 <= first.2 + 2, "threads {} -> {}", first.2, last.2);
    assert!(ok.load(Ordering::Relaxed) > 0);
}
