//! The Python package (bindings/python) as a Python user gets it: its pytest suite against
//! `wxpresign sandbox serve` with the library this `cargo test` built, the wheel `pip` builds
//! (library included) installed into a fresh venv, the 10,000-call memory check, and the
//! committed endpoint module checked against the table. Needs python3 with pytest and venv, and
//! the package index for the wheel's build requirements (`make test` installs pytest).
#![cfg(target_os = "linux")]

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use crate::common;
use crate::served;
use common::process::{Scratch, python_calls_the_sandbox, run, shared_library, venv_with};
use served::Served;

const REGENERATE: &str =
    "cargo run -q -- endpoints --json | python3 bindings/python/generate.py --json -";

fn manifest() -> &'static Path {
    common::process::repository()
}

fn package() -> PathBuf {
    manifest().join("bindings/python")
}

/// The interpreter: $PYTHON, else python3.
fn python() -> Command {
    let mut command = Command::new(std::env::var_os("PYTHON").unwrap_or_else(|| "python3".into()));
    // Nothing written into the checkout: no __pycache__, no .pytest_cache.
    command
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .env_remove("PYTHONPATH")
        .env_remove("WXPRESIGN_LIBRARY")
        .current_dir(manifest());
    command
}

/// Fails the test with `advice` unless `python -c code` succeeds.
fn require(code: &str, advice: &str) {
    let output = python().args(["-c", code]).output();
    match output {
        Ok(o) if o.status.success() => {}
        Ok(o) => panic!("{advice}\n{}", String::from_utf8_lossy(&o.stderr)),
        Err(e) => panic!("cannot run python3 ({e}): install Python 3.8 or newer, or set PYTHON"),
    }
}

/// A scratch directory holding a copy of the freshly built library; returns both. (Named apart
/// from Served's directory, which is wxpresign-NAME-PID.)
fn scratch_with_library(name: &str) -> (Scratch, PathBuf) {
    let scratch = Scratch::new(&format!("{name}-scratch"));
    let library = shared_library(&scratch.0).join("libwxpresign.so");
    (scratch, library)
}

#[test]
fn pytest_suite_passes_against_the_sandbox() {
    require(
        "import pytest",
        "pytest is not installed for python3: pip install pytest (.ci/run installs it)",
    );
    let served = Served::start("python-pytest");
    let (_scratch, library) = scratch_with_library("python-pytest");
    let mut pytest = python();
    pytest
        .args([
            "-m",
            "pytest",
            "bindings/python/tests",
            "-p",
            "no:cacheprovider",
        ])
        .args(["-q", "-rs", "--color=no"])
        .env("PYTHONPATH", package().join("src"))
        .env("WXPRESIGN_LIBRARY", &library)
        .env("WXPRESIGN_TEST_CONFIG", served.config_path());
    let (status, output, elapsed) = run(pytest, Duration::from_secs(600));
    println!("--- pytest ({elapsed:.1?}) ---\n{output}");
    assert!(status.success(), "pytest failed ({status}):\n{output}");
    assert!(
        !output.contains(" skipped"),
        "pytest skipped tests:\n{output}"
    );
}

#[test]
fn committed_endpoint_module_matches_the_table() {
    let (scratch, _) = scratch_with_library("python-generate");
    let table = scratch.0.join("endpoints.json");
    std::fs::write(&table, wxpresign::endpoints::describe_all().to_string()).unwrap();
    let mut check = python();
    check
        .arg(package().join("generate.py"))
        .arg("--check")
        .arg("--json")
        .arg(&table);
    let (status, output, _) = run(check, Duration::from_secs(60));
    println!("{output}");
    assert!(
        status.success(),
        "{output}\nbindings/python/src/wxpresign/_endpoints.py is stale. Regenerate it from the \
         repository root with:\n  {REGENERATE}"
    );
}

#[test]
fn pip_builds_a_platform_wheel_carrying_the_library_that_works_in_a_fresh_venv() {
    let served = Served::start("python-wheel");
    let scratch = Scratch::new("python-wheel-scratch");
    let wheel_build = crate::one_wheel_build_at_a_time();
    let before = untracked_files();

    // What a user types: pip builds the wheel in an isolated environment (setuptools and
    // setuptools-rust from the index), and setuptools-rust builds the library with cargo.
    let wheels = scratch.0.join("wheels");
    let mut pip = python();
    pip.args(["-m", "pip", "wheel", "--no-deps", "--wheel-dir"])
        .arg(&wheels)
        .arg("./bindings/python")
        .env("PIP_DISABLE_PIP_VERSION_CHECK", "1")
        .env("PIP_ROOT_USER_ACTION", "ignore")
        .env("PIP_NO_INPUT", "1");
    let (status, output, elapsed) = run(pip, Duration::from_secs(900));
    println!("--- pip wheel ./bindings/python ({elapsed:.1?}) ---\n{output}");
    assert!(status.success(), "pip wheel failed ({status}):\n{output}");

    let built: Vec<String> = std::fs::read_dir(&wheels)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    let tag = format!("cp38-abi3-linux_{}", std::env::consts::ARCH);
    let wheel = format!("wxpresign-{}-{tag}.whl", env!("CARGO_PKG_VERSION"));
    assert_eq!(
        built,
        std::slice::from_ref(&wheel),
        "one wheel tagged for this platform ({tag}) was expected"
    );
    assert_eq!(
        untracked_files(),
        before,
        "building the wheel left files in the checkout"
    );
    drop(wheel_build);

    // No WXPRESIGN_LIBRARY, no library installed on the system: the wheel's own.
    let venv = scratch.0.join("venv");
    let interpreter = venv_with(&venv, &wheels.join(&wheel));
    let [module, library, envelope] =
        python_calls_the_sandbox(&interpreter, &served.config_path(), &scratch.0);
    assert!(
        module.starts_with(venv.to_str().unwrap()),
        "imported {module} instead of the venv's package"
    );
    assert!(
        library.ends_with("/site-packages/wxpresign/libwxpresign.abi3.so"),
        "the installed package loaded {library} instead of the library in its wheel"
    );
    let envelope: serde_json::Value = serde_json::from_str(&envelope).unwrap();
    assert_eq!(envelope["status"], 200, "{envelope}");
    assert!(envelope["data"]["presign_token"].is_string(), "{envelope}");
}

/// Untracked and ignored files of the checkout outside target/, as git sees them.
fn untracked_files() -> Vec<String> {
    let output = Command::new("git")
        .args([
            "status",
            "--porcelain",
            "--ignored",
            "--untracked-files=all",
            "--",
            ".",
        ])
        .arg(":(exclude)target")
        .current_dir(manifest())
        .output()
        .expect("git is needed to check that a build leaves the checkout clean");
    let mut files: Vec<String> = String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter(|l| l.starts_with("??") || l.starts_with("!!"))
        .map(str::to_owned)
        .collect();
    files.sort();
    files
}

#[test]
fn ten_thousand_calls_keep_rss_flat() {
    let served = Served::start("python-memory");
    let (_scratch, library) = scratch_with_library("python-memory");
    let mut bench = python();
    bench
        .arg(package().join("bench/memory.py"))
        .arg(served.config_path())
        .env("PYTHONPATH", package().join("src"))
        .env("WXPRESIGN_LIBRARY", &library);
    let (status, output, elapsed) = run(bench, Duration::from_secs(600));
    println!("--- bench/memory.py ({elapsed:.1?}) ---\n{output}");
    assert!(
        status.success(),
        "bench/memory.py failed ({status}): RSS grew by 5 MB or more, or calls failed:\n{output}"
    );
}
