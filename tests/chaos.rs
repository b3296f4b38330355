//! "Not sent means not received", checked statistically: many calls from 8 threads on one
//! client (and some on fresh clients and on clients whose primary host refuses, so they move to
//! the backup) through a mix of every fault at once: the sandbox's fault values, and a relay in
//! front of it that refuses, cuts the request short, drops the connection after the request,
//! cuts the answer short or stalls, at random. Afterwards each call's report is compared with
//! the sandbox's own record of what it received (`Sandbox::requests`):
//!
//! - reported `may_have_reached_server: false` ⇒ no request with its value was received;
//! - a success ⇒ exactly one was received, answered 200;
//! - an API error with status S ⇒ exactly one was received, answered S;
//! - a verify error ⇒ exactly one was received, answered 200 (the answer was bent);
//! - no call took longer than timeout_ms and a margin;
//! - file descriptors and threads come back to where they were, and RSS stays flat.
//!
//! WXPRESIGN_CHAOS_CALLS sets the number of calls (default 1200 here; reliability/chaos.sh runs
//! 10,000 for docs/reliability.md), WXPRESIGN_CHAOS_SEED the random seed (printed).
//!
//! A test binary of its own, not a module of tests/it: it compares the process's file
//! descriptors, threads and RSS before and after, which other tests running beside it in one
//! process would change.
#![cfg(target_os = "linux")]

mod common;
#[path = "common/tls_relay.rs"]
#[allow(dead_code)]
mod tls_relay;

use common::process::process_usage;
use serde_json::json;
use std::collections::HashMap;
use std::io::Write;
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tls_relay::read_message;
use wxpresign::Kind;

const TIMEOUT_MS: u64 = 1500;
/// What a call may take beyond timeout_ms: the scheduler on a loaded 2-core machine.
const MARGIN_MS: u64 = 1500;

/// A small deterministic generator (xorshift64*), so that a failing seed can be replayed.
struct Random(AtomicU64);

impl Random {
    fn next(&self, below: u64) -> u64 {
        let mut x = self.0.load(Ordering::Relaxed);
        loop {
            let mut y = x;
            y ^= y >> 12;
            y ^= y << 25;
            y ^= y >> 27;
            match self
                .0
                .compare_exchange_weak(x, y, Ordering::Relaxed, Ordering::Relaxed)
            {
                Ok(_) => return y.wrapping_mul(0x2545_F491_4F6C_DD1D) % below,
                Err(now) => x = now,
            }
        }
    }
}

/// What the relay does to one exchange.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Wire {
    Pass,
    /// Closes the connection as soon as the request starts: nothing reaches the sandbox.
    Refuse,
    /// Forwards part of the request and closes both sides.
    CutRequest,
    /// Forwards the request, then closes on the client without the answer.
    DropAfterRequest,
    /// Forwards the request and part of the answer, then closes.
    CutAnswer,
    /// Forwards the request and holds the answer past the client's deadline.
    Stall,
}

const WIRE: &[(Wire, u64)] = &[
    (Wire::Pass, 70),
    (Wire::Refuse, 6),
    (Wire::CutRequest, 6),
    (Wire::DropAfterRequest, 6),
    (Wire::CutAnswer, 6),
    (Wire::Stall, 6),
];

/// A relay in front of `upstream` that misbehaves at random, one decision per exchange.
fn relay(upstream: SocketAddr, random: Arc<Random>, done: Arc<AtomicBool>) -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        for client in listener.incoming().flatten() {
            if done.load(Ordering::Relaxed) {
                break;
            }
            let random = Arc::clone(&random);
            std::thread::spawn(move || {
                let _ = serve(client, upstream, &random);
            });
        }
    });
    addr
}

fn pick(random: &Random) -> Wire {
    let total: u64 = WIRE.iter().map(|(_, w)| w).sum();
    let mut at = random.next(total);
    for (wire, weight) in WIRE {
        if at < *weight {
            return *wire;
        }
        at -= weight;
    }
    Wire::Pass
}

fn serve(mut client: TcpStream, upstream: SocketAddr, random: &Random) -> std::io::Result<()> {
    client.set_read_timeout(Some(Duration::from_secs(10)))?;
    let mut server: Option<TcpStream> = None;
    loop {
        let wire = pick(random);
        if wire == Wire::Refuse {
            return client.shutdown(Shutdown::Both);
        }
        let Some(request) = read_message(&mut client)? else {
            return Ok(());
        };
        let server = match server.as_mut() {
            Some(s) => s,
            None => {
                let s = TcpStream::connect(upstream)?;
                s.set_read_timeout(Some(Duration::from_secs(10)))?;
                server.insert(s)
            }
        };
        if wire == Wire::CutRequest {
            server.write_all(&request[..request.len() / 2])?;
            let _ = server.shutdown(Shutdown::Both);
            return client.shutdown(Shutdown::Both);
        }
        server.write_all(&request)?;
        if wire == Wire::DropAfterRequest {
            return client.shutdown(Shutdown::Both);
        }
        let Some(answer) = read_message(server)? else {
            return client.shutdown(Shutdown::Both);
        };
        match wire {
            Wire::CutAnswer => {
                client.write_all(&answer[..answer.len() * 2 / 3])?;
                return client.shutdown(Shutdown::Both);
            }
            Wire::Stall => {
                std::thread::sleep(Duration::from_millis(TIMEOUT_MS + 500));
                return client.shutdown(Shutdown::Both);
            }
            _ => client.write_all(&answer)?,
        }
    }
}

/// The sandbox's fault values, and none, with weights.
const VALUES: &[(&str, u64)] = &[
    ("", 60),
    ("SANDBOXDROP", 5),
    ("SANDBOXSLOW2200", 3),
    ("SANDBOXSYSTEMERROR", 5),
    ("SANDBOXSERVICEUNAVAILABLE", 3),
    ("SANDBOXFREQUENCYLIMITED", 5),
    ("SANDBOXBADSIGNATURE", 4),
    ("SANDBOXTAMPERED", 4),
    ("SANDBOXSTALE", 3),
    ("SANDBOXPROBE", 3),
];

fn value_for(random: &Random, n: u64) -> String {
    let total: u64 = VALUES.iter().map(|(_, w)| w).sum();
    let mut at = random.next(total);
    for (prefix, weight) in VALUES {
        if at < *weight {
            // A letter before the number ends SANDBOXSLOW's digits.
            return format!("{prefix}X{n}");
        }
        at -= weight;
    }
    format!("X{n}")
}

/// One call's report.
struct Report {
    key: String,
    elapsed: Duration,
    outcome: Result<(), (Kind, bool, Option<u16>, String)>,
}

fn call(client: &wxpresign::Client, key: String) -> Report {
    let started = Instant::now();
    let outcome = client
        .call(common::EDU, &common::edu_with_user(&key))
        .map(|_| ())
        .map_err(|e| {
            let json = e.to_json();
            (
                e.kind(),
                json["error"]["may_have_reached_server"] == true,
                e.api_answer().map(|a| a.http_status),
                e.message().to_owned(),
            )
        });
    Report {
        key,
        elapsed: started.elapsed(),
        outcome,
    }
}

#[test]
fn not_sent_means_not_received_under_mixed_faults() {
    let calls: u64 = std::env::var("WXPRESIGN_CHAOS_CALLS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1200);
    let seed: u64 = std::env::var("WXPRESIGN_CHAOS_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_nanos() as u64
                | 1
        });
    println!("chaos: {calls} calls, seed {seed} (WXPRESIGN_CHAOS_SEED={seed} replays it)");
    let fx = common::sandbox();
    let random = Arc::new(Random(AtomicU64::new(seed)));
    let done = Arc::new(AtomicBool::new(false));
    let front = relay(fx.sandbox.addr(), Arc::clone(&random), Arc::clone(&done));
    let front_url = format!("http://{front}");
    let refusing = {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = l.local_addr().unwrap().port();
        drop(l);
        format!("http://127.0.0.1:{port}")
    };
    let settings =
        json!({ "base_url": front_url, "timeout_ms": TIMEOUT_MS, "connect_timeout_ms": 500 });
    let shared = fx.client_with(settings.clone());

    // Warm up, then take the process's baseline.
    for i in 0..20 {
        let _ = shared.call(common::EDU, &common::edu_with_user(&format!("WARM{i}")));
    }
    let (fds_before, threads_before, rss_before) = process_usage();

    let next = AtomicU64::new(0);
    let reports = Mutex::new(Vec::with_capacity(calls as usize));
    let rss_mid = AtomicU64::new(0);
    std::thread::scope(|scope| {
        for thread in 0..8 {
            let (shared, next, reports, random, fx, settings, refusing, rss_mid) = (
                &shared, &next, &reports, &random, &fx, &settings, &refusing, &rss_mid,
            );
            let front_url = front_url.clone();
            scope.spawn(move || {
                let mut mine = Vec::new();
                loop {
                    let n = next.fetch_add(1, Ordering::Relaxed);
                    if n >= calls {
                        break;
                    }
                    if n == calls / 2 {
                        rss_mid.store(process_usage().2, Ordering::Relaxed);
                    }
                    let key = value_for(random, n);
                    // Most calls share the client; some make their own, some start on a
                    // primary that refuses and move to the backup, a few have no backup.
                    let report = match (thread, n % 10) {
                        (_, 0) => call(&fx.client_with(settings.clone()), key),
                        (_, 1) => {
                            let mut moved = settings.clone();
                            moved["base_url"] = refusing.as_str().into();
                            moved["backup_base_url"] = front_url.as_str().into();
                            call(&fx.client_with(moved), key)
                        }
                        // A host that refuses, with no backup: nothing can be sent.
                        (0, 2) => {
                            let mut nowhere = settings.clone();
                            nowhere["base_url"] = refusing.as_str().into();
                            call(&fx.client_with(nowhere), key)
                        }
                        _ => call(shared, key),
                    };
                    mine.push(report);
                }
                reports.lock().unwrap().extend(mine);
            });
        }
    });
    done.store(true, Ordering::Relaxed);
    drop(shared);
    std::thread::sleep(Duration::from_millis(TIMEOUT_MS + 800));

    let mut received: HashMap<String, Vec<Option<u16>>> = HashMap::new();
    for r in fx.sandbox.requests() {
        if let Some(key) = r.key {
            received.entry(key).or_default().push(r.status);
        }
    }
    let reports = reports.into_inner().unwrap();
    let mut violations = Vec::new();
    let mut outcomes: HashMap<String, u64> = HashMap::new();
    for report in &reports {
        let seen = received.get(&report.key).map_or(&[][..], Vec::as_slice);
        let (label, ok) = match &report.outcome {
            Ok(()) => ("ok".to_owned(), seen == [Some(200)]),
            Err((kind, false, _, _)) => (format!("{} not sent", kind.as_str()), seen.is_empty()),
            Err((Kind::Api, true, Some(status), _)) => {
                (format!("api {status}"), seen == [Some(*status)])
            }
            Err((Kind::Verify, true, _, _)) => ("verify".to_owned(), seen == [Some(200)]),
            Err((kind, true, _, _)) => (
                format!("{} may have reached", kind.as_str()),
                seen.len() <= 1,
            ),
        };
        *outcomes.entry(label.clone()).or_default() += 1;
        if !ok {
            violations.push(format!(
                "{}: reported {label} ({:?}), the sandbox received {seen:?}",
                report.key, report.outcome
            ));
        }
        if report.elapsed > Duration::from_millis(TIMEOUT_MS + MARGIN_MS) {
            violations.push(format!("{}: took {:?}", report.key, report.elapsed));
        }
    }
    // The sandbox lets a handler thread idle for a second before it ends.
    std::thread::sleep(Duration::from_secs(2));
    let (fds_after, threads_after, rss_after) = process_usage();
    let mut table: Vec<_> = outcomes.into_iter().collect();
    table.sort();
    println!("| outcome | calls |\n|---|---|");
    for (label, n) in &table {
        println!("| {label} | {n} |");
    }
    println!(
        "| calls | {} | requests received | {} | violations | {} |",
        reports.len(),
        fx.sandbox.requests().len(),
        violations.len()
    );
    println!(
        "fds {fds_before} -> {fds_after}, threads {threads_before} -> {threads_after}, \
         RSS {rss_before} -> {} -> {rss_after} KiB",
        rss_mid.load(Ordering::Relaxed)
    );
    assert_eq!(reports.len() as u64, calls);
    assert!(
        violations.is_empty(),
        "{} violations:\n{}",
        violations.len(),
        violations.join("\n")
    );
    // Every kind of outcome happened, so the mix exercised what it claims to.
    for needed in [
        "ok",
        "api 500",
        "api 429",
        "verify",
        "transport not sent",
        "transport may have reached",
    ] {
        assert!(
            table.iter().any(|(label, _)| label == needed),
            "no call ended {needed}: {table:?}"
        );
    }
    assert!(
        fds_after <= fds_before + 4,
        "fds {fds_before} -> {fds_after}"
    );
    assert!(
        threads_after <= threads_before + 4,
        "threads {threads_before} -> {threads_after}"
    );
    let mid = rss_mid.load(Ordering::Relaxed);
    assert!(
        rss_after < mid + 16 * 1024,
        "RSS grew by {} KiB in the second half",
        rss_after.saturating_sub(mid)
    );
}
