//! What the benchmark binaries share.

use std::ffi::OsString;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

/// `cargo test -- --test-threads=N` passes libtest's flags to every test binary, benchmarks
/// included, and criterion's command line refuses the ones it does not know. They mean nothing
/// to a benchmark, so the binary runs itself again without them.
pub fn without_libtest_flags() {
    let mut args = std::env::args_os().skip(1);
    let mut kept: Vec<OsString> = Vec::new();
    let mut dropped = false;
    while let Some(arg) = args.next() {
        match arg.to_str() {
            Some("--test-threads" | "--skip") => {
                args.next();
                dropped = true;
            }
            Some(s) if s.starts_with("--test-threads=") || s.starts_with("--skip=") => {
                dropped = true
            }
            _ => kept.push(arg),
        }
    }
    if dropped {
        let exe = std::env::current_exe().expect("the benchmark binary has a path");
        let status = Command::new(exe)
            .args(kept)
            .status()
            .expect("the benchmark binary runs again");
        std::process::exit(status.code().unwrap_or(1));
    }
}

/// This binary started again with `serve` in a child process, which prints one JSON line (where
/// it listens, the client configuration) and serves until its standard input closes: the child
/// and that line.
#[allow(dead_code)] // not every benchmark serves from a child
pub fn serve_in_child() -> (Child, serde_json::Value) {
    let exe = std::env::current_exe().expect("the benchmark binary has a path");
    let mut child = Command::new(exe)
        .arg("serve")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("the server process starts");
    let mut line = String::new();
    BufReader::new(child.stdout.take().expect("piped"))
        .read_line(&mut line)
        .expect("the server says where it listens");
    let hello = serde_json::from_str(&line).expect("a JSON line");
    (child, hello)
}
