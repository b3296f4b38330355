//! The Python package (bindings/python) as a Python user gets it: its pytest suite against
//! `wxpresign sandbox serve` with the library this `cargo test` built, a `pip install` of it, the
//! 10,000-call memory check, and the committed endpoint module checked against the table.
//! Needs python3 with pytest (`pip install pytest`; .ci/run installs it).
#![cfg(all(target_os = "linux", feature = "cli"))]

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

mod common;
use common::process::{Scratch, Served, run, shared_library};

const REGENERATE: &str =
    "cargo run -q -- endpoints --json | python3 bindings/python/generate.py --json -";

fn manifest() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
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
fn pip_installed_package_with_the_library_bundled_calls_the_sandbox() {
    require(
        "import setuptools, sys\n\
         v = tuple(int(p) for p in setuptools.__version__.split('.')[:2])\n\
         assert v >= (61, 0), 'setuptools ' + setuptools.__version__ + ' < 61 cannot read pyproject.toml'\n\
         if v < (70, 1): import wheel",
        "pip install of bindings/python needs setuptools >= 61 and, below setuptools 70.1, the \
         wheel package: pip install wheel (or pip install -U setuptools)",
    );
    let served = Served::start("python-pip");
    let (scratch, library) = scratch_with_library("python-pip");

    // A copy of the source tree (setuptools builds in place), with the library next to
    // __init__.py: the wheel carries it, and the installed package finds it there.
    let source = scratch.0.join("source");
    copy_tree(&package().join("src"), &source.join("src"));
    for file in ["pyproject.toml", "README.md"] {
        std::fs::copy(package().join(file), source.join(file)).unwrap();
    }
    bundle(&library, &source.join("src/wxpresign/libwxpresign.so"));

    let site = scratch.0.join("site");
    let mut pip = python();
    pip.args([
        "-m",
        "pip",
        "install",
        "--no-deps",
        "--no-build-isolation",
        "--no-index",
    ])
    .arg("--target")
    .arg(&site)
    .arg(&source)
    .env("PIP_DISABLE_PIP_VERSION_CHECK", "1")
    .env("PIP_ROOT_USER_ACTION", "ignore")
    .env("PIP_NO_INPUT", "1");
    let (status, output, elapsed) = run(pip, Duration::from_secs(300));
    println!("--- pip install ({elapsed:.1?}) ---\n{output}");
    assert!(status.success(), "pip install failed ({status}):\n{output}");
    for installed in [
        "__init__.py",
        "_endpoints.py",
        "py.typed",
        "libwxpresign.so",
    ] {
        assert!(
            site.join("wxpresign").join(installed).is_file(),
            "pip did not install wxpresign/{installed}"
        );
    }

    let script = "import json, sys, wxpresign, wxpresign._library as library\n\
                  print(wxpresign.__file__)\n\
                  print(library.load().path)\n\
                  table = {e['path']: e for e in wxpresign.endpoints()}\n\
                  example = table['v3/edu-papay/contracts/presign']['example']\n\
                  with wxpresign.Client(sys.argv[1]) as client:\n\
                  \x20   print(json.dumps(client.edu_papay(example)))\n";
    let mut call = python();
    call.args(["-c", script])
        .arg(served.config_path())
        .env("PYTHONPATH", &site)
        .current_dir(&scratch.0);
    let (status, output, _) = run(call, Duration::from_secs(60));
    println!("--- the installed package ---\n{output}");
    assert!(status.success(), "the installed package failed:\n{output}");
    let lines: Vec<&str> = output.lines().collect();
    assert!(
        lines[0].starts_with(site.to_str().unwrap()),
        "imported {} instead of the installed package",
        lines[0]
    );
    assert_eq!(
        Path::new(lines[1]),
        site.join("wxpresign/libwxpresign.so"),
        "the installed package did not load the library bundled with it"
    );
    let envelope: serde_json::Value = serde_json::from_str(lines[2]).unwrap();
    assert_eq!(envelope["status"], 200, "{envelope}");
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

/// Copies the library without its debug info when `strip` is at hand: the debug build is tens of
/// megabytes, and pip spends most of its time compressing them into the wheel.
fn bundle(library: &Path, to: &Path) {
    let stripped = Command::new("strip")
        .arg("--strip-debug")
        .arg("-o")
        .arg(to)
        .arg(library)
        .status()
        .is_ok_and(|s| s.success());
    if !stripped {
        std::fs::copy(library, to).unwrap();
    }
}

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let name = entry.file_name();
        if name == "__pycache__" || name.to_string_lossy().ends_with(".egg-info") {
            continue;
        }
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &to.join(&name));
        } else {
            std::fs::copy(entry.path(), to.join(&name)).unwrap();
        }
    }
}
