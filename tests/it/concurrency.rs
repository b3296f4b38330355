//! Concurrency: 8 threads share one client for thousands of calls against the in-process
//! sandbox, every answer matching its own request; then the same through the C ABI, natively
//! and under valgrind's helgrind (with fewer calls: helgrind slows a program 50-100 times).
//!
//! Figures go to the test output (reliability/faults.sh collects the `| concurrency` rows).
//! Calls per thread: WXPRESIGN_CONCURRENCY_CALLS for the Rust test (default 500),
//! WXPRESIGN_C_THREAD_CALLS for the C program run natively (default 100) and
//! WXPRESIGN_HELGRIND_CALLS for it under helgrind (default 6).

use crate::common;

use common::{EDU, INSURANCE, example, sandbox};
use serde_json::Value;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const THREADS: usize = 8;
const MINI_PROGRAM: &str =
    "v3/password-exempt-contract/contracts/service-provider/pre-entrust-sign/mini-program";

fn env_count(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// The session id at the end of a URL or in a member.
fn session_id(data: &Value) -> Option<String> {
    if let Some(url) = data["redirect_url"].as_str() {
        return url.rsplit('/').next().map(str::to_owned);
    }
    ["presign_token", "pre_entrustweb_id"]
        .iter()
        .find_map(|m| data[*m].as_str().map(str::to_owned))
}

#[test]
fn eight_threads_share_one_client_and_every_answer_matches_its_request() {
    let calls_per_thread = env_count("WXPRESIGN_CONCURRENCY_CALLS", 500);
    let fx = sandbox();
    let client = fx.client();
    let started = Instant::now();
    let failures: Vec<String> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..THREADS)
            .map(|t| {
                let (client, fx) = (&client, &fx);
                scope.spawn(move || {
                    let mut failures = Vec::new();
                    for i in 0..calls_per_thread {
                        // A value unique to this call, in the member each endpoint remembers.
                        let unique = format!("t{t}c{i:05}");
                        let (path, member) = match i % 3 {
                            0 => (EDU, "user_id"),
                            1 => (MINI_PROGRAM, "out_contract_code"),
                            _ => (INSURANCE, "out_contract_code"),
                        };
                        let mut request = example(path);
                        request[member] = unique.clone().into();
                        let outcome = client
                            .call(path, &request.to_string())
                            .map_err(|e| e.to_string())
                            .and_then(|r| {
                                // The echo, where the endpoint answers one ...
                                match r.data.get("out_contract_code") {
                                    Some(echo) if echo != unique.as_str() => {
                                        return Err(format!("echoed {echo}"));
                                    }
                                    _ => {}
                                }
                                // ... and the session the sandbox made from this very request.
                                let id = session_id(&r.data).ok_or("no session in the answer")?;
                                let session = fx.sandbox.session(&id).ok_or("unknown session")?;
                                match session.request[member].as_str() {
                                    Some(v) if v == unique => Ok(()),
                                    other => Err(format!("session {id} holds {other:?}")),
                                }
                            });
                        if let Err(e) = outcome {
                            failures.push(format!("thread {t} call {i} ({path}): {e}"));
                        }
                    }
                    failures
                })
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|w| w.join().expect("no worker panicked"))
            .collect()
    });
    let elapsed = started.elapsed();
    let total = THREADS * calls_per_thread;
    println!(
        "| concurrency: Rust API, {THREADS} threads x {calls_per_thread} calls, one client, in-process sandbox \
         | {} of {total} matched | {:.1} s | {:.0} calls/s |",
        total - failures.len(),
        elapsed.as_secs_f64(),
        total as f64 / elapsed.as_secs_f64()
    );
    assert!(
        failures.is_empty(),
        "{} failures, first: {:?}",
        failures.len(),
        &failures[..failures.len().min(5)]
    );
}

fn valgrind_available() -> bool {
    Command::new("valgrind")
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// tests/c/threads.c against the shared library and an in-process sandbox: natively with many
/// calls, then under helgrind with a few. Helgrind must report no data race (exit code 1 on any
/// error, after the suppressions in tests/c/helgrind.supp, each of which says why).
#[test]
fn c_abi_threads_share_one_client_natively_and_under_helgrind() {
    use common::process::{Scratch, compile_c, run, shared_library};
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = std::env::temp_dir().join(format!("wxpresign-c-threads-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("a scratch directory");
    let scratch = Scratch(dir.clone());

    let fx = sandbox();
    let config_path = dir.join("config.json");
    std::fs::write(&config_path, fx.config.to_string()).expect("writable");

    let lib_dir = shared_library(&dir);
    let program = dir.join("threads");
    compile_c("tests/c/threads.c", &program, &lib_dir, &["-O1"]);

    let native_calls = env_count("WXPRESIGN_C_THREAD_CALLS", 100);
    let mut native = Command::new(&program);
    native.arg(&config_path).arg(native_calls.to_string());
    let (status, output, elapsed) = run(native, Duration::from_secs(300));
    println!("--- threads (native) ---\n{output}");
    assert!(status.success(), "threads failed natively: {status}");
    println!(
        "| concurrency: C ABI, {THREADS} threads x {native_calls} calls, native | {} | {:.1} s |",
        output
            .lines()
            .find(|l| l.starts_with("threads:"))
            .unwrap_or("?"),
        elapsed.as_secs_f64()
    );

    if !valgrind_available() {
        println!("valgrind is not installed: the helgrind run is skipped (CI installs valgrind)");
        drop(scratch);
        return;
    }
    let helgrind_calls = env_count("WXPRESIGN_HELGRIND_CALLS", 6);
    let mut helgrind = Command::new("valgrind");
    helgrind
        .args(["--tool=helgrind", "--error-exitcode=1", "--num-callers=30"])
        .arg(format!(
            "--suppressions={}",
            manifest.join("tests/c/helgrind.supp").display()
        ))
        .arg(&program)
        .arg(&config_path)
        .arg(helgrind_calls.to_string());
    let (status, output, elapsed) = run(helgrind, Duration::from_secs(900));
    println!("--- threads under helgrind ---\n{output}");
    let summary = output
        .lines()
        .find(|l| l.contains("ERROR SUMMARY"))
        .unwrap_or("no summary")
        .trim_start_matches(|c: char| c == '=' || c.is_ascii_digit())
        .trim();
    println!(
        "| concurrency: C ABI under helgrind, {THREADS} threads x {helgrind_calls} calls | {} | {summary} | {:.1} s |",
        output
            .lines()
            .find(|l| l.starts_with("threads:"))
            .unwrap_or("?"),
        elapsed.as_secs_f64()
    );
    assert!(status.success(), "helgrind reported errors (exit {status})");
    assert!(
        output.contains("ERROR SUMMARY: 0 errors"),
        "helgrind reported errors"
    );
    drop(scratch);
}
