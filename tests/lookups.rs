//! Name lookups that hang cost a bounded number of threads: one lookup runs per host name and
//! the calls that need it wait for it, and past a cap on the lookups running in the process a
//! call fails at once, saying that lookups hang.
//!
//! A DNS server that never answers makes lookups hang: each test runs itself again in new user,
//! mount and network namespaces (`unshare`), where /etc/resolv.conf names 127.0.0.1, and there
//! the test binds port 53 and reads no query.
//!
//! A test binary of its own, not a module of tests/it: the cap on hanging lookups is the
//! process's, the tests count the process's threads, and each runs this binary again by its test
//! name inside the namespaces.

mod common;

use common::process::{Scratch, process_usage};
use common::sandbox;
use serde_json::json;
use std::net::UdpSocket;
use std::process::Command;
use std::time::{Duration, Instant};
use wxpresign::MAX_LOOKUPS;

/// Set in the run inside the namespaces.
const INSIDE: &str = "WXPRESIGN_SILENT_DNS";

/// Inside the namespaces: the silent DNS server, held for the test. Outside: runs the test
/// `name` again inside them, checks that it passed, and gives None.
fn where_lookups_hang(name: &str) -> Option<UdpSocket> {
    if std::env::var_os(INSIDE).is_some() {
        let server = UdpSocket::bind("127.0.0.1:53").expect("port 53 in the test's own network");
        return Some(server);
    }
    let scratch = Scratch::new(name);
    let conf = scratch.0.join("resolv.conf");
    std::fs::write(
        &conf,
        "nameserver 127.0.0.1\noptions timeout:30 attempts:1\n",
    )
    .expect("resolv.conf writes");
    let test = std::env::current_exe().expect("the test binary");
    let output = Command::new("unshare")
        .args(["--user", "--map-root-user", "--mount", "--net", "sh", "-c"])
        .arg(r#"ip link set lo up && mount --bind "$1" /etc/resolv.conf && shift && exec "$@""#)
        .arg("sh")
        .arg(&conf)
        .arg(&test)
        .args([name, "--exact", "--nocapture", "--test-threads=1"])
        .env(INSIDE, "1")
        .output()
        .expect("unshare runs");
    let said = String::from_utf8_lossy(&output.stdout).into_owned()
        + &String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "inside the namespaces: {said}");
    assert!(said.contains("1 passed"), "the test ran inside: {said}");
    None
}

fn threads() -> usize {
    process_usage().1
}

/// A client of `host` whose lookups give up after 600 ms.
fn client(fx: &common::Fixture, host: &str) -> wxpresign::Client {
    fx.client_with(json!({
        "base_url": format!("https://{host}"),
        "connect_timeout_ms": 600,
        "timeout_ms": 2000,
    }))
}

/// The call's error message and how long it took.
fn fails(client: &wxpresign::Client) -> (String, Duration) {
    let started = Instant::now();
    let request = common::example(common::EDU).to_string();
    let error = client
        .call(common::EDU, &request)
        .expect_err("nothing answers");
    assert_eq!(
        error.to_json()["error"]["may_have_reached_server"],
        false,
        "{error}"
    );
    (error.message().to_owned(), started.elapsed())
}

#[test]
fn calls_to_one_name_whose_lookup_hangs_share_one_lookup_thread() {
    let Some(_dns) =
        where_lookups_hang("calls_to_one_name_whose_lookup_hangs_share_one_lookup_thread")
    else {
        return;
    };
    let fx = sandbox();
    let client = client(&fx, "api.one.wxpresign-hang.example");
    let before = threads();
    for _ in 0..20 {
        let (message, _) = fails(&client);
        assert!(
            message.contains("cannot resolve api.one.wxpresign-hang.example within"),
            "{message}"
        );
    }
    assert!(
        threads() <= before + 1,
        "{} threads, {before} before",
        threads()
    );
}

#[test]
fn past_the_cap_on_hanging_lookups_a_call_fails_at_once_naming_the_resolver() {
    let Some(_dns) = where_lookups_hang(
        "past_the_cap_on_hanging_lookups_a_call_fails_at_once_naming_the_resolver",
    ) else {
        return;
    };
    let fx = sandbox();
    let before = threads();
    let outcomes: Vec<(String, Duration)> = (0..3 * MAX_LOOKUPS)
        .map(|n| fails(&client(&fx, &format!("api{n}.wxpresign-hang.example"))))
        .collect();
    assert!(
        threads() <= before + MAX_LOOKUPS,
        "{} threads, {before} before",
        threads()
    );
    let (message, elapsed) = outcomes.last().expect("calls were made");
    assert!(
        message.contains("lookups") && message.contains("hang") && message.contains("resolver"),
        "{message}"
    );
    // Well under connect_timeout_ms: the call did not wait for a lookup.
    assert!(elapsed < &Duration::from_millis(300), "took {elapsed:?}");
}

#[test]
fn a_forked_child_looks_up_names_itself_whatever_its_parent_had_hanging() {
    let Some(_dns) =
        where_lookups_hang("a_forked_child_looks_up_names_itself_whatever_its_parent_had_hanging")
    else {
        return;
    };
    let fx = sandbox();
    for n in 0..MAX_LOOKUPS {
        fails(&client(&fx, &format!("api{n}.wxpresign-hang.example")));
    }
    let child = client(&fx, "api.child.wxpresign-hang.example");
    // The parent's lookup threads did not follow into the child: its call starts a lookup of
    // its own and waits for it, rather than finding the cap reached.
    match unsafe { libc::fork() } {
        -1 => panic!("fork failed"),
        0 => {
            // A panic must not unwind into a copy of the test harness.
            let own = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| fails(&child)))
                .is_ok_and(|(message, _)| {
                    message.contains("cannot resolve api.child.wxpresign-hang.example within")
                });
            unsafe { libc::_exit(if own { 0 } else { 1 }) }
        }
        pid => {
            let mut status = 0;
            unsafe { libc::waitpid(pid, &mut status, 0) };
            assert!(
                libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0,
                "the child's call did not look its name up: status {status}"
            );
        }
    }
}
