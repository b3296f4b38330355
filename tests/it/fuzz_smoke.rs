//! The short fuzzing run the test suite includes: every cargo-fuzz target for a few seconds from
//! its committed seeds, by the same script as the long runs of docs/reliability.md
//! (`reliability/fuzz.sh 120`). It builds the fuzz crate in fuzz/target, apart from this build.
#![cfg(target_os = "linux")]

use crate::common;

use common::process::run;
use std::process::Command;
use std::time::Duration;

/// Seconds per target; WXPRESIGN_FUZZ_SECONDS overrides it.
const SECONDS: &str = "10";

#[test]
fn every_fuzz_target_runs_clean_for_a_few_seconds() {
    let installed = Command::new("cargo")
        .args(["fuzz", "--version"])
        .output()
        .is_ok_and(|o| o.status.success());
    assert!(
        installed,
        "cargo-fuzz is not installed: cargo install --locked cargo-fuzz (.ci/run installs it)"
    );
    let seconds = std::env::var("WXPRESIGN_FUZZ_SECONDS").unwrap_or_else(|_| SECONDS.into());
    let mut command = Command::new("bash");
    command
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["reliability/fuzz.sh", &seconds]);
    // The first build of the instrumented fuzz crate takes about ten minutes on two cores.
    let (status, output, elapsed) = run(command, Duration::from_secs(45 * 60));
    println!("{output}\n(fuzz.sh took {elapsed:?})");
    assert!(
        status.success(),
        "reliability/fuzz.sh {seconds} failed:\n{output}"
    );
}
