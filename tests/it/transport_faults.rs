//! Fault injection below HTTP: a loopback server that reads the request and then misbehaves at
//! the byte level (resets, truncates, dribbles, floods, lies in its headers). Each fault must end
//! in its documented status within timeout_ms plus a small margin, and the error JSON must say
//! whether the request may have reached the server.
//!
//! Each test prints one row of the Reliability table (reliability/faults.sh collects them):
//! `| fault: name | status | may_have_reached_server | elapsed | message |`.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use serde_json::Value;
use wxpresign::keys::PrivateKey;
use wxpresign::{Client, Error, Kind};
use wxpresign_sandbox::Identity;

use crate::common;
use common::{EDU, example};

const TIMEOUT_MS: u64 = 1500;
/// What a fault may take beyond timeout_ms: a bound, not a benchmark.
const MARGIN: Duration = Duration::from_secs(2);

/// One merchant and one "WeChat Pay" key per test binary (RSA generation is slow in debug).
fn identity() -> &'static (Identity, PrivateKey) {
    static IDENTITY: OnceLock<(Identity, PrivateKey)> = OnceLock::new();
    IDENTITY.get_or_init(|| Identity::generate().expect("key generation works"))
}

fn client(base_url: &str) -> Client {
    let (identity, merchant_key) = identity();
    let mut config = identity
        .client_config(merchant_key, base_url)
        .expect("config renders");
    config["timeout_ms"] = TIMEOUT_MS.into();
    config["connect_timeout_ms"] = Value::from(1000);
    Client::from_json(&config.to_string()).expect("valid config")
}

/// The `Wechatpay-*` and `Request-ID` header lines of a correctly signed answer with `body`.
fn signature_headers(body: &[u8]) -> String {
    let (identity, _) = identity();
    let signed = identity.signature_headers(body).expect("signing works");
    let lines: String = signed
        .iter()
        .map(|(name, value)| format!("{name}: {value}\r\n"))
        .collect();
    format!("Request-ID: fault-test-1\r\n{lines}")
}

/// Reads one request (head and Content-Length body) so that the client has sent everything.
fn read_request(stream: &mut TcpStream) {
    let mut data = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        if let Some(end) = data.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&data[..end]).to_ascii_lowercase();
            let length: usize = head
                .lines()
                .find_map(|l| l.strip_prefix("content-length:"))
                .and_then(|v| v.trim().parse().ok())
                .unwrap_or(0);
            if data.len() >= end + 4 + length {
                return;
            }
        }
        match stream.read(&mut buf) {
            Ok(0) | Err(_) => return,
            Ok(n) => data.extend_from_slice(&buf[..n]),
        }
    }
}

/// A server on a fresh loopback port for one connection: it reads the request, then
/// `misbehave` writes whatever it likes. Returns the base URL.
fn serve_once(misbehave: impl FnOnce(&mut TcpStream) + Send + 'static) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("a loopback port is free");
    let url = format!("http://{}", listener.local_addr().expect("bound"));
    std::thread::spawn(move || {
        if let Ok((mut stream, _)) = listener.accept() {
            read_request(&mut stream);
            misbehave(&mut stream);
        }
    });
    url
}

/// A server that answers `head` (status line and headers, without the blank line) and `body`.
fn answering(head: String, body: Vec<u8>) -> String {
    serve_once(move |s| {
        let _ = s.write_all(format!("{head}\r\n").as_bytes());
        let _ = s.write_all(&body);
    })
}

/// A signed 200 answer with `body` and the given Content-Length line (or none).
fn signed_200(body: &[u8], content_length: Option<&str>) -> String {
    let mut head = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n{}",
        signature_headers(body)
    );
    if let Some(length) = content_length {
        head.push_str(&format!("Content-Length: {length}\r\n"));
    }
    head.push_str("Connection: close\r\n");
    head
}

/// Calls the edu endpoint against `base_url`, expects a failure within the bound, prints the
/// table row and returns the error.
fn observe(fault: &str, base_url: &str) -> Error {
    let client = client(base_url);
    let started = Instant::now();
    let result = client.call(EDU, &example(EDU).to_string());
    let elapsed = started.elapsed();
    let error = match result {
        Ok(r) => panic!("{fault}: the call succeeded: {}", r.to_json()),
        Err(e) => e,
    };
    let json = error.to_json();
    println!(
        "| fault: {fault} | {} {} | {} | {} ms | {} |",
        error.kind() as i32,
        error.kind().as_str(),
        json["error"]["may_have_reached_server"],
        elapsed.as_millis(),
        error.message().replace('|', "/")
    );
    assert!(
        elapsed < Duration::from_millis(TIMEOUT_MS) + MARGIN,
        "{fault}: took {elapsed:?}"
    );
    error
}

fn may_have_reached_server(error: &Error) -> bool {
    error.to_json()["error"]["may_have_reached_server"] == true
}

fn assert_outcome(error: &Error, kind: Kind, reached: bool, needle: &str) {
    assert_eq!(error.kind(), kind, "{error}");
    assert_eq!(may_have_reached_server(error), reached, "{error}");
    assert!(
        error.message().contains(needle),
        "the message says \"{needle}\": {error}"
    );
}

#[test]
fn the_harness_signs_answers_the_library_accepts() {
    let body = br#"{"presign_token":"presign_fault_harness"}"#.to_vec();
    let url = answering(signed_200(&body, Some(&body.len().to_string())), body);
    let response = client(&url)
        .call(EDU, &example(EDU).to_string())
        .expect("a well-formed signed answer is accepted");
    assert_eq!(response.data["presign_token"], "presign_fault_harness");
}

#[test]
fn refused_connection_was_not_delivered_and_fails_at_once() {
    let port = TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port();
    let error = observe("connection refused", &format!("http://127.0.0.1:{port}"));
    assert_outcome(
        &error,
        Kind::Transport,
        false,
        "connection refused by 127.0.0.1",
    );
}

/// A port on `ip` that nothing listens on.
fn closed_port(ip: &str) -> u16 {
    TcpListener::bind((ip, 0))
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port()
}

#[test]
fn refused_connection_to_loopback_names_the_address_and_the_sandbox_command() {
    let port = closed_port("127.0.0.1");
    let error = observe(
        "connection refused by localhost",
        &format!("http://localhost:{port}"),
    );
    assert!(
        error.message().starts_with(&format!(
            "connection refused by localhost:{port}: is the server running there (for the \
             sandbox: `wxpresign sandbox serve DIR`)?"
        )),
        "{error}"
    );
}

#[test]
fn refused_connection_to_another_host_names_its_address_and_nothing_of_the_sandbox() {
    // This machine's own address on the way out: not loopback, and refusing at once.
    let own = std::net::UdpSocket::bind("0.0.0.0:0")
        .and_then(|s| s.connect("192.0.2.1:9").and(s.local_addr()))
        .expect("a route to a non-loopback network")
        .ip()
        .to_string();
    let port = closed_port(&own);
    let error = observe(
        "connection refused by a non-loopback host",
        &format!("https://{own}:{port}"),
    );
    let message = error.message();
    assert!(
        message.starts_with(&format!("cannot connect to {own}:{port}: "))
            && !message.contains("sandbox"),
        "{error}"
    );
}

#[test]
fn connection_closed_without_an_answer_may_have_been_delivered() {
    let url = serve_once(|_| {});
    let error = observe("closed after the request, no answer", &url);
    assert_outcome(&error, Kind::Transport, true, "127.0.0.1");
}

#[test]
fn reset_in_the_middle_of_the_body_may_have_been_delivered() {
    let url = serve_once(|s| {
        let _ = s.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 500\r\n\r\n{\"presign_token\":");
        std::thread::sleep(Duration::from_millis(50));
        // SO_LINGER 0: close with a RST instead of a FIN.
        let _ = socket2::SockRef::from(&*s).set_linger(Some(Duration::ZERO));
    });
    let error = observe("reset mid-body (RST)", &url);
    assert_outcome(&error, Kind::Transport, true, "broke off");
}

#[test]
fn body_shorter_than_its_content_length_is_a_transport_error() {
    let body = br#"{"presign_token":"presign_"#.to_vec();
    let url = answering(signed_200(&body, Some("500")), body);
    let error = observe("truncated body (Content-Length 500, 26 sent, FIN)", &url);
    assert_outcome(
        &error,
        Kind::Transport,
        true,
        "broke off after 26 of its 500 bytes",
    );
}

#[test]
fn truncated_chunked_body_is_a_transport_error() {
    let url = answering(
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n".into(),
        b"40\r\n{\"presign_token\":".to_vec(),
    );
    let error = observe("truncated chunked body", &url);
    assert_outcome(&error, Kind::Transport, true, "broke off");
}

#[test]
fn body_dribbled_byte_by_byte_is_cut_off_at_timeout_ms() {
    let url = serve_once(|s| {
        let _ = s.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 200\r\n\r\n");
        for _ in 0..200 {
            if s.write_all(b" ").is_err() {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    });
    let error = observe("slow body (1 byte / 50 ms, 200 bytes)", &url);
    assert_outcome(
        &error,
        Kind::Transport,
        true,
        "did not arrive within timeout_ms",
    );
}

#[test]
fn headers_dribbled_byte_by_byte_are_cut_off_at_timeout_ms() {
    let url = serve_once(|s| {
        for byte in b"HTTP/1.1 200 OK\r\nX-Padding: "
            .iter()
            .chain([b'a'; 200].iter())
        {
            if s.write_all(&[*byte]).is_err() {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    });
    let error = observe("slow headers (1 byte / 50 ms)", &url);
    assert_outcome(&error, Kind::Transport, true, "within timeout_ms");
}

#[test]
fn silent_server_is_cut_off_at_timeout_ms() {
    let url = serve_once(|_| std::thread::sleep(Duration::from_millis(TIMEOUT_MS + 3000)));
    let error = observe("silent server (reads, never answers)", &url);
    assert_outcome(&error, Kind::Transport, true, "within timeout_ms");
}

#[test]
fn announced_oversized_body_is_refused_before_reading() {
    let url = serve_once(|s| {
        let _ = s.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 10485760\r\n\r\n");
        let chunk = [b'x'; 65536];
        for _ in 0..160 {
            if s.write_all(&chunk).is_err() {
                return;
            }
        }
    });
    let error = observe("oversized body, Content-Length 10 MiB", &url);
    assert_outcome(&error, Kind::Transport, true, "more than the 1048576 bytes");
}

/// Floods an answer framed by `head` until the client goes away; returns the bytes written.
fn endless(head: &'static [u8], chunk: Vec<u8>) -> (String, std::sync::mpsc::Receiver<u64>) {
    let (tx, rx) = std::sync::mpsc::channel();
    let url = serve_once(move |s| {
        let _ = s.write_all(head);
        let mut written = 0u64;
        // Stops when the client closes; 64 MiB is far beyond what any buffer holds.
        while written < 64 << 20 && s.write_all(&chunk).is_ok() {
            written += chunk.len() as u64;
        }
        let _ = tx.send(written);
    });
    (url, rx)
}

#[test]
fn endless_body_is_cut_at_one_mib_while_reading() {
    // No Content-Length: the body ends when the connection does, which here is never.
    let (url, written) = endless(
        b"HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n",
        vec![b'x'; 65536],
    );
    let error = observe("endless body, no Content-Length", &url);
    assert_outcome(&error, Kind::Transport, true, "larger than 1048576 bytes");
    let written = written.recv_timeout(Duration::from_secs(10)).unwrap_or(0);
    println!("  the server wrote {written} bytes before the library hung up");
    assert!(written < 64 << 20, "the library read to the end");
}

#[test]
fn endless_chunked_body_is_cut_at_one_mib_while_reading() {
    let mut chunk = b"10000\r\n".to_vec();
    chunk.extend([b'x'; 0x10000]);
    chunk.extend(b"\r\n");
    let (url, _) = endless(
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n",
        chunk,
    );
    let error = observe("endless chunked body", &url);
    assert_outcome(&error, Kind::Transport, true, "larger than 1048576 bytes");
}

#[test]
fn content_length_shorter_than_the_signed_body_fails_verification() {
    let body = br#"{"presign_token":"presign_wrong_length"}"#.to_vec();
    let url = answering(signed_200(&body, Some("10")), body);
    let error = observe("wrong Content-Length (10, body 40)", &url);
    assert_outcome(&error, Kind::Verify, true, "does not match");
}

#[test]
fn unparsable_content_length_is_a_malformed_answer() {
    let body = br#"{"presign_token":"x"}"#.to_vec();
    let url = answering(signed_200(&body, Some("twenty")), body);
    let error = observe("Content-Length: twenty", &url);
    assert_outcome(&error, Kind::Transport, true, "malformed HTTP answer");
}

#[test]
fn conflicting_content_lengths_are_a_malformed_answer() {
    let body = br#"{"presign_token":"x"}"#.to_vec();
    let mut head = signed_200(&body, Some(&body.len().to_string()));
    head.push_str("Content-Length: 5\r\n");
    let url = answering(head, body);
    let error = observe("two different Content-Length headers", &url);
    assert_outcome(&error, Kind::Transport, true, "malformed HTTP answer");
}

#[test]
fn malformed_status_line_is_a_malformed_answer() {
    let url = answering("HELLO\r\n".into(), Vec::new());
    let error = observe("garbage status line", &url);
    assert_outcome(&error, Kind::Transport, true, "malformed HTTP answer");
}

#[test]
fn invalid_utf8_on_a_signed_2xx_is_a_verify_error() {
    let body = b"{\"presign_token\":\"\xff\xfe\"}".to_vec();
    let url = answering(signed_200(&body, Some(&body.len().to_string())), body);
    let error = observe("invalid UTF-8 body on a signed 200", &url);
    assert_outcome(&error, Kind::Verify, true, "not JSON");
    assert_eq!(error.request_id(), Some("fault-test-1"));
}

#[test]
fn invalid_utf8_on_an_error_answer_is_an_api_error_with_a_readable_excerpt() {
    let body = b"<html>\xff\xfe bad gateway</html>".to_vec();
    let head = format!(
        "HTTP/1.1 502 Bad Gateway\r\nContent-Length: {}\r\n",
        body.len()
    );
    let url = answering(head, body);
    let error = observe("invalid UTF-8 body on a 502", &url);
    assert_outcome(&error, Kind::Api, true, "502");
    assert!(
        error
            .api_answer()
            .and_then(|a| a.body.as_deref())
            .is_some_and(|b| b.contains("bad gateway")),
        "{:?}",
        error.api_answer()
    );
}

#[test]
fn non_json_2xx_is_a_verify_error_even_when_signed() {
    let body = b"OK".to_vec();
    let url = answering(signed_200(&body, Some("2")), body);
    let error = observe("non-JSON signed 200 (\"OK\")", &url);
    assert_outcome(&error, Kind::Verify, true, "not JSON");
}

#[test]
fn unsigned_non_json_2xx_is_a_verify_error() {
    let url = answering(
        "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n".into(),
        b"OK".to_vec(),
    );
    let error = observe("non-JSON unsigned 200", &url);
    assert_outcome(&error, Kind::Verify, true, "Wechatpay-");
}

#[test]
fn duplicate_wechatpay_signature_headers_are_a_verify_error() {
    let body = br#"{"presign_token":"x"}"#.to_vec();
    let mut head = signed_200(&body, Some(&body.len().to_string()));
    head.push_str("Wechatpay-Signature: AAAA\r\n");
    let url = answering(head, body);
    let error = observe("duplicate Wechatpay-Signature", &url);
    assert_outcome(&error, Kind::Verify, true, "more than once");
}

#[test]
fn duplicate_identical_wechatpay_timestamp_headers_are_a_verify_error() {
    let body = br#"{"presign_token":"x"}"#.to_vec();
    let mut head = signed_200(&body, Some(&body.len().to_string()));
    let timestamp = head
        .lines()
        .find(|l| l.starts_with("Wechatpay-Timestamp"))
        .expect("signed")
        .to_owned();
    head.push_str(&format!("{timestamp}\r\n"));
    let url = answering(head, body);
    let error = observe("duplicate identical Wechatpay-Timestamp", &url);
    assert_outcome(&error, Kind::Verify, true, "more than once");
}

#[test]
fn non_ascii_header_value_is_a_transport_error() {
    let body = br#"{"presign_token":"x"}"#.to_vec();
    let mut head = signed_200(&body, Some(&body.len().to_string()));
    head.push_str("X-Note: caf\u{e9}\r\n");
    let url = answering(head, body);
    let error = observe("non-ASCII header value", &url);
    assert_outcome(&error, Kind::Transport, true, "not ASCII");
}

/// A signed 200 answer, head and body, that leaves the connection open.
fn kept_alive_answer(body: &str) -> String {
    format!(
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n{}Content-Length: {}\r\n\r\n{body}",
        signature_headers(body.as_bytes()),
        body.len()
    )
}

/// A server on a fresh loopback port that hands each connection, numbered from 0, to `serve` on
/// a thread of its own. Returns the base URL and the number of connections it accepted.
fn counting_server(
    serve: fn(TcpStream, usize),
) -> (String, std::sync::Arc<std::sync::atomic::AtomicUsize>) {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};
    let listener = TcpListener::bind("127.0.0.1:0").expect("a loopback port is free");
    let url = format!("http://{}", listener.local_addr().expect("bound"));
    let accepted = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&accepted);
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(stream) = stream else { return };
            let n = counter.fetch_add(1, Ordering::SeqCst);
            std::thread::spawn(move || serve(stream, n));
        }
    });
    (url, accepted)
}

/// A keep-alive server: it answers every request on a connection with a signed
/// `presign_connection_{n}` (n counts connections from 0), and closes connection 0 some time
/// after its first answer, as an idle timeout would, when `close_first` says so.
fn keep_alive_server(
    close_first: bool,
) -> (String, std::sync::Arc<std::sync::atomic::AtomicUsize>) {
    let serve: fn(TcpStream, usize) = if close_first {
        |stream, n| answer_each_request(stream, n, n == 0)
    } else {
        |stream, n| answer_each_request(stream, n, false)
    };
    counting_server(serve)
}

fn answer_each_request(mut stream: TcpStream, n: usize, close_after_answer: bool) {
    loop {
        let mut first = [0u8; 1];
        // The next request, or the client's close.
        if !matches!(stream.peek(&mut first), Ok(1)) {
            return;
        }
        read_request(&mut stream);
        let body = format!(r#"{{"presign_token":"presign_connection_{n}"}}"#);
        let _ = stream.write_all(kept_alive_answer(&body).as_bytes());
        if close_after_answer {
            std::thread::sleep(Duration::from_millis(50));
            return;
        }
    }
}

#[test]
fn consecutive_calls_share_one_kept_alive_connection() {
    let (url, accepted) = keep_alive_server(false);
    let client = client(&url);
    for _ in 0..5 {
        let response = client
            .call(EDU, &example(EDU).to_string())
            .expect("each call is answered");
        assert_eq!(response.data["presign_token"], "presign_connection_0");
    }
    assert_eq!(accepted.load(std::sync::atomic::Ordering::SeqCst), 1);
}

#[test]
fn a_kept_alive_connection_the_server_closed_is_not_written_to() {
    // The first connection is closed by the server 50 ms after its answer, while it sits in the
    // client's pool; the next call must notice and connect afresh rather than fail as "may have
    // been delivered".
    let (url, accepted) = keep_alive_server(true);
    let client = client(&url);
    let first = client
        .call(EDU, &example(EDU).to_string())
        .expect("the first call is answered");
    assert_eq!(first.data["presign_token"], "presign_connection_0");
    std::thread::sleep(Duration::from_millis(300));
    let second = client
        .call(EDU, &example(EDU).to_string())
        .expect("the second call is answered on a new connection");
    assert_eq!(second.data["presign_token"], "presign_connection_1");
    assert_eq!(accepted.load(std::sync::atomic::Ordering::SeqCst), 2);
}

/// Segments carrying data that the server side of `stream` has received (Linux TCP_INFO).
fn data_segments_in(stream: &TcpStream) -> u32 {
    use std::os::fd::AsRawFd;
    let mut info = std::mem::MaybeUninit::<libc::tcp_info>::zeroed();
    let mut len = std::mem::size_of::<libc::tcp_info>() as libc::socklen_t;
    // SAFETY: getsockopt writes at most `len` bytes into `info`, a tcp_info-sized buffer.
    let rc = unsafe {
        libc::getsockopt(
            stream.as_raw_fd(),
            libc::IPPROTO_TCP,
            libc::TCP_INFO,
            info.as_mut_ptr().cast(),
            &mut len,
        )
    };
    assert_eq!(rc, 0, "TCP_INFO is readable");
    // SAFETY: zero-initialised and filled by the kernel; every field is a plain integer.
    unsafe { info.assume_init() }.tcpi_data_segs_in
}

#[test]
fn each_request_reaches_the_server_in_one_segment() {
    // Head and body in one write: one segment, one wake-up of the server, per call, on a new
    // connection and on a kept-alive one alike.
    let listener = TcpListener::bind("127.0.0.1:0").expect("a loopback port is free");
    let url = format!("http://{}", listener.local_addr().expect("bound"));
    let server = std::thread::spawn(move || {
        let (mut stream, _) = listener.accept().expect("the client connects");
        let mut segments = Vec::new();
        for _ in 0..3 {
            read_request(&mut stream);
            segments.push(data_segments_in(&stream));
            let answer = kept_alive_answer(r#"{"presign_token":"presign_one_segment"}"#);
            stream
                .write_all(answer.as_bytes())
                .expect("the answer is sent");
        }
        segments
    });
    let client = client(&url);
    for _ in 0..3 {
        client
            .call(EDU, &example(EDU).to_string())
            .expect("each call is answered");
    }
    assert_eq!(server.join().expect("the server ran"), [1, 2, 3]);
}

#[test]
fn a_connection_with_bytes_after_the_answer_is_not_used_again() {
    // A server that sends more than its answer (a stray second answer in the same segment)
    // leaves the connection in an unknown state: the next call must go out on a new one and be
    // answered, not read the leftover bytes as its own answer.
    let (url, accepted) = counting_server(|mut stream, n| {
        read_request(&mut stream);
        let answer = kept_alive_answer(&format!(r#"{{"presign_token":"presign_connection_{n}"}}"#));
        let stray = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}";
        let _ = stream.write_all(format!("{answer}{stray}").as_bytes());
        // Keep the connection open, as a confused server would.
        let _ = stream.read(&mut [0u8; 1]);
    });
    let client = client(&url);
    for n in 0..2 {
        let response = client
            .call(EDU, &example(EDU).to_string())
            .expect("each call is answered");
        assert_eq!(
            response.data["presign_token"],
            format!("presign_connection_{n}")
        );
    }
    assert_eq!(accepted.load(std::sync::atomic::Ordering::SeqCst), 2);
}

/// Serves a connection as WeChat Pay's front ends do: a request that arrives after the
/// connection sat idle longer than `idle` is read and dropped unanswered (the front end closed
/// it as the request was in flight); the others are answered, naming `keep_alive` as the
/// answer's `Keep-Alive: timeout` when given.
fn serve_dropping_idle(mut stream: TcpStream, n: usize, idle: Duration, keep_alive: Option<u64>) {
    let mut last = Instant::now();
    loop {
        let mut first = [0u8; 1];
        if !matches!(stream.peek(&mut first), Ok(1)) {
            return;
        }
        let waited = last.elapsed();
        read_request(&mut stream);
        if waited > idle {
            let _ = stream.shutdown(std::net::Shutdown::Both);
            return;
        }
        let mut answer =
            kept_alive_answer(&format!(r#"{{"presign_token":"presign_connection_{n}"}}"#));
        if let Some(seconds) = keep_alive {
            answer = answer.replacen("\r\n", &format!("\r\nKeep-Alive: timeout={seconds}\r\n"), 1);
        }
        let _ = stream.write_all(answer.as_bytes());
        last = Instant::now();
    }
}

/// Makes two calls `gap` apart to a [`counting_server`] running `serve`; both must succeed,
/// the second on a connection of its own.
fn two_calls_apart(serve: fn(TcpStream, usize), gap: Duration) {
    let (url, accepted) = counting_server(serve);
    let client = client(&url);
    let first = client.call(EDU, &example(EDU).to_string());
    assert!(first.is_ok(), "{first:?}");
    std::thread::sleep(gap);
    let second = client.call(EDU, &example(EDU).to_string());
    assert!(
        second.is_ok(),
        "the idle connection was retired, not reused: {second:?}"
    );
    assert_eq!(accepted.load(std::sync::atomic::Ordering::SeqCst), 2);
}

#[test]
fn calls_8_5_s_apart_both_succeed_where_the_server_drops_requests_on_connections_idle_over_8_s() {
    two_calls_apart(
        |stream, n| serve_dropping_idle(stream, n, Duration::from_secs(8), None),
        Duration::from_millis(8500),
    );
}

#[test]
fn an_answer_keep_alive_timeout_shorter_than_the_pool_s_is_honoured() {
    two_calls_apart(
        |stream, n| serve_dropping_idle(stream, n, Duration::from_secs(1), Some(1)),
        Duration::from_millis(1500),
    );
}

#[test]
fn a_repeated_request_id_header_does_not_fail_an_answer() {
    let body = r#"{"presign_token":"presign_two_request_ids"}"#;
    let url = answering(
        format!(
            "{}Request-ID: added-by-a-proxy\r\nContent-Length: {}\r\n",
            signed_200(body.as_bytes(), None),
            body.len()
        ),
        body.as_bytes().to_vec(),
    );
    let response = client(&url)
        .call(EDU, &example(EDU).to_string())
        .expect("a repeated unsigned header is not an ambiguity");
    assert_eq!(response.request_id.as_deref(), Some("fault-test-1"));
}
