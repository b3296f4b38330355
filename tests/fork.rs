//! fork(): a client made before a fork (Gunicorn's `--preload`, a C program that forks its
//! workers after setting up) keeps working in the children, and each process speaks only over
//! the connections it opened itself. The sandbox runs in the parent; the children only call it,
//! and report what they got through a pipe for the parent to check against the sandbox's
//! sessions.
//!
//! A test binary of its own, not a module of tests/it: a child copies only the forking thread,
//! so a lock that another test's thread held at the fork (a client's, the sandbox's, stdout's)
//! stays held in the child forever. Here only these tests run, and FORKING keeps their forks
//! apart from their own calls.

mod common;

use common::{EDU, Fixture, example, sandbox};
use serde_json::json;
use std::fs::File;
use std::io::{Read, Write};
use std::os::fd::{AsRawFd, FromRawFd};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// One fork at a time: a child copies only the forking thread, so no other test's call may be
/// holding the client's locks at that moment.
static FORKING: Mutex<()> = Mutex::new(());

/// A forked child running `work`, which writes its report to the pipe it is given.
struct Child {
    pid: libc::pid_t,
    report: File,
}

/// A pipe's reading and writing ends.
fn pipe() -> (File, File) {
    let mut fds = [0; 2];
    assert_eq!(unsafe { libc::pipe(fds.as_mut_ptr()) }, 0, "a pipe");
    unsafe { (File::from_raw_fd(fds[0]), File::from_raw_fd(fds[1])) }
}

fn fork(work: impl FnOnce(&mut File)) -> Child {
    let (read, write) = pipe();
    match unsafe { libc::fork() } {
        -1 => panic!("fork failed"),
        0 => {
            drop(read);
            let mut write = write;
            // A panic must not unwind into a copy of the test harness.
            let worked =
                std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| work(&mut write)));
            let _ = write.flush();
            // No destructors, no test harness: the parent's state is the parent's.
            unsafe { libc::_exit(if worked.is_ok() { 0 } else { 1 }) }
        }
        pid => Child { pid, report: read },
    }
}

impl Child {
    /// Everything the child reported, once it has exited.
    fn report(mut self) -> String {
        let mut report = String::new();
        self.report
            .read_to_string(&mut report)
            .expect("the report reads");
        let mut status = 0;
        unsafe { libc::waitpid(self.pid, &mut status, 0) };
        assert!(
            libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0,
            "child {} ended with status {status}: {report}",
            self.pid
        );
        report
    }
}

fn client(fx: &Fixture) -> wxpresign::Client {
    // Short, so that a child reading an answer another process took gives up soon.
    fx.client_with(json!({"timeout_ms": 2000, "connect_timeout_ms": 1000}))
}

/// An edu pre-sign whose `user_id` is `unique`.
fn call(client: &wxpresign::Client, unique: &str) -> Result<wxpresign::Response, wxpresign::Error> {
    let mut request = example(EDU);
    request["user_id"] = unique.into();
    client.call(EDU, &request.to_string())
}

fn connection(response: &wxpresign::Response) -> String {
    response.trace["attempts"][0]["connection"]
        .as_str()
        .unwrap_or("(none)")
        .to_owned()
}

#[test]
fn after_a_fork_the_child_opens_its_own_connection_and_the_parent_keeps_its_own() {
    let _one = FORKING.lock().unwrap_or_else(|p| p.into_inner());
    let fx = sandbox();
    let client = client(&fx);
    let warm = call(&client, "parent-warm").expect("the parent's first call succeeds");
    assert_eq!(connection(&warm), "new");

    let child = fork(|report| {
        let line = match call(&client, "child-first") {
            Ok(r) => format!("connection {}", connection(&r)),
            Err(e) => format!("error {e}"),
        };
        let _ = report.write_all(line.as_bytes());
    });
    assert_eq!(child.report(), "connection new");

    let again = call(&client, "parent-again").expect("the parent's next call succeeds");
    assert_eq!(connection(&again), "reused");
}

const CHILDREN: usize = 6;
const CALLS: usize = 40;

/// One line per call: `ok UNIQUE DATA` (the answer's data as JSON) or `failed UNIQUE MESSAGE`.
fn calls_in_child(client: &wxpresign::Client, child: usize, report: &mut File) {
    let mut lines = String::new();
    for i in 0..CALLS {
        let unique = format!("c{child}n{i:02}");
        let line = match call(client, &unique) {
            Ok(r) => format!("ok {unique} {}\n", r.data),
            Err(e) => format!("failed {unique} {}\n", e.to_string().replace('\n', " ")),
        };
        lines.push_str(&line);
    }
    let _ = report.write_all(lines.as_bytes());
}

/// What is wrong with one reported call: a failure, or an answer made from another request.
fn check(fx: &Fixture, line: &str) -> Option<String> {
    let mut words = line.splitn(3, ' ');
    let (outcome, unique, rest) = (words.next()?, words.next()?, words.next().unwrap_or(""));
    if outcome != "ok" {
        return Some(line.to_owned());
    }
    let named = serde_json::from_str(rest)
        .ok()
        .and_then(|data| fx.sandbox.session_named(&data))
        .and_then(|id| fx.sandbox.session(&id));
    let Some(session) = named else {
        return Some(format!("{unique} got an answer naming no session: {rest}"));
    };
    match session.request["user_id"].as_str() {
        Some(asked) if asked == unique => None,
        other => Some(format!("{unique} got the answer to {other:?}")),
    }
}

#[test]
fn six_forked_children_each_get_only_the_answers_to_their_own_requests() {
    let _one = FORKING.lock().unwrap_or_else(|p| p.into_inner());
    let fx = sandbox();
    let client = client(&fx);
    call(&client, "parent-warm").expect("the parent's call succeeds");

    let started = Instant::now();
    // The children start calling together, once all are forked, as a server's workers do.
    let (wait, start) = pipe();
    let children: Vec<Child> = (0..CHILDREN)
        .map(|n| {
            fork(|report| {
                // The child's copy of the writing end, closed so that the parent's alone
                // holds the start back.
                unsafe { libc::close(start.as_raw_fd()) };
                let _ = (&wait).read(&mut [0]);
                calls_in_child(&client, n, report)
            })
        })
        .collect();
    drop(start);
    let reports: Vec<String> = children.into_iter().map(Child::report).collect();
    let elapsed = started.elapsed();

    let lines: Vec<&str> = reports.iter().flat_map(|r| r.lines()).collect();
    assert_eq!(
        lines.len(),
        CHILDREN * CALLS,
        "every child reports every call"
    );
    let wrong: Vec<String> = lines.iter().filter_map(|l| check(&fx, l)).collect();
    assert!(
        wrong.is_empty(),
        "{} of {} calls failed or crossed, first: {:?}",
        wrong.len(),
        lines.len(),
        &wrong[..wrong.len().min(5)]
    );
    assert!(elapsed < Duration::from_secs(30), "took {elapsed:?}");
}
