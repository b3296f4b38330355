//! The programs behind docs/performance.md run one short iteration each, so that they keep
//! working as the library changes (the figures come from `bench/compare` and friends, never from
//! here): bench/compare's own clients (C, PHP binding, Python binding) each call a served sandbox
//! and print the line bench/report.py reads, report.py makes its table of them against a real
//! `openssl speed` floor (and names the ceiling a peer close to the floor puts on the 2x target),
//! the wechatpay-php peer says what it needs when it has no SDK, and
//! bench/probe_cost.c prices its system calls. Needs cc, php (FFI), python3 and openssl (.ci/run
//! installs them).
#![cfg(target_os = "linux")]

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use crate::common;
use crate::served;
use common::process::{Scratch, run, shared_library};
use served::Served;

const CALLS: u64 = 3;

fn manifest() -> &'static Path {
    common::process::repository()
}

/// Runs a benchmark client and returns the JSON line it ends with, after checking that it made
/// the calls it was asked for and measured them.
fn client_line(name: &str, command: Command) -> Value {
    let (status, output, elapsed) = run(command, Duration::from_secs(120));
    println!("--- {name} ({elapsed:.1?}) ---\n{output}");
    assert!(status.success(), "{name} failed ({status}):\n{output}");
    let line: Value = output
        .lines()
        .rev()
        .find_map(|l| serde_json::from_str(l).ok())
        .unwrap_or_else(|| panic!("{name} printed no JSON line:\n{output}"));
    assert_eq!(line["calls"], CALLS, "{name}: {line}");
    for figure in ["cpu_s", "wall_s"] {
        let value = line[figure].as_f64().unwrap_or(-1.0);
        assert!(
            value > 0.0,
            "{name}: {figure} is not a positive time: {line}"
        );
    }
    line
}

fn cc(source: &Path, output: &Path, extra: &[&str]) {
    let mut cc = Command::new("cc");
    cc.args(["-O2", "-std=c11", "-Wall", "-Werror", "-pthread"])
        .arg(source)
        .arg("-o")
        .arg(output)
        .args(extra);
    let (status, out, _) = run(cc, Duration::from_secs(120));
    assert!(status.success(), "cc {} failed:\n{out}", source.display());
}

#[test]
fn compare_clients_call_the_sandbox_and_the_report_tabulates_them() {
    let dir = Scratch::new("bench-clients");
    let lib_dir = shared_library(&dir.0);
    let library = lib_dir.join("libwxpresign.so");
    let served = Served::start("bench-clients-sandbox");
    let config = served.config_path();
    let bench = manifest().join("bench");

    let c_calls = dir.0.join("c_calls");
    cc(
        &bench.join("c_calls.c"),
        &c_calls,
        &[
            &format!("-I{}", manifest().join("include").display()),
            &format!("-L{}", lib_dir.display()),
            "-lwxpresign",
            &format!("-Wl,-rpath,{}", lib_dir.display()),
        ],
    );
    let mut c = Command::new(&c_calls);
    c.arg(&config).arg(CALLS.to_string());

    let mut php = Command::new("php");
    php.arg(bench.join("php_calls.php"))
        .arg(&config)
        .arg(CALLS.to_string())
        .env("WXPRESIGN_LIBRARY", &library);

    let mut php_per_request = Command::new("php");
    php_per_request
        .arg(bench.join("php_calls.php"))
        .arg(&config)
        .arg(CALLS.to_string())
        .arg("per-request")
        .env("WXPRESIGN_LIBRARY", &library);

    let mut python = Command::new("python3");
    python
        .arg(bench.join("py_calls.py"))
        .arg(&config)
        .arg(CALLS.to_string())
        .env("PYTHONPATH", manifest().join("bindings/python/src"))
        // No __pycache__ in the checkout, which python_binding checks while these run.
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .env("WXPRESIGN_LIBRARY", &library);

    // The lines bench/compare collects, one round each; the process figures stand in for what
    // /usr/bin/time reports there.
    let mut results = String::new();
    for (name, command) in [
        ("C (libwxpresign)", c),
        ("PHP binding", php),
        ("PHP binding, a client per request", php_per_request),
        ("Python binding", python),
    ] {
        let line = client_line(name, command);
        let record = serde_json::json!({
            "client": name,
            "version": env!("CARGO_PKG_VERSION"),
            "process_user_s": line["cpu_s"],
            "process_sys_s": 0.0,
            "run": line,
        });
        results.push_str(&format!("{record}\n"));
    }
    let results_path = dir.0.join("results.jsonl");
    std::fs::write(&results_path, results).unwrap();

    let mut openssl = Command::new("openssl");
    openssl.args(["speed", "-seconds", "1", "rsa2048"]);
    let (status, speed, _) = run(openssl, Duration::from_secs(60));
    assert!(status.success(), "openssl speed failed:\n{speed}");
    let speed_path = dir.0.join("openssl.txt");
    std::fs::write(&speed_path, speed).unwrap();

    let mut report = Command::new("python3");
    report
        .arg(bench.join("report.py"))
        .arg(&results_path)
        .arg(&speed_path);
    let (status, table, _) = run(report, Duration::from_secs(60));
    println!("--- report.py ---\n{table}");
    assert!(status.success(), "report.py failed:\n{table}");
    assert!(
        table.contains("OpenSSL floor (openssl speed -seconds 3 rsa2048, median of 1 runs"),
        "the floor line is missing:\n{table}"
    );
    for name in [
        "C (libwxpresign)",
        "PHP binding",
        "PHP binding, a client per request",
        "Python binding",
    ] {
        let row = table
            .lines()
            .find(|l| l.starts_with(&format!("| {name} |")))
            .unwrap_or_else(|| panic!("no row for {name}:\n{table}"));
        assert!(row.contains(&format!("| {CALLS} × 1 |")), "{row}");
    }
}

#[test]
fn the_wechatpay_php_peer_names_what_it_needs_without_the_sdk() {
    let mut php = Command::new("php");
    php.arg(manifest().join("bench/peer_wechatpay_php.php"))
        .args(["client.json", "1"])
        .env_remove("WECHATPAY_PHP_AUTOLOAD");
    let (status, output, _) = run(php, Duration::from_secs(60));
    assert_eq!(status.code(), Some(2), "{output}");
    assert!(output.contains("WECHATPAY_PHP_AUTOLOAD"), "{output}");
}

#[test]
fn probe_cost_prices_the_system_calls_of_a_kept_alive_call() {
    let dir = Scratch::new("bench-probe-cost");
    let program: PathBuf = dir.0.join("probe_cost");
    cc(&manifest().join("bench/probe_cost.c"), &program, &[]);
    let mut probe = Command::new(&program);
    probe.arg("1000");
    let (status, output, _) = run(probe, Duration::from_secs(60));
    assert!(status.success(), "probe_cost failed:\n{output}");
    let figures: Vec<f64> = output
        .lines()
        .filter_map(|l| {
            l.rsplit(':')
                .next()?
                .trim()
                .strip_suffix(" us")?
                .parse()
                .ok()
        })
        .collect();
    assert_eq!(figures.len(), 4, "four figures in µs:\n{output}");
    assert!(figures.iter().all(|f| f.is_finite()), "{output}");
}

#[test]
fn the_report_names_the_ceiling_when_a_peer_is_within_2x_of_the_floor() {
    let dir = Scratch::new("bench-report-ceiling");
    // One round: the floor is 1000 µs; C takes 1200 µs, a peer 1500 µs (1.5x the floor), so no
    // client could be 2x ahead of that peer.
    let line = |client: &str, cpu_s: f64| {
        let run = serde_json::json!({"calls": 1000, "cpu_s": cpu_s, "wall_s": 2.0 * cpu_s});
        serde_json::json!({"client": client, "version": "1", "process_user_s": cpu_s,
            "process_sys_s": 0.0, "run": run})
        .to_string()
    };
    let results = dir.0.join("results.jsonl");
    std::fs::write(
        &results,
        format!(
            "{}\n{}\n",
            line("C (libwxpresign)", 1.2),
            line("wechatpay-php (PHP 8.2)", 1.5)
        ),
    )
    .unwrap();
    let speed = dir.0.join("openssl.txt");
    std::fs::write(
        &speed,
        "                  sign    verify    sign/s verify/s\n\
         rsa 2048 bits 0.000980s 0.000020s   1020.4  50000.0\n",
    )
    .unwrap();
    let mut report = Command::new("python3");
    report
        .arg(manifest().join("bench/report.py"))
        .arg(&results)
        .arg(&speed);
    let (status, output, _) = run(report, Duration::from_secs(60));
    assert!(status.success(), "report.py failed:\n{output}");
    assert!(
        output.contains(
            "- C at least 2x less CPU than the fastest peer (wechatpay-php (PHP 8.2)): 1.25x, \
             NOT met (no client can be more than 1.50x ahead of it: that peer uses 1.50x the \
             OpenSSL floor)"
        ),
        "{output}"
    );
    assert!(
        output.contains("- C at most 1.5x the OpenSSL floor: 1.20x, met"),
        "{output}"
    );
}
