//! The sandbox's connection bound, on a served sandbox whose descriptor limit is set low: it
//! raises its soft limit to the hard one, holds as many connections as that allows less a
//! reserve of 256, and answers each connection beyond them 503 with JSON that says so.
#![cfg(target_os = "linux")]

use crate::common;

use common::process::{Group, Scratch};
use serde_json::Value;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::os::unix::process::CommandExt;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const SOFT: u64 = 200;
const HARD: u64 = 512;
/// What the sandbox holds at a hard limit of 512: 512 less the 256 it keeps for everything else.
const BOUND: usize = 256;

/// `wxpresign sandbox serve` started with RLIMIT_NOFILE at SOFT:HARD; its address.
fn serve_with_few_descriptors(dir: &Scratch) -> (Group, SocketAddr) {
    let bin = env!("CARGO_BIN_EXE_wxpresign");
    let dir = dir.0.join("sandbox");
    let init = Command::new(bin)
        .args(["sandbox", "init"])
        .arg(&dir)
        .args(["--listen", "127.0.0.1:0"])
        .output()
        .expect("wxpresign runs");
    assert!(init.status.success(), "{init:?}");
    let mut serve = Command::new(bin);
    serve
        .args(["sandbox", "serve"])
        .arg(&dir)
        .stdout(Stdio::piped());
    // SAFETY: setrlimit is async-signal-safe and touches only the child.
    unsafe {
        serve.pre_exec(|| {
            let limit = libc::rlimit {
                rlim_cur: SOFT,
                rlim_max: HARD,
            };
            if libc::setrlimit(libc::RLIMIT_NOFILE, &limit) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    let mut group = Group::spawn(serve, libc::SIGTERM).expect("the sandbox starts");
    let stdout = group.child().stdout.take().expect("piped");
    let mut lines = BufReader::new(stdout).lines();
    let first = lines.next().and_then(Result::ok).unwrap_or_default();
    let addr = first
        .strip_prefix("listening on http://")
        .and_then(|a| a.parse().ok())
        .unwrap_or_else(|| panic!("the sandbox did not start: {first:?}"));
    std::thread::spawn(move || for _ in lines {});
    (group, addr)
}

/// What a connection has been sent so far, without waiting.
fn received(stream: &TcpStream) -> Option<String> {
    stream.set_nonblocking(true).expect("non-blocking");
    let mut bytes = vec![0u8; 4096];
    let n = (&mut &*stream).read(&mut bytes).ok()?;
    Some(String::from_utf8_lossy(&bytes[..n]).into_owned())
}

fn stats(addr: SocketAddr) -> String {
    let mut stream = TcpStream::connect(addr).expect("connects");
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .expect("timeout");
    stream
        .write_all(b"GET /sandbox/stats HTTP/1.1\r\nConnection: close\r\n\r\n")
        .expect("sent");
    let mut answer = String::new();
    let _ = stream.read_to_string(&mut answer);
    answer
}

#[test]
fn connections_past_the_bound_are_answered_503_with_json_naming_the_limit_and_later_ones_served() {
    let dir = Scratch::new("connection-limit");
    let (_sandbox, addr) = serve_with_few_descriptors(&dir);
    // More than a soft limit of 200 descriptors could hold: only a raised limit serves BOUND.
    let idle: Vec<TcpStream> = (0..BOUND + 40)
        .map(|_| TcpStream::connect(addr).expect("connect"))
        .collect();
    std::thread::sleep(Duration::from_secs(1));
    let answers: Vec<Option<String>> = idle.iter().map(received).collect();
    let held = answers.iter().filter(|a| a.is_none()).count();
    assert_eq!(held, BOUND, "connections held: the hard limit less 256");
    let refusal = answers.iter().flatten().next().expect("a refusal");
    let (head, body) = refusal.split_once("\r\n\r\n").expect("a whole answer");
    assert!(head.starts_with("HTTP/1.1 503"), "{head}");
    assert!(head.contains("Connection: close"), "{head}");
    let body: Value = serde_json::from_str(body).expect("a JSON body");
    let message = body["message"].as_str().unwrap_or("");
    assert!(
        message.contains("connection limit (256 open connections)"),
        "{body}"
    );
    drop(idle);
    // Once they leave, the sandbox serves again, and counts only the connections it held.
    let deadline = Instant::now() + Duration::from_secs(5);
    let mut answer = stats(addr);
    while !answer.starts_with("HTTP/1.1 200") && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(100));
        answer = stats(addr);
    }
    let (_, body) = answer.split_once("\r\n\r\n").expect("a whole answer");
    let counted: Value = serde_json::from_str(body).expect("JSON stats");
    assert_eq!(
        counted["connections_accepted"].as_u64(),
        Some(BOUND as u64 + 1),
        "{counted}"
    );
}
