//! The sandbox's integration tests in one binary: a module per subject, each the file of its
//! name here (`cargo test -p wxpresign-sandbox --test it -- cli::` runs one). One binary links
//! the sandbox, the library and the test helpers once, where a binary per file linked them once
//! per file.
//!
//! Tests that need a process of their own (they set the process's limits or measure its
//! threads, descriptors and memory) are binaries beside this directory, sandbox/tests/*.rs, each
//! saying why at its top.

#[path = "../served/browser.rs"]
mod browser;
#[path = "../../../tests/common/mod.rs"]
mod common;
#[path = "../served/mod.rs"]
mod served;
// Only cli uses it, and not all of it.
#[path = "../../../tests/common/tinyproxy.rs"]
#[allow(dead_code)]
mod tinyproxy;

/// Held while pip builds the Python wheel: setuptools builds it in one directory of the
/// checkout's target/ (bindings/python/pyproject.toml), so two builds at once (make dist's and
/// python_binding's) spoil each other's files.
fn one_wheel_build_at_a_time() -> std::sync::MutexGuard<'static, ()> {
    static WHEEL: std::sync::Mutex<()> = std::sync::Mutex::new(());
    WHEEL
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

mod behaviours;
mod bench_clients;
mod c_package;
mod cli;
mod clock;
mod connection_limit;
mod dashboard;
mod dist;
mod merchants;
mod money;
mod money_credit_repayment;
mod money_synchronous;
mod notify_test;
mod php_binding;
mod python_binding;
mod sandbox;
mod sandbox_admin;
mod sandbox_http;
mod signing_page;
mod store;
mod trigger;
mod user_terminate;
