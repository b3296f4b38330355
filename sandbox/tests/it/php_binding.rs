//! The PHP binding (bindings/php) from PHP: its PHPUnit suite and its 10,000-call memory check,
//! run with `php` against `wxpresign sandbox serve` and the libwxpresign this `cargo test` built;
//! its FFI header (generated from src/ffi/ and checked by tests/it/header.rs); and its composer.json,
//! as Composer validates it. Needs the Debian packages php-cli, phpunit and composer (`make test`
//! installs them).
#![cfg(target_os = "linux")]

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Mutex;
use std::time::Duration;

use crate::common;
use crate::served;
use common::process::{Scratch, run, shared_library};
use served::Served;

const PHP_HEADER: &str = "bindings/php/include/wxpresign.h";

/// PHPUnit and the memory check are CPU-bound, with a sandbox each: one at a time, so that
/// neither slows the other on a small machine.
static PHP: Mutex<()> = Mutex::new(());

fn manifest() -> &'static Path {
    common::process::repository()
}

/// Fails with what to install when `tool` does not run.
fn require_tool(tool: &str) {
    let found = Command::new(tool).arg("--version").output();
    assert!(
        found.is_ok_and(|o| o.status.success()),
        "`{tool}` is needed by sandbox/tests/it/php_binding.rs: apt-get install php-cli phpunit \
         composer (`make test` installs them)"
    );
}

/// A scratch directory holding a copy of the freshly built library; returns both.
fn library(name: &str) -> (Scratch, PathBuf) {
    let scratch = Scratch::new(name);
    let library = shared_library(&scratch.0).join("libwxpresign.so");
    (scratch, library)
}

#[test]
fn composer_validates_the_package_strictly() {
    require_tool("composer");
    let mut composer = Command::new("composer");
    composer
        // The version is there on purpose: a path repository (the README's way to install)
        // takes it, so `composer require wxpresign/wxpresign` finds a stable release.
        .args([
            "validate",
            "--strict",
            "--no-check-version",
            "--no-interaction",
        ])
        .current_dir(manifest().join("bindings/php"))
        .env("COMPOSER_ALLOW_SUPERUSER", "1")
        .env("COMPOSER_NO_AUDIT", "1")
        .env("COMPOSER_DISABLE_NETWORK", "1");
    let (status, output, _) = run(composer, Duration::from_secs(120));
    println!("{output}");
    assert!(
        status.success(),
        "composer validate --strict found problems in bindings/php/composer.json:\n{output}"
    );
}

#[test]
fn phpunit_suite_passes_against_the_sandbox() {
    require_tool("php");
    require_tool("phpunit");
    let _one_at_a_time = PHP.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    let (_scratch, library) = library("php-binding-lib");
    let served = Served::start("php-binding");

    let mut phpunit = Command::new("phpunit");
    phpunit
        .args(["-c", "bindings/php/phpunit.xml.dist"])
        .current_dir(manifest())
        .env("WXPRESIGN_LIBRARY", &library)
        .env("WXPRESIGN_TEST_CONFIG", served.config_path());
    let (status, output, elapsed) = run(phpunit, Duration::from_secs(600));

    println!("phpunit finished in {elapsed:?}\n{output}");
    assert!(status.success(), "phpunit failed ({status}):\n{output}");
}

#[test]
fn ten_thousand_php_calls_grow_rss_by_less_than_5_mib() {
    require_tool("php");
    let _one_at_a_time = PHP.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    let (_scratch, library) = library("php-memory-lib");
    let served = Served::start("php-memory");

    let mut php = Command::new("php");
    php.arg("bindings/php/bench/memory.php")
        .arg(served.config_path())
        .arg("10000")
        .current_dir(manifest())
        .env("WXPRESIGN_LIBRARY", &library);
    let (status, output, elapsed) = run(php, Duration::from_secs(300));

    println!("bench/memory.php finished in {elapsed:?}: {output}");
    assert!(
        status.success(),
        "bench/memory.php failed ({status}):\n{output}"
    );
}

/// The functions (identifiers followed by `(`) and enumerators a header declares, outside comments.
fn declarations(header: &str) -> BTreeSet<String> {
    let code = header.lines().filter(|line| {
        let line = line.trim_start();
        !(line.starts_with("//") || line.starts_with("/*") || line.starts_with('*'))
    });
    let mut names = BTreeSet::new();
    for line in code {
        if let Some(enumerator) = line.trim().strip_suffix(',') {
            if enumerator.starts_with("WXPRESIGN_") {
                names.insert(enumerator.to_owned());
            }
        }
        for before in line.split('(').rev().skip(1) {
            let name = before
                .rsplit(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .next()
                .unwrap_or_default();
            if name.starts_with("wxpresign_") {
                names.insert(name.to_owned());
            }
        }
    }
    names
}

#[test]
fn php_header_declares_what_the_c_header_declares() {
    // Both come from src/ffi/; the PHP one lacks the preprocessor lines FFI::cdef refuses.
    let c = std::fs::read_to_string(manifest().join("include/wxpresign.h")).unwrap();
    let php = std::fs::read_to_string(manifest().join(PHP_HEADER)).unwrap();

    let declared = declarations(&c);
    assert!(declared.contains("wxpresign_call") && declared.contains("WXPRESIGN_OK = 0"));
    assert_eq!(declarations(&php), declared);
    assert!(
        !php.lines().any(|l| l.trim_start().starts_with('#')),
        "{PHP_HEADER} has a preprocessor line, which FFI::cdef refuses"
    );
}

/// A PHP-FPM pool runs as another user than the one who ran `wxpresign sandbox init`, whose
/// client.json is private (0600): the error names the user and what to do. Switching users
/// needs root (CI runs as root); elsewhere the test says it did not run.
#[test]
fn an_unreadable_configuration_file_names_the_php_user_and_the_remedy() {
    use std::os::unix::fs::PermissionsExt;
    require_tool("php");
    // SAFETY: geteuid has no preconditions.
    if unsafe { libc::geteuid() } != 0 {
        eprintln!("note: not root, so the test cannot run PHP as another user; not checked");
        return;
    }
    let (scratch, library) = library("php-unreadable-config");
    for dir in [scratch.0.clone(), scratch.0.join("lib")] {
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let config = scratch.0.join("client.json");
    std::fs::write(&config, "{}").unwrap();
    std::fs::set_permissions(&config, std::fs::Permissions::from_mode(0o600)).unwrap();
    let code = format!(
        "require '{}'; try {{ new Wxpresign\\Client('{}', '{}'); }} \
         catch (Wxpresign\\ConfigException $e) {{ echo $e->getMessage(); }}",
        manifest().join("bindings/php/autoload.php").display(),
        config.display(),
        library.display()
    );
    let out = Command::new("runuser")
        .args([
            "-u",
            "nobody",
            "--",
            "php",
            "-d",
            "ffi.enable=1",
            "-r",
            &code,
        ])
        .output()
        .expect("runuser runs");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("as user nobody") && text.contains("chmod 0640"),
        "{text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
