//! The sandbox under hostile clients: a thousand idle connections, requests dribbled a byte at a
//! time (slowloris), oversized heads and bodies, garbage bytes. It stays up, its threads stay
//! bounded, it keeps serving well-behaved clients and serves them all again once the hostile
//! ones leave. tests/it/connection_limit.rs refuses connections past its bound.
//!
//! A test binary of its own, not a module of tests/it: it raises the process's descriptor limit
//! and counts the process's threads, which other tests running beside it would change.
#![cfg(target_os = "linux")]

#[path = "../../tests/common/mod.rs"]
mod common;

use common::{EDU, edu_with_user};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

fn threads() -> usize {
    common::process::process_usage().1
}

/// The status line's code of what `stream` answers, or None when it closed without one.
fn status_of(stream: &mut TcpStream) -> Option<u16> {
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer);
    let text = String::from_utf8_lossy(&answer);
    text.split_whitespace().nth(1)?.parse().ok()
}

/// Enough file descriptors for both ends of every connection in this process.
fn raise_fd_limit() {
    let mut limit = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: a plain struct out-parameter.
    unsafe {
        if libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) == 0 && limit.rlim_cur < 4096 {
            limit.rlim_cur = limit.rlim_max.min(4096);
            libc::setrlimit(libc::RLIMIT_NOFILE, &limit);
        }
    }
}

#[test]
fn a_thousand_idle_connections_are_all_held_on_a_few_threads_while_new_calls_are_answered() {
    raise_fd_limit();
    let fx = common::sandbox();
    let client = fx.client();
    client
        .call(EDU, &edu_with_user("before-idle"))
        .expect("served");
    let before = threads();
    // 1,000 connections that never send a byte, more than the 512 a thread per connection held.
    let idle: Vec<TcpStream> = (0..1000)
        .map(|_| TcpStream::connect(fx.sandbox.addr()).expect("connect"))
        .collect();
    std::thread::sleep(Duration::from_millis(500));
    let answered = idle
        .iter()
        .filter(|stream| {
            stream.set_nonblocking(true).expect("non-blocking");
            // Nothing to read on a held connection; a refusal would be a 503 or a close.
            (&mut &**stream).read(&mut [0u8; 64]).is_ok()
        })
        .count();
    assert_eq!(answered, 0, "idle connections are held, none refused");
    let open = fx.sandbox.stats()["connections_open"].as_u64().unwrap_or(0);
    assert!(open >= 1000, "all held open: {open}");
    let answer = fx
        .client()
        .call(EDU, &edu_with_user("beside-idle"))
        .expect("a new client is served beside them");
    assert_eq!(answer.status, 200);
    assert!(
        threads() <= before + 8,
        "connections take no thread of their own: {before} -> {}",
        threads()
    );
    drop(idle);
    let deadline = Instant::now() + Duration::from_secs(5);
    while fx.sandbox.stats()["connections_open"].as_u64() > Some(2) && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(
        fx.sandbox.stats()["connections_open"].as_u64() <= Some(2),
        "closed connections are let go: {}",
        fx.sandbox.stats()
    );
    client.call(EDU, &edu_with_user("after")).expect("served");
}

#[test]
fn a_request_dribbled_a_byte_at_a_time_is_cut_off_while_others_are_served() {
    let fx = common::sandbox();
    let mut slow = TcpStream::connect(fx.sandbox.addr()).unwrap();
    slow.set_read_timeout(Some(Duration::from_millis(900)))
        .unwrap();
    slow.write_all(b"POST /v3/edu-papay/contracts/presign HTTP/1.1\r\nX-Slow: ")
        .unwrap();
    let started = Instant::now();
    let mut cut_off = None;
    while started.elapsed() < Duration::from_secs(14) {
        if slow.write_all(b"a").is_err() {
            cut_off = Some(started.elapsed());
            break;
        }
        let mut byte = [0u8; 512];
        match slow.read(&mut byte) {
            Ok(0) => {
                cut_off = Some(started.elapsed());
                break;
            }
            Ok(n) => {
                assert!(
                    String::from_utf8_lossy(&byte[..n]).starts_with("HTTP/1.1 408"),
                    "answered 408: {}",
                    String::from_utf8_lossy(&byte[..n])
                );
                cut_off = Some(started.elapsed());
                break;
            }
            Err(_) => {}
        }
        // Meanwhile a well-behaved client is served.
        if started.elapsed() < Duration::from_secs(2) {
            fx.client()
                .call(EDU, &edu_with_user("beside-slowloris"))
                .expect("served beside the slow client");
        }
    }
    let cut_off = cut_off.expect("the dribbling client was cut off");
    assert!(
        cut_off < Duration::from_secs(11),
        "cut off at the 8 s mark, not later: {cut_off:?}"
    );
}

#[test]
fn oversized_heads_and_bodies_and_garbage_are_refused_and_the_connection_closed() {
    let fx = common::sandbox();
    let send = |bytes: &[u8]| {
        let mut stream = TcpStream::connect(fx.sandbox.addr()).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        let _ = stream.write_all(bytes);
        status_of(&mut stream)
    };
    let mut huge_head = b"GET /sandbox/stats HTTP/1.1\r\n".to_vec();
    for i in 0..400 {
        huge_head.extend_from_slice(format!("X-Padding-{i}: {}\r\n", "a".repeat(40)).as_bytes());
    }
    huge_head.extend_from_slice(b"\r\n");
    assert_eq!(send(&huge_head), Some(431), "a head over 16 KiB");
    assert_eq!(
        send(b"POST /v3/edu-papay/contracts/presign HTTP/1.1\r\nContent-Length: 5000000\r\n\r\n"),
        Some(413),
        "a body over 1 MiB"
    );
    assert_eq!(
        send(b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03garbage\r\n\r\n"),
        Some(400)
    );
    assert_eq!(
        send(b"GET / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"),
        Some(411)
    );
    // And it still serves.
    fx.client()
        .call(EDU, &edu_with_user("after-garbage"))
        .expect("served");
}
