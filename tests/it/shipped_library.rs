//! What users get in libwxpresign is the client alone: the sandbox and the `wxpresign` command
//! are the sandbox crate's (sandbox/), so neither their code nor what only they need (rcgen and
//! time for its certificates, clap for the command line) is linked into the library or built as
//! its dependency.
#![cfg(target_os = "linux")]

use std::path::{Path, PathBuf};
use std::process::Command;

/// Crates of the sandbox and the command, which the library must not link.
const SANDBOX_ONLY: [&str; 6] = [
    "wxpresign_sandbox",
    "rcgen",
    "clap",
    "clap_builder",
    "clap_lex",
    "time",
];

/// The shared library this `cargo test` built (in deps/, beside this test), and the release one
/// that `make` builds and installs, when there is one.
fn built_libraries() -> Vec<PathBuf> {
    let exe = std::env::current_exe().expect("the test binary has a path");
    let deps = exe.parent().expect("the test binary is in a directory");
    let release = deps
        .parent()
        .and_then(Path::parent)
        .map(|target| target.join("release/libwxpresign.so"));
    let mut found = vec![deps.join("libwxpresign.so")];
    found.extend(release.filter(|path| path.is_file()));
    found
}

/// The demangled symbols `library` defines that name the sandbox or a crate only it needs.
fn sandbox_symbols(library: &Path) -> Vec<String> {
    let output = Command::new("nm")
        .args(["--defined-only", "--demangle"])
        .arg(library)
        .output()
        .expect("nm runs (binutils; tests/setup.sh installs gcc, which brings it)");
    assert!(
        output.status.success(),
        "nm {} failed: {}",
        library.display(),
        String::from_utf8_lossy(&output.stderr)
    );
    let is_path_char = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == ':';
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter(|symbol| {
            // A path such as std::time::Instant is std's; only paths that start with a crate's
            // name are that crate's code.
            symbol.contains("sandbox")
                || symbol.split(|c| !is_path_char(c)).any(|path| {
                    SANDBOX_ONLY.iter().any(|krate| {
                        path.strip_prefix(krate)
                            .is_some_and(|r| r.starts_with("::"))
                    })
                })
        })
        .map(str::to_owned)
        .collect()
}

#[test]
fn the_shipped_library_contains_no_sandbox_rcgen_time_or_clap_code() {
    for library in built_libraries() {
        assert!(library.is_file(), "{} was not built", library.display());
        let found = sandbox_symbols(&library);
        assert!(
            found.is_empty(),
            "{} defines {} symbols of the sandbox or of crates only it needs (rebuild it: \
             `make` for the release one), such as:\n{}",
            library.display(),
            found.len(),
            found[..found.len().min(10)].join("\n")
        );
    }
}

#[test]
fn the_library_depends_on_no_crate_only_the_sandbox_needs() {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let output = Command::new(cargo)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["tree", "--locked", "-p", "wxpresign", "-e", "normal"])
        .args(["--prefix", "none", "--format", "{p}"])
        .output()
        .expect("cargo tree runs");
    let tree = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "cargo tree failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(tree.contains("ureq"), "not the library's tree:\n{tree}");
    let names: Vec<&str> = tree.lines().filter_map(|l| l.split(' ').next()).collect();
    for krate in [
        "wxpresign-sandbox",
        "rcgen",
        "clap",
        "time",
        "rusqlite",
        "libsqlite3-sys",
    ] {
        assert!(
            !names.contains(&krate),
            "the library depends on {krate}, which only the sandbox needs:\n{tree}"
        );
    }
}
